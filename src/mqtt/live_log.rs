//! The log as the screen sees it: the pure `MessageLog` and `LogFeed` behind
//! signals, with the flush timers. Messages reach the log in batches in an
//! animation frame, at most once per `feed::SCREEN_GAP_MS`.

use std::time::Duration;

use leptos::prelude::*;

use super::feed::{Flush, LogFeed};
use super::log::{MessageEntry, MessageLog, DEFAULT_CAP};

#[derive(Default)]
struct FlushTimers {
    wait: Option<TimeoutHandle>,
    frame: Option<AnimationFrameRequestHandle>,
}

#[derive(Clone, Copy)]
pub struct LiveLog {
    /// Not a signal: a flood would clone it per frame. `version` tells the
    /// screen that it changed.
    log: StoredValue<MessageLog, LocalStorage>,
    version: RwSignal<u64>,
    feed: StoredValue<LogFeed, LocalStorage>,
    timers: StoredValue<FlushTimers, LocalStorage>,
    /// How many messages the log keeps (older ones go; the counters keep counting).
    cap: RwSignal<usize>,
    received_total: RwSignal<u64>,
    sent_total: RwSignal<u64>,
    /// Messages received per second, over the last second.
    rate: RwSignal<u64>,
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

impl LiveLog {
    pub fn new() -> Self {
        LiveLog {
            log: StoredValue::new_local(MessageLog::default()),
            version: RwSignal::new(0),
            feed: StoredValue::new_local(LogFeed::default()),
            timers: StoredValue::new_local(FlushTimers::default()),
            cap: RwSignal::new(DEFAULT_CAP),
            received_total: RwSignal::new(0),
            sent_total: RwSignal::new(0),
            rate: RwSignal::new(0),
        }
    }

    pub fn received_total(&self) -> ReadSignal<u64> {
        self.received_total.read_only()
    }
    pub fn sent_total(&self) -> ReadSignal<u64> {
        self.sent_total.read_only()
    }
    pub fn rate(&self) -> ReadSignal<u64> {
        self.rate.read_only()
    }

    /// Queues a message for the next screen update.
    pub fn push(&self, m: MessageEntry) {
        let cap = self.cap.get_untracked();
        let Some(Some(when)) = self.feed.try_update_value(|f| f.push(m, cap, now_ms())) else {
            return;
        };
        let me = *self;
        match when {
            Flush::NextFrame => self.flush_in_frame(),
            Flush::AfterMs(ms) => self.timers.update_value(|t| {
                t.wait = set_timeout_with_handle(
                    move || me.flush_in_frame(),
                    Duration::from_millis(ms.into()),
                )
                .ok()
            }),
        }
    }

    fn flush_in_frame(&self) {
        let me = *self;
        self.timers.try_update_value(|t| {
            t.frame = request_animation_frame_with_handle(move || me.flush()).ok()
        });
    }

    fn flush(&self) {
        let Some(batch) = self.feed.try_update_value(|f| f.take(now_ms())) else {
            return;
        };
        if !batch.entries.is_empty() {
            self.log.update_value(|log| log.extend(batch.entries));
            self.version.update(|v| *v += 1);
        }
        if batch.received > 0 {
            self.received_total.update(|n| *n += batch.received);
        }
        if batch.sent > 0 {
            self.sent_total.update(|n| *n += batch.sent);
        }
    }

    /// Measures the rate; called once a second while connected.
    pub fn tick(&self) {
        let total = self.received_total.get_untracked();
        if let Some(Some(rate)) = self.feed.try_update_value(|f| f.rate(now_ms(), total)) {
            self.rate.set(rate);
        }
    }

    /// Cancels the flush timers (the owner is going away).
    pub fn cancel(&self) {
        self.timers.try_update_value(|t| {
            if let Some(t) = t.wait.take() {
                t.clear();
            }
            if let Some(f) = t.frame.take() {
                f.cancel();
            }
        });
    }

    /// Empties the log; the counters start again too.
    pub fn clear(&self) {
        self.feed.update_value(LogFeed::clear);
        self.log.update_value(MessageLog::clear);
        self.version.update(|v| *v += 1);
        self.received_total.set(0);
        self.sent_total.set(0);
    }

    /// Reads the log and, inside a reactive scope, re-runs when it changes.
    pub fn with<R>(&self, f: impl FnOnce(&MessageLog) -> R) -> R {
        self.version.track();
        self.log.with_value(f)
    }

    /// How many messages the log keeps (tracked).
    pub fn cap(&self) -> usize {
        self.cap.get()
    }

    pub fn set_cap(&self, cap: usize) {
        self.cap.set(cap.max(1));
        self.log.update_value(|log| log.set_cap(cap));
        self.version.update(|v| *v += 1);
    }
}

impl Default for LiveLog {
    fn default() -> Self {
        Self::new()
    }
}
