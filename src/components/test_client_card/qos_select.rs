use leptos::prelude::*;

use crate::mqtt::qos::Qos;

/// "QoS 0/1/2", for subscribing and publishing alike.
#[component]
pub fn QosSelect(
    /// The chosen level.
    qos: RwSignal<Qos>,
    /// The select's id, for its label and for tests.
    id: &'static str,
) -> impl IntoView {
    let set = move |ev| {
        if let Some(q) = Qos::parse(&event_target_value(&ev)) {
            qos.set(q);
        }
    };
    view! {
        <label>"QoS "<select id=id prop:value=move || qos.get().as_u8().to_string() on:change=set>
            {Qos::ALL.map(|q| view! { <option value=q.as_u8().to_string()>{q.as_u8().to_string()}</option> })}
        </select></label>
    }
}
