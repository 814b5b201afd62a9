//! The headers every response carries, because the pages and the API hand
//! out API keys' results, one-time passwords and tokens:
//! - a Content-Security-Policy. The console's documents get one it really
//!   runs under: its scripts and wasm from here only (`'wasm-unsafe-eval'`
//!   compiles the wasm; no inline script exists to allow), styles from here
//!   only (the console sets dynamic styles through the CSSOM, never `style=`
//!   attributes), the test client's worker from `blob:`, and connections to
//!   here and the configured broker. Everything else gets `default-src
//!   'none'`;
//! - `frame-ancestors` from `TILLOR_FRAME_ANCESTORS`, so the dashboard can
//!   frame the console and nobody else can;
//! - `nosniff`, `Referrer-Policy: no-referrer`, and `Cache-Control: no-store`
//!   on the API (its answers carry passwords and tokens);
//! - HSTS when the server speaks TLS.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

use crate::config::{is_origin, Config};

/// What `secure` adds, decided once at start from the configuration.
pub struct Policy {
    document_csp: HeaderValue,
    hsts: bool,
}

/// Anything that is not a console document: nothing may load from it or
/// frame it.
const OTHER_CSP: HeaderValue =
    HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'");

impl Policy {
    pub fn of(config: &Config) -> Result<Policy, String> {
        let ancestors = frame_ancestors(&config.frame_ancestors)?;
        let broker = web_origin(&config.broker_ws_url()).ok_or_else(|| {
            format!(
                "the console's broker URL {:?} is not a ws:// or wss:// URL (TILLOR_PUBLIC_MQTT_WS_URL)",
                config.broker_ws_url()
            )
        })?;
        let csp = format!(
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
             img-src 'self' data:; worker-src 'self' blob:; connect-src 'self' {broker}; \
             object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors {ancestors}"
        );
        Ok(Policy {
            document_csp: HeaderValue::from_str(&csp)
                .map_err(|_| "the Content-Security-Policy is not a header value".to_string())?,
            hsts: config.tls,
        })
    }
}

/// `TILLOR_FRAME_ANCESTORS` as CSP sources: `'self'` by default, `'none'`,
/// or origins (`https://dashboard.example.com`). A wildcard would let any
/// page frame the screens that show one-time passwords, so it is refused.
fn frame_ancestors(given: &[String]) -> Result<String, String> {
    let sources: Vec<&str> = given
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect();
    if sources.is_empty() {
        return Ok("'self'".into());
    }
    for s in &sources {
        let keyword = matches!(*s, "'self'" | "'none'");
        if !keyword && !is_origin(s) {
            return Err(format!(
                "TILLOR_FRAME_ANCESTORS: {s:?} is not 'self', 'none' or an origin such as https://dashboard.example.com (wildcards are refused: any page could then frame the console)"
            ));
        }
    }
    Ok(sources.join(" "))
}

/// `ws://host:port/path` → `ws://host:port`, the CSP source for it.
fn web_origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    if !matches!(scheme, "ws" | "wss") {
        return None;
    }
    let host = rest
        .split(['/', '?', '#'])
        .next()
        .filter(|h| !h.is_empty())?;
    Some(format!("{scheme}://{host}"))
}

pub async fn secure(State(policy): State<Arc<Policy>>, request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let mut response = next.run(request).await;
    let status = response.status();
    let document = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"));
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    // A 304 has no body, so no type to tell a document by; and its headers
    // replace the cached response's, so it must not carry the wrong policy
    // (the cached page would then run under `default-src 'none'`).
    if status != StatusCode::NOT_MODIFIED {
        let csp = if document {
            policy.document_csp.clone()
        } else {
            OTHER_CSP
        };
        headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    if api {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if policy.hsts {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_ancestors_are_self_by_default_origins_or_keywords_and_never_a_wildcard() {
        assert_eq!(frame_ancestors(&[]).unwrap(), "'self'");
        assert_eq!(
            frame_ancestors(&["'self'".into(), "https://dash.tillor.nl".into()]).unwrap(),
            "'self' https://dash.tillor.nl"
        );
        for bad in [
            "*",
            "https://*.tillor.nl",
            "dash.tillor.nl",
            "https://a; script-src *",
        ] {
            assert!(frame_ancestors(&[bad.into()]).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_broker_source_is_its_websocket_origin() {
        assert_eq!(
            web_origin("wss://mqtt.tillor.nl:8084/mqtt").as_deref(),
            Some("wss://mqtt.tillor.nl:8084")
        );
        assert_eq!(
            web_origin("ws://127.0.0.1:8083").as_deref(),
            Some("ws://127.0.0.1:8083")
        );
        assert_eq!(web_origin("https://x"), None);
    }
}
