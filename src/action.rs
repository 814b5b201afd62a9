//! A request the user sent (create a JWT, create a static credential): in
//! flight or not, and its outcome handed straight to the caller's handler.
//! Nothing here keeps the outcome, so a one-time password or a JWT lives in
//! the one place the handler puts it. Plain signals and a task rather than
//! Leptos' `Action`, whose machinery weighed more than these two forms in the
//! first screen's wasm (issue 14).

use std::future::Future;

use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct Submit {
    pending: RwSignal<bool>,
}

impl Submit {
    pub fn new() -> Self {
        Submit {
            pending: RwSignal::new(false),
        }
    }

    /// A request is in flight (tracked: buttons disable themselves).
    pub fn pending(&self) -> bool {
        self.pending.get()
    }

    /// Sends `request` unless one is in flight (a double click sends once),
    /// then gives its outcome to `done`, unless the page that asked is gone.
    pub fn send<T: 'static>(
        &self,
        request: impl Future<Output = T> + 'static,
        done: impl FnOnce(T) + 'static,
    ) {
        if self.pending.get_untracked() {
            return;
        }
        self.pending.set(true);
        let pending = self.pending;
        leptos::task::spawn_local(async move {
            let outcome = request.await;
            if pending.try_set(false).is_none() {
                done(outcome);
            }
        });
    }
}

impl Default for Submit {
    fn default() -> Self {
        Self::new()
    }
}
