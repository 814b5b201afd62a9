use leptos::prelude::*;
use tillor_contract::api::StaticCredential;

use crate::i18n::{use_i18n, Msg};

/// The organisation's static credentials, as the API lists them (newest first).
#[component]
pub fn StaticCredentialsTable(
    /// The credentials to show; an empty list shows the empty state.
    rows: Vec<StaticCredential>,
) -> impl IntoView {
    let i18n = use_i18n();
    if rows.is_empty() {
        return view! { <p class="empty-state">{i18n.t(Msg::StaticEmpty)}</p> }.into_any();
    }
    let rows = rows
        .into_iter()
        .map(|c| {
            let name = c.name.clone();
            view! {
                <tr data-credential-id=c.id.clone()>
                    <td class="name">
                        {move || name.clone().unwrap_or_else(|| i18n.now(Msg::Unnamed).to_owned())}
                    </td>
                    <td class="mono user-name">{c.user_name}</td>
                    <td class="mono client-id">{c.client_id}</td>
                    <td class="mono topic-prefix">{c.topic_prefix}</td>
                    <td class="created">
                        <time datetime=c.created_at.clone()>{display_time(&c.created_at)}</time>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="static-credentials">
            <thead>
                <tr>
                    <th scope="col">{i18n.t(Msg::ColName)}</th>
                    <th scope="col">{i18n.t(Msg::ColUserName)}</th>
                    <th scope="col">{i18n.t(Msg::ColClientId)}</th>
                    <th scope="col">{i18n.t(Msg::ColTopicPrefix)}</th>
                    <th scope="col">{i18n.t(Msg::ColCreated)}</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
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
