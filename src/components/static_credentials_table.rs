use leptos::prelude::*;
use tillor_contract::api::{BrokerStatus, StaticCredential};

use crate::components::copy_button::CopyButton;
use crate::format::ago;
use crate::i18n::{translation, use_i18n, Msg};

/// The organisation's static credentials, as the API lists them (newest first),
/// each non-secret value copyable.
#[component]
pub fn StaticCredentialsTable(
    /// The credentials to show; an empty list shows the empty state.
    rows: Vec<StaticCredential>,
    /// Delete pressed on a row (the owner asks for confirmation).
    #[prop(optional)]
    on_delete: Option<Callback<StaticCredential>>,
    /// Ids of rows whose deletion is running.
    #[prop(optional, into)]
    deleting: Signal<Vec<String>>,
    /// New password pressed on a row (the owner asks first).
    #[prop(optional)]
    on_rotate: Option<Callback<StaticCredential>>,
) -> impl IntoView {
    let i18n = use_i18n();
    if rows.is_empty() {
        return view! { <p class="empty-state">{i18n.t(Msg::StaticEmpty)}</p> }.into_any();
    }
    // Without a broker the server says nothing about connections.
    let with_broker = rows.iter().any(|c| c.connected.is_some());
    let rows = rows
        .into_iter()
        .map(|c| {
            let id = c.id.clone();
            let pending = {
                let id = id.clone();
                Signal::derive(move || deleting.with(|d| d.contains(&id)))
            };
            let name = c.name.clone();
            let missing = c.broker_status == Some(BrokerStatus::Missing);
            let row_id = id.clone();
            let copyable = move |class: &'static str, label: Msg, value: String| {
                let el_id = format!("{class}-{row_id}");
                view! {
                    <td class=class>
                        <span class="mono" id=el_id.clone()>{value.clone()}</span>
                        <CopyButton value=value label=i18n.now(label).to_string() select_on_failure=el_id/>
                    </td>
                }
            };
            let cred = c.clone();
            let to_rotate = c.clone();
            view! {
                <tr id=format!("cred-{id}") tabindex="-1" data-credential-id=id.clone()
                    class:pending=move || pending.get() aria-busy=move || pending.get().to_string()>
                    <td class="name">
                        {move || name.clone().unwrap_or_else(|| i18n.now(Msg::Unnamed).to_owned())}
                        {missing.then(|| view! { <span class="badge danger">{i18n.t(Msg::BrokerMissing)}</span> })}
                        {c.rotation_unconfirmed.then(|| view! {
                            <span class="badge danger" data-rotation-unconfirmed="true">{i18n.t(Msg::RotationUnconfirmed)}</span>
                        })}
                    </td>
                    {copyable("user-name", Msg::ColUserName, c.user_name.clone())}
                    {copyable("client-id", Msg::ColClientId, c.client_id.clone())}
                    {copyable("topic-prefix", Msg::ColTopicPrefix, c.topic_prefix.clone())}
                    <td class="created">
                        <time datetime=c.created_at.clone()>{display_time(&c.created_at)}</time>
                    </td>
                    {c.connected.map(|n| view! { <ConnectionCell connected=n last_seen_at=c.last_seen_at.clone()/> })}
                    <td class="actions">
                        {on_rotate.map(|cb| view! {
                            <button type="button" class="secondary rotate" disabled=move || pending.get()
                                on:click=move |_| cb.run(to_rotate.clone())>
                                {i18n.t(Msg::Rotate)}
                            </button>
                        })}
                        {on_delete.map(|cb| view! {
                            <button type="button" class="danger delete" disabled=move || pending.get()
                                on:click=move |_| cb.run(cred.clone())>
                                {move || if pending.get() { i18n.t(Msg::Deleting)() } else { i18n.t(Msg::Delete)() }}
                            </button>
                        })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="static-credentials">
                <thead>
                    <tr>
                        <th scope="col">{i18n.t(Msg::ColName)}</th>
                        <th scope="col">{i18n.t(Msg::ColUserName)}</th>
                        <th scope="col">{i18n.t(Msg::ColClientId)}</th>
                        <th scope="col">{i18n.t(Msg::ColTopicPrefix)}</th>
                        <th scope="col">{i18n.t(Msg::ColCreated)}</th>
                        {with_broker.then(|| view! { <th scope="col">{i18n.t(Msg::ColConnection)}</th> })}
                        <th scope="col"><span class="sr-only">{i18n.t(Msg::ColActions)}</span></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

/// "verbonden (2)", "laatst gezien 10 minuten geleden" or "nooit verbonden".
#[component]
fn ConnectionCell(
    /// Live sessions now.
    connected: u32,
    /// RFC 3339, when a session was last seen.
    last_seen_at: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let text = move || {
        let lang = i18n.0.get();
        match (connected, &last_seen_at) {
            (n, _) if n > 0 => translation(lang).connected_count(n),
            (_, Some(at)) => format!(
                "{} {}",
                i18n.now(Msg::LastSeen),
                ago(js_sys::Date::parse(at), js_sys::Date::now(), lang)
            ),
            (_, None) => i18n.now(Msg::NeverConnected).to_owned(),
        }
    };
    view! { <td class="connection" data-connected=connected.to_string()>{text}</td> }
}

/// `2026-11-25T17:34:49.7Z` → `2026-11-25 17:34 UTC`: unambiguous for support
/// staff comparing with broker logs, whatever their time zone.
fn display_time(rfc3339: &str) -> String {
    match (rfc3339.get(..10), rfc3339.get(11..16)) {
        (Some(date), Some(hm)) if rfc3339.ends_with('Z') => format!("{date} {hm} UTC"),
        _ => rfc3339.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn created_times_show_as_utc_minutes() {
        assert_eq!(
            super::display_time("2026-11-25T17:34:49.715598788Z"),
            "2026-11-25 17:34 UTC"
        );
        assert_eq!(super::display_time("yesterday"), "yesterday");
    }
}
