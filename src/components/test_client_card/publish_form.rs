use leptos::prelude::*;

use super::context::{use_prefs, use_test_client};
use super::properties_fields::PropertiesFields;
use super::qos_select::QosSelect;
use super::topic_input::{TopicField, TopicInput};
use crate::components::field::{Control, Field};
use crate::i18n::{use_i18n, Msg};
use crate::mqtt::client::Status;
use crate::mqtt::properties_input::PropertiesInput;
use crate::mqtt::qos::Qos;
use crate::mqtt::session::Outgoing;
use crate::settings::{remember_publish, SavedPublish};

/// Publish a payload (optionally checked as JSON) in the namespace; recent
/// publishes can be picked again, also after a reload.
#[component]
pub fn PublishForm() -> impl IntoView {
    let i18n = use_i18n();
    let client = use_test_client();
    let prefs = use_prefs();
    let topic = TopicField::new("test", false);
    let payload = RwSignal::new(String::from("hallo"));
    let json = RwSignal::new(false);
    let qos = RwSignal::new(Qos::AtLeastOnce);
    let retain = RwSignal::new(false);
    let anyway = RwSignal::new(false);
    let properties = RwSignal::new(PropertiesInput::default());
    let error = RwSignal::new(None::<String>);
    let refused = move || !topic.findings.with(Vec::is_empty);
    let bad_properties =
        move || properties.with(|p| p.for_protocol(client.protocol().get()).is_err());
    let json_error = Signal::derive(move || {
        json.get()
            .then(|| {
                payload
                    .with(|p| serde_json::from_str::<serde_json::Value>(p).err())
                    .map(|e| e.to_string())
            })
            .flatten()
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if json_error.get_untracked().is_some()
            || (refused() && !anyway.get_untracked())
            || bad_properties()
        {
            return;
        }
        let sent = SavedPublish {
            topic: topic.full.get_untracked(),
            payload: payload.get_untracked(),
            qos: qos.get_untracked(),
            retain: retain.get_untracked(),
            json: json.get_untracked(),
        };
        let result = client.publish(Outgoing {
            topic: sent.topic.clone(),
            payload: sent.payload.clone().into_bytes(),
            qos: sent.qos,
            retain: sent.retain,
            // Only what goes on the wire, so the log shows what was sent (the
            // button is disabled while the properties do not parse).
            properties: match properties
                .with_untracked(|p| p.for_protocol(client.protocol().get_untracked()))
            {
                Ok(properties) => properties,
                Err(_) => return,
            },
        });
        if result.is_ok() && prefs.remember_publishes.get_untracked() {
            prefs
                .recent_publishes
                .update(|list| remember_publish(list, sent));
        }
        error.set(result.err().map(|e| e.to_string()));
    };
    let pick_recent = move |ev: leptos::ev::Event| {
        let Ok(i) = event_target_value(&ev).parse::<usize>() else {
            return;
        };
        let Some(p) = prefs.recent_publishes.with_untracked(|l| l.get(i).cloned()) else {
            return;
        };
        topic.set_full(&p.topic);
        payload.set(p.payload);
        qos.set(p.qos);
        retain.set(p.retain);
        json.set(p.json);
        // Back to the placeholder, so the same entry can be picked again.
        let select: web_sys::HtmlSelectElement = event_target(&ev);
        select.set_value("");
    };
    view! {
        <form class="publish-form" on:submit=on_submit>
            <h3>{i18n.t(Msg::Publish)}</h3>
            <Show when=move || prefs.recent_publishes.with(|l| !l.is_empty())>
                <label class="recent">{i18n.t(Msg::RecentPublishes)}" "
                    <select id="tc-recent" on:change=pick_recent>
                        <option value="">"…"</option>
                        {move || prefs.recent_publishes.get().into_iter().enumerate().map(|(i, p)| {
                            let text = recent_label(&topic.prefix.get_untracked(), &p);
                            view! { <option value=i.to_string()>{text}</option> }
                        }).collect_view()}
                    </select>
                </label>
            </Show>
            <TopicInput field=topic id="tc-pub-topic" label=Msg::PublishTopicLabel/>
            <Field id="tc-payload" label=Msg::PayloadLabel control=Control::Lines(3)
                value=payload on_input=move |v| payload.set(v)
                error=Signal::derive(move || json_error.get().map(|e| format!("JSON: {e}")))/>
            <PropertiesFields input=properties id="tc-pub"/>
            <div class="inline">
                <label class="checkbox"><input type="checkbox" id="tc-json" prop:checked=json on:change=move |ev| json.set(event_target_checked(&ev))/>"JSON"</label>
                <QosSelect qos id="tc-pub-qos"/>
                <label class="checkbox"><input type="checkbox" id="tc-retain" prop:checked=retain on:change=move |ev| retain.set(event_target_checked(&ev))/>"retain"</label>
                <button type="submit" class="primary" id="tc-publish"
                    disabled=move || client.status().get() != Status::Connected || json_error.get().is_some() || bad_properties() || (refused() && !anyway.get())>
                    {i18n.t(Msg::Publish)}
                </button>
            </div>
            <Show when=refused>
                <label class="checkbox anyway"><input type="checkbox" id="tc-pub-anyway" prop:checked=anyway on:change=move |ev| anyway.set(event_target_checked(&ev))/>{i18n.t(Msg::SendAnyway)}</label>
                <p class="hint">{i18n.t(Msg::SilentPublish)}</p>
            </Show>
            <p class="field-error">{move || error.get()}</p>
            <label class="checkbox">
                <input type="checkbox" id="tc-remember" data-remember-publishes
                    prop:checked=prefs.remember_publishes
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        prefs.remember_publishes.set(on);
                        if !on {
                            // Off means none kept: what was remembered goes too.
                            prefs.recent_publishes.set(Vec::new());
                        }
                    }/>
                {i18n.t(Msg::RememberPublishes)}
            </label>
        </form>
    }
}

/// "relative/topic · payload…", short enough for a dropdown.
fn recent_label(prefix: &str, p: &SavedPublish) -> String {
    const MAX: usize = 40;
    let topic = p
        .topic
        .strip_prefix(prefix)
        .and_then(|t| t.strip_prefix('/'))
        .unwrap_or(&p.topic);
    let payload: String = p.payload.chars().take(MAX).collect();
    let more = if p.payload.chars().count() > MAX {
        "…"
    } else {
        ""
    };
    format!("{topic} · {payload}{more}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recent_publish_reads_as_its_relative_topic_and_a_short_payload() {
        let p = SavedPublish {
            topic: "tillor/local/acme/integration/a/b".into(),
            payload: "x".repeat(50),
            qos: Qos::AtLeastOnce,
            retain: false,
            json: false,
        };
        let label = recent_label("tillor/local/acme/integration", &p);
        assert_eq!(label, format!("a/b · {}…", "x".repeat(40)));
        assert!(recent_label("tillor/local/other/integration", &p).starts_with("tillor/local/acme"));
    }
}
