//! Checks a broker WebSocket URL before any connection attempt, so the user
//! learns why instead of seeing a silent failure.

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UrlProblem {
    Empty,
    /// Not `ws://` or `wss://` (e.g. `mqtt://`, which browsers cannot open).
    NotWebSocket {
        scheme: String,
    },
    /// `ws://` from an `https://` page: the browser blocks it (mixed content).
    MixedContent,
    /// A `#…` part, which a WebSocket URL cannot have.
    Fragment,
}

/// The scheme as typed, lower-cased (`wss`, `ws`, `mqtt`…).
fn scheme(url: &str) -> String {
    url.trim()
        .split("://")
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// A `wss://` URL: the browser then needs to trust the broker's certificate.
pub fn is_secure(url: &str) -> bool {
    scheme(url) == "wss"
}

/// `page_protocol` is `location.protocol`, e.g. `https:`.
pub fn check_broker_url(page_protocol: &str, url: &str) -> Result<(), UrlProblem> {
    let url = url.trim();
    if url.is_empty() {
        return Err(UrlProblem::Empty);
    }
    let scheme = scheme(url);
    if url.contains('#') && matches!(scheme.as_str(), "ws" | "wss") {
        return Err(UrlProblem::Fragment);
    }
    match scheme.as_str() {
        "wss" => Ok(()),
        "ws" if page_protocol == "https:" => Err(UrlProblem::MixedContent),
        "ws" => Ok(()),
        _ if !url.contains("://") => Err(UrlProblem::NotWebSocket {
            scheme: String::new(),
        }),
        other => Err(UrlProblem::NotWebSocket {
            scheme: other.to_owned(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ws_from_an_https_page_is_mixed_content() {
        assert_eq!(
            check_broker_url("https:", "ws://b:8083"),
            Err(UrlProblem::MixedContent)
        );
        assert_eq!(check_broker_url("https:", "wss://b:8084/mqtt"), Ok(()));
        assert_eq!(check_broker_url("http:", "ws://127.0.0.1:8083"), Ok(()));
    }

    #[test]
    fn an_mqtt_url_is_not_a_websocket_url() {
        assert_eq!(
            check_broker_url("http:", "mqtt://127.0.0.1:1883"),
            Err(UrlProblem::NotWebSocket {
                scheme: "mqtt".into()
            })
        );
        assert_eq!(check_broker_url("http:", " "), Err(UrlProblem::Empty));
    }

    #[test]
    fn a_websocket_url_cannot_have_a_fragment() {
        assert_eq!(
            check_broker_url("http:", "ws://b:8083/mqtt#x"),
            Err(UrlProblem::Fragment)
        );
    }

    #[test]
    fn only_wss_is_secure_whatever_its_case_or_spaces() {
        assert!(is_secure(" WSS://b:8084/mqtt"));
        assert!(!is_secure("ws://b:8083"));
        assert!(!is_secure("mqtts://b:8883"));
    }
}
