//! Mosquitto's entry points and event callbacks, translated to `verifier` and
//! `events` calls. Every callback catches panics: unwinding into C would be
//! undefined behaviour, and a refusal is the safe answer.
//!
//! The server's commands (`CONTROL_TOPIC`) are `control.rs`'s; everything
//! else Mosquitto calls is here, each a thin unsafe shell over the pure
//! modules (verifier, sessions, revocations, throttle, events). About 500
//! lines, more than most files: init, cleanup and one callback per event,
//! each with its unsafe preamble; splitting further would part a callback
//! from the state it shares with the others.

use std::collections::HashMap;
use std::ffi::{CStr, CString};
use std::os::raw::{c_char, c_int, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};

use tillor_contract::broker_event::{BrokerReport, Peer, Report, CONTROL_TOPIC, EVENTS_TOPIC};
use tillor_contract::Env;

use crate::control::{self, kick, load_revocations};
use crate::events::{
    auth_outcome, events_topic_access, is_reader, jwt_access, report, static_access,
    static_refused, JwtAccess, StaticAccess,
};
use crate::ffi::*;
use crate::revocations::Revocations;
use crate::sessions::Sessions;
use crate::throttle::Throttle;
use crate::verifier::{Access, Session, Verifier};

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
    fn emit_due(&self) {
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

fn options(options: *mut mosquitto_opt, count: c_int) -> HashMap<String, String> {
    let mut map = HashMap::new();
    for i in 0..usize::try_from(count).unwrap_or(0) {
        // SAFETY: Mosquitto passes `count` valid options with NUL-terminated strings.
        let opt = unsafe { &*options.add(i) };
        if opt.key.is_null() || opt.value.is_null() {
            continue;
        }
        let (k, v) = unsafe { (CStr::from_ptr(opt.key), CStr::from_ptr(opt.value)) };
        map.insert(
            k.to_string_lossy().into_owned(),
            v.to_string_lossy().into_owned(),
        );
    }
    map
}

/// The JWKS file's path, the env, and the keys read from that file.
fn load(opts: &HashMap<String, String>) -> Result<(String, Env, Verifier), String> {
    let path = opts.get("jwks_file").ok_or(
        "plugin_opt_jwks_file is required (the JWKS tillor-local writes to its data directory)",
    )?;
    let env: Env = opts
        .get("env")
        .ok_or("plugin_opt_env is required (prod, staging or local)")?
        .parse()?;
    let verifier = read_keys(path, env)?;
    Ok((path.clone(), env, verifier))
}

pub(crate) fn read_keys(path: &str, env: Env) -> Result<Verifier, String> {
    let jwks = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    Verifier::from_jwks(&jwks, env).map_err(|e| format!("{path}: {e}"))
}

#[no_mangle]
pub extern "C" fn mosquitto_plugin_version(count: c_int, versions: *const c_int) -> c_int {
    let supported = (0..usize::try_from(count).unwrap_or(0))
        // SAFETY: Mosquitto passes `count` ints.
        .any(|i| unsafe { *versions.add(i) } == 5);
    if supported {
        5
    } else {
        -1
    }
}

/// # Safety
/// Called by Mosquitto with valid pointers, once, before any event.
#[no_mangle]
pub unsafe extern "C" fn mosquitto_plugin_init(
    identifier: *mut mosquitto_plugin_id_t,
    userdata: *mut *mut c_void,
    opts: *mut mosquitto_opt,
    count: c_int,
) -> c_int {
    let result = catch_unwind(|| {
        let (jwks_file, env, verifier) = match load(&options(opts, count)) {
            Ok(v) => v,
            Err(e) => {
                log(MOSQ_LOG_ERR, &e);
                return MOSQ_ERR_UNKNOWN;
            }
        };
        let mut opts = options(opts, count);
        let events_reader = opts.remove("events_reader");
        let reporting = opts.remove("events").as_deref() != Some("off");
        let revoked = match load_revocations(opts.remove("revocations_file")) {
            Ok(r) => r,
            Err(e) => {
                log(MOSQ_LOG_ERR, &e);
                return MOSQ_ERR_UNKNOWN;
            }
        };
        let state = Box::into_raw(Box::new(State {
            identifier,
            verifier: RwLock::new(verifier),
            jwks_file,
            env,
            sessions: Mutex::new(Sessions::default()),
            events_reader,
            seq: AtomicU64::new(0),
            throttle: Mutex::new(Throttle::default()),
            revoked: Mutex::new(revoked),
            reporting,
            pending_static: Mutex::new(HashMap::new()),
            control_topic: CString::new(CONTROL_TOPIC).expect("a topic has no NUL"),
        }));
        *userdata = state.cast();
        let control = (*state).control_topic.as_ptr().cast::<c_void>();
        let rc = mosquitto_callback_register(
            identifier,
            MOSQ_EVT_CONTROL,
            control::on_control,
            control,
            state.cast(),
        );
        if rc != MOSQ_ERR_SUCCESS {
            log(
                MOSQ_LOG_ERR,
                &format!("cannot register {CONTROL_TOPIC}: {rc}"),
            );
            return rc;
        }
        for (event, cb) in callbacks() {
            let rc =
                mosquitto_callback_register(identifier, event, cb, std::ptr::null(), state.cast());
            if rc != MOSQ_ERR_SUCCESS {
                log(
                    MOSQ_LOG_ERR,
                    &format!("cannot register event {event}: {rc}"),
                );
                return rc;
            }
        }
        log(
            MOSQ_LOG_INFO,
            "ready: JWT clients (empty username) are checked here, others deferred",
        );
        MOSQ_ERR_SUCCESS
    });
    result.unwrap_or(MOSQ_ERR_UNKNOWN)
}

/// # Safety
/// Called by Mosquitto with the pointer `mosquitto_plugin_init` stored.
#[no_mangle]
pub unsafe extern "C" fn mosquitto_plugin_cleanup(
    userdata: *mut c_void,
    _opts: *mut mosquitto_opt,
    _count: c_int,
) -> c_int {
    if userdata.is_null() {
        return MOSQ_ERR_SUCCESS;
    }
    let state = Box::from_raw(userdata.cast::<State>());
    for (event, cb) in callbacks() {
        mosquitto_callback_unregister(state.identifier, event, cb, std::ptr::null());
    }
    mosquitto_callback_unregister(
        state.identifier,
        MOSQ_EVT_CONTROL,
        control::on_control,
        state.control_topic.as_ptr().cast(),
    );
    MOSQ_ERR_SUCCESS
}

fn callbacks() -> [(c_int, generic_callback); 4] {
    [
        (MOSQ_EVT_BASIC_AUTH, on_basic_auth),
        (MOSQ_EVT_ACL_CHECK, on_acl_check),
        (MOSQ_EVT_DISCONNECT, on_disconnect),
        (MOSQ_EVT_TICK, on_tick),
    ]
}

/// A NUL-terminated string Mosquitto owns, copied; `None` for NULL.
unsafe fn owned(s: *const c_char) -> Option<String> {
    (!s.is_null()).then(|| CStr::from_ptr(s).to_string_lossy().into_owned())
}

pub(crate) unsafe fn peer(client: *const mosquitto) -> Peer {
    Peer {
        address: owned(mosquitto_client_address(client)).unwrap_or_default(),
        protocol_version: u8::try_from(mosquitto_client_protocol_version(client)).unwrap_or(0),
    }
}

pub(crate) unsafe fn client_id(client: *const mosquitto) -> Option<String> {
    owned(mosquitto_client_id(client))
}

pub(crate) unsafe fn user_name(client: *const mosquitto) -> Option<String> {
    owned(mosquitto_client_username(client))
}

unsafe extern "C" fn on_basic_auth(_: c_int, data: *mut c_void, userdata: *mut c_void) -> c_int {
    catch_unwind(AssertUnwindSafe(|| {
        let state = &*userdata.cast::<State>();
        let ev = &*data.cast::<mosquitto_evt_basic_auth>();
        // An empty username reaches plugins as NULL. Anyone with a username is a
        // static credential: dynamic security decides. Remember who it was, to
        // report a refusal when the client leaves without a clientId.
        if let Some(user) = owned(ev.username) {
            let id = client_id(ev.client).unwrap_or_default();
            if state.reporting {
                if let Ok(mut pending) = state.pending_static.lock() {
                    pending.insert(ev.client as usize, (user, id, now_ms()));
                }
            }
            return MOSQ_ERR_PLUGIN_DEFER;
        }
        let Some(id) = client_id(ev.client) else {
            return MOSQ_ERR_AUTH;
        };
        let password = (!ev.password.is_null()).then(|| CStr::from_ptr(ev.password).to_bytes());
        let outcome = match state.verifier.read() {
            Ok(verifier) => verifier.authenticate(password, &id, now()),
            Err(_) => return MOSQ_ERR_AUTH,
        };
        let outcome = match state.revoked.lock() {
            Ok(revoked) => revoked.check(outcome),
            Err(_) => return MOSQ_ERR_AUTH,
        };
        let (org, what) = auth_outcome(&outcome, peer(ev.client));
        state.emit(org, &id, what);
        match outcome {
            Ok(session) => {
                // Information, not notice: the server reads notices off
                // $SYS/broker/log/N, and learns of this from the report.
                log(
                    MOSQ_LOG_INFO,
                    &format!(
                        "{id} authenticated for {} until {}",
                        session.namespace.prefix(),
                        session.expires_at
                    ),
                );
                if let Ok(mut sessions) = state.sessions.lock() {
                    sessions.start(ev.client as usize, session, now_ms());
                }
                MOSQ_ERR_SUCCESS
            }
            Err(refusal) => {
                log(MOSQ_LOG_INFO, &format!("{id} refused: {refusal}"));
                MOSQ_ERR_AUTH
            }
        }
    }))
    .unwrap_or(MOSQ_ERR_AUTH)
}

unsafe extern "C" fn on_acl_check(_: c_int, data: *mut c_void, userdata: *mut c_void) -> c_int {
    catch_unwind(AssertUnwindSafe(|| {
        let state = &*userdata.cast::<State>();
        let ev = &*data.cast::<mosquitto_evt_acl_check>();
        let access = match ev.access {
            MOSQ_ACL_READ => Access::Read,
            MOSQ_ACL_WRITE => Access::Write,
            MOSQ_ACL_SUBSCRIBE => Access::Subscribe,
            MOSQ_ACL_UNSUBSCRIBE => Access::Unsubscribe,
            _ => return MOSQ_ERR_ACL_DENIED,
        };
        if ev.topic.is_null() {
            return MOSQ_ERR_ACL_DENIED;
        }
        // Invalid UTF-8 is never inside a namespace.
        let Ok(topic) = CStr::from_ptr(ev.topic).to_str() else {
            return MOSQ_ERR_ACL_DENIED;
        };
        // The events topic is decided here for every client, ours or not.
        let user = user_name(ev.client);
        if let Some(allowed) = events_topic_access(
            topic,
            access,
            user.as_deref(),
            state.events_reader.as_deref(),
        ) {
            return if allowed {
                MOSQ_ERR_SUCCESS
            } else {
                MOSQ_ERR_ACL_DENIED
            };
        }
        let Some(user) = user else {
            // No username: ours alone, never dynamic security's defaults.
            let id = client_id(ev.client);
            let verdict = {
                let (Ok(sessions), Ok(revoked)) = (state.sessions.lock(), state.revoked.lock())
                else {
                    return MOSQ_ERR_ACL_DENIED;
                };
                let found = sessions.find(ev.client as usize, id.as_deref(), false);
                jwt_access(&found, |jti| revoked.contains(jti), access, topic, now())
            };
            return match verdict {
                JwtAccess::Allow => MOSQ_ERR_SUCCESS,
                JwtAccess::Deny(report) => {
                    if let Some((org, id, what)) = report {
                        state.emit(Some(org), &id, what);
                    }
                    MOSQ_ERR_ACL_DENIED
                }
            };
        };
        // A static client (or the admin): dynamic security's, after the
        // namespace rule.
        if is_reader(Some(&user), state.events_reader.as_deref()) {
            return MOSQ_ERR_PLUGIN_DEFER;
        }
        match static_access(&user, state.env, access, topic) {
            StaticAccess::Defer => MOSQ_ERR_PLUGIN_DEFER,
            StaticAccess::Refuse(report) => {
                if let Some((org, what)) = report {
                    let id = client_id(ev.client).unwrap_or_default();
                    state.emit(Some(org), &id, what);
                }
                MOSQ_ERR_ACL_DENIED
            }
        }
    }))
    .unwrap_or(MOSQ_ERR_ACL_DENIED)
}

unsafe extern "C" fn on_disconnect(_: c_int, data: *mut c_void, userdata: *mut c_void) -> c_int {
    let _ = catch_unwind(AssertUnwindSafe(|| {
        let state = &*userdata.cast::<State>();
        let ev = &*data.cast::<mosquitto_evt_disconnect>();
        // How a session ended is Mosquitto's log's to say (the server reads
        // it); the plugin only forgets the session.
        let key = ev.client as usize;
        // Kept for the will, which Mosquitto checks after this event.
        if let Ok(mut sessions) = state.sessions.lock() {
            sessions.end(key, now_ms());
        }
        let attempt = state
            .pending_static
            .lock()
            .ok()
            .and_then(|mut p| p.remove(&key));
        if let Some((user, id, _)) = attempt {
            // Mosquitto clears a refused client's id before it disconnects it.
            if client_id(ev.client).is_none() {
                state.emit(None, &id, static_refused(&user));
            }
        }
    }));
    MOSQ_ERR_SUCCESS
}

/// Cuts off sessions whose token has expired; until the kick lands, their ACL
/// checks already fail.
unsafe extern "C" fn on_tick(_: c_int, _data: *mut c_void, userdata: *mut c_void) -> c_int {
    let _ = catch_unwind(AssertUnwindSafe(|| {
        let state = &*userdata.cast::<State>();
        state.emit_due();
        // Not the event's now_s: 2.0.11 leaves it unset (seen: no session expired).
        let (now, now_ms) = (now(), now_ms());
        // Ended, not forgotten: their wills still go.
        let expired: Vec<Session> = match state.sessions.lock() {
            Ok(mut sessions) => {
                sessions.prune(now_ms);
                sessions.expire(now, now_ms)
            }
            Err(_) => Vec::new(),
        };
        // The kick is logged as an administrative action; the server knows
        // the token's expiry from its JwtConnected report and says why.
        for session in expired {
            let id = session.client_id;
            log(
                MOSQ_LOG_NOTICE,
                &format!("{id}: token expired, disconnecting"),
            );
            kick(id);
        }
    }));
    MOSQ_ERR_SUCCESS
}
