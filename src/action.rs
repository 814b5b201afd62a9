//! A write the user sent (create, delete, rotate, revoke): in flight or not,
//! per key, and its outcome handed straight to the caller's handler. Keyed,
//! so one row's pending state never shows on another, and the key is freed
//! however the request ends (a missing session is an outcome like any
//! other). Nothing here keeps the outcome, so a one-time password or a JWT
//! lives in the one place the handler puts it. Plain signals and a task
//! rather than Leptos' `Action`, whose machinery weighed more than these
//! forms in the first screen's wasm (issue 14).

use std::future::Future;

use leptos::prelude::*;

/// Writes in flight, by key: `Submit<()>` for a form that sends one thing,
/// `Submit<String>` for a list's rows (by id).
pub struct Submit<K: Send + Sync + 'static = ()> {
    pending: RwSignal<Vec<K>>,
}

impl<K: Send + Sync + 'static> Clone for Submit<K> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<K: Send + Sync + 'static> Copy for Submit<K> {}

impl<K: PartialEq + Clone + Send + Sync + 'static> Submit<K> {
    pub fn new() -> Self {
        Submit {
            pending: RwSignal::new(Vec::new()),
        }
    }

    /// A request for `key` is in flight (tracked: buttons disable themselves).
    pub fn pending_for(&self, key: &K) -> bool {
        self.pending.with(|p| p.contains(key))
    }

    /// Every key with a request in flight (tracked).
    pub fn pending_keys(&self) -> Vec<K> {
        self.pending.get()
    }

    /// Sends `request` for `key` unless one for it is in flight (a double
    /// click sends once), then frees the key and gives the outcome to
    /// `done`, unless the page that asked is gone.
    pub fn send_for<T: 'static>(
        &self,
        key: K,
        request: impl Future<Output = T> + 'static,
        done: impl FnOnce(T) + 'static,
    ) {
        if self.pending.with_untracked(|p| p.contains(&key)) {
            return;
        }
        self.pending.update(|p| p.push(key.clone()));
        let pending = self.pending;
        leptos::task::spawn_local(async move {
            let outcome = request.await;
            if pending.try_update(|p| p.retain(|k| k != &key)).is_some() {
                done(outcome);
            }
        });
    }
}

impl Submit<()> {
    /// The request is in flight (tracked).
    pub fn pending(&self) -> bool {
        self.pending_for(&())
    }

    /// As `send_for`, for a form that sends one thing.
    pub fn send<T: 'static>(
        &self,
        request: impl Future<Output = T> + 'static,
        done: impl FnOnce(T) + 'static,
    ) {
        self.send_for((), request, done)
    }
}

impl<K: PartialEq + Clone + Send + Sync + 'static> Default for Submit<K> {
    fn default() -> Self {
        Self::new()
    }
}
