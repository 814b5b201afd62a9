//! Every timer a connection starts, held by its handle so that ending the
//! connection (or disposing the client) cancels all of them: a timer that fires
//! into a disposed client reads disposed signals and, with `panic = "abort"`,
//! kills the whole console. (The log's flush timers live with the log.)

use std::time::Duration;

use leptos::prelude::{
    set_interval_with_handle, set_timeout_with_handle, IntervalHandle, TimeoutHandle,
};

/// The session's keep-alive and the rate counter run on this beat.
const TICK: Duration = Duration::from_secs(1);

#[derive(Default)]
pub struct Timers {
    ticker: Option<IntervalHandle>,
    retry: Option<TimeoutHandle>,
    drain: Option<TimeoutHandle>,
}

impl Timers {
    pub fn start_ticker(&mut self, tick: impl Fn() + 'static) {
        if let Some(t) = self.ticker.take() {
            t.clear();
        }
        self.ticker = set_interval_with_handle(tick, TICK).ok();
    }

    pub fn start_retry(&mut self, in_ms: u32, retry: impl FnOnce() + 'static) {
        if let Some(t) = self.retry.take() {
            t.clear();
        }
        self.retry = set_timeout_with_handle(retry, Duration::from_millis(in_ms.into())).ok();
    }

    /// The next slice of inbound frames, in a task of its own.
    pub fn drain_soon(&mut self, drain: impl FnOnce() + 'static) {
        self.drain = set_timeout_with_handle(drain, Duration::ZERO).ok();
    }

    pub fn cancel_all(&mut self) {
        if let Some(t) = self.ticker.take() {
            t.clear();
        }
        if let Some(t) = self.retry.take() {
            t.clear();
        }
        if let Some(t) = self.drain.take() {
            t.clear();
        }
    }
}
