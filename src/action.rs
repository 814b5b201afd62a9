//! Secrets live in one place. An action keeps its last outcome until the next
//! dispatch; for a one-time password or a JWT that would be a second, hidden
//! copy, so the outcome is taken out of the action as soon as it is read.

use leptos::prelude::*;

/// The action's outcome, if it has one, taken out of the action (tracked:
/// inside an effect it runs again at the next outcome).
pub fn take_outcome<I, O>(action: Action<I, O>) -> Option<O>
where
    I: 'static,
    O: Clone + 'static,
{
    let outcome = action.value().get();
    if outcome.is_some() {
        action.clear();
    }
    outcome
}
