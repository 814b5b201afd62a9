//! A list the page fetches and shows: the newest answer, kept while the next
//! request is in flight (no flicker on a reload), with answers that arrive out
//! of order dropped. Plain signals and a task, instead of Leptos' async
//! resources with Transition and Suspend: their machinery, instantiated per
//! answer type, weighed more than the lists themselves in the first screen's
//! wasm (issue 14).

use std::future::Future;

use leptos::prelude::*;

use crate::api::ApiError;

/// `None` until the first answer.
pub type Answer<T> = Option<Result<T, ApiError>>;

#[derive(Clone, Copy)]
pub struct Fetched<T: Send + Sync + 'static> {
    answer: RwSignal<Answer<T>>,
    asked: StoredValue<u64>,
}

impl<T: Clone + Send + Sync + 'static> Fetched<T> {
    /// Fetches now, and again whenever a signal `fetch` reads changes; the
    /// returned future is the request.
    pub fn new<Fut>(fetch: impl Fn() -> Fut + 'static) -> Self
    where
        Fut: Future<Output = Result<T, ApiError>> + 'static,
    {
        let me = Fetched {
            answer: RwSignal::new(None),
            asked: StoredValue::new(0),
        };
        Effect::new(move |_| {
            let request = fetch();
            let n = me.asked.get_value() + 1;
            me.asked.set_value(n);
            leptos::task::spawn_local(async move {
                let answer = request.await;
                // Only the latest request's answer counts; the page may be gone.
                if me.asked.try_get_value() == Some(n) {
                    let _ = me.answer.try_set(Some(answer));
                }
            });
        });
        me
    }

    /// The newest answer (tracked).
    pub fn get(&self) -> Answer<T> {
        self.answer.get()
    }
}
