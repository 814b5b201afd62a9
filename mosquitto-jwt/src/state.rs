//! What the plugin keeps between Mosquitto's callbacks (`State`, one per
//! broker), how it reports to the server, and the clock and log it uses.
//! Shared by the callbacks (`plugin`) and the server's commands (`control`).

use std::collections::HashMap;
use std::ffi::CString;
use std::os::raw::c_int;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};

use tillor_contract::broker_event::{BrokerReport, Report, EVENTS_TOPIC};
use tillor_contract::Env;

use crate::events::report;
use crate::ffi::*;
use crate::revocations::Revocations;
use crate::sessions::Sessions;
use crate::throttle::Throttle;
use crate::verifier::Verifier;

pub(crate) struct State {
    pub(crate) identifier: *mut mosquitto_plugin_id_t,
    /// The keys of the JWKS file; replaced whole when the server asks
    /// (`ReloadKeys`, after a key rotation).
    pub(crate) verifier: RwLock<Verifier>,
    /// Where the JWKS is (`plugin_opt_jwks_file`).
    pub(crate) jwks_file: String,
    pub(crate) env: Env,
    /// Verified JWT sessions by client pointer, and ended ones (for their
    /// wills).
    pub(crate) sessions: Mutex<Sessions>,
    /// The username that may read `EVENTS_TOPIC` (the server's admin client).
    pub(crate) events_reader: Option<String>,
    /// The last event's sequence number.
    pub(crate) seq: AtomicU64,
    /// Repeating refusals, reported once a second with a count.
    pub(crate) throttle: Mutex<Throttle>,
    /// Tokens the organisations revoked (the server's file, then commands).
    pub(crate) revoked: Mutex<Revocations>,
    /// `plugin_opt_events off` stops the reports (the broker bench's
    /// baseline); decisions stay the same.
    pub(crate) reporting: bool,
    /// Clients with a username (dynamic security's) seen at authentication,
    /// by client pointer: (username, clientId). A refused one leaves without
    /// a clientId, which is how its refusal is told apart on disconnect.
    /// They stay until they disconnect, with when they connected (Unix ms),
    /// so that a snapshot can list the accepted ones.
    pub(crate) pending_static: Mutex<HashMap<usize, (String, String, i64)>>,
    /// The topic the control callback is registered for (kept alive here:
    /// Mosquitto keeps the pointer).
    pub(crate) control_topic: CString,
}

impl State {
    /// Reports what happened; a refusal goes through the throttle.
    pub(crate) fn emit(&self, org: Option<String>, client_id: &str, what: Report) {
        if !self.reporting {
            return;
        }
        let refusal = matches!(
            what,
            Report::JwtRefused { .. }
                | Report::StaticRefused { .. }
                | Report::SubscribeRefused { .. }
                | Report::PublishRefused { .. }
        );
        if !refusal {
            return self.publish(org, client_id, what, 1);
        }
        let due = match self.throttle.lock() {
            Ok(mut t) => t.offer(org, client_id, what, now_ms()),
            Err(_) => None,
        };
        if let Some(d) = due {
            self.publish(d.org, &d.client_id, d.what, d.count);
        }
    }

    /// Held repeats whose second is over (called at every tick).
    pub(crate) fn emit_due(&self) {
        let due = match self.throttle.lock() {
            Ok(mut t) => t.due(now_ms()),
            Err(_) => Vec::new(),
        };
        for d in due {
            self.publish(d.org, &d.client_id, d.what, d.count);
        }
    }

    fn publish(&self, org: Option<String>, client_id: &str, what: Report, count: u64) {
        let seq = self.seq.fetch_add(1, Ordering::Relaxed) + 1;
        publish(&report(org, client_id, what, count, seq, now_ms()));
    }
}

pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(i64::MAX)
}

/// Publishes an event for the server. QoS 0 from inside the broker: it is
/// queued and delivered in the broker's next loop, never waited for here.
fn publish(event: &BrokerReport) {
    let Ok(body) = serde_json::to_vec(event) else {
        return;
    };
    let (Ok(topic), Ok(len)) = (CString::new(EVENTS_TOPIC), c_int::try_from(body.len())) else {
        return;
    };
    // SAFETY: valid NUL-terminated topic; the broker copies `len` bytes of body.
    let rc = unsafe {
        mosquitto_broker_publish_copy(
            std::ptr::null(),
            topic.as_ptr(),
            len,
            body.as_ptr().cast(),
            0,
            false,
            std::ptr::null_mut(),
        )
    };
    if rc != MOSQ_ERR_SUCCESS {
        log(
            MOSQ_LOG_WARNING,
            &format!("event {} not published: {rc}", event.seq),
        );
    }
}

pub(crate) fn log(level: c_int, msg: &str) {
    let text = CString::new(format!("tillor-jwt: {msg}").replace('\0', "?")).unwrap_or_default();
    // SAFETY: a "%s" format with one NUL-terminated string argument.
    unsafe { mosquitto_log_printf(level, c"%s".as_ptr(), text.as_ptr()) };
}

pub(crate) fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(i64::MAX)
}

pub(crate) fn read_keys(path: &str, env: Env) -> Result<Verifier, String> {
    let jwks = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    Verifier::from_jwks(&jwks, env).map_err(|e| format!("{path}: {e}"))
}
