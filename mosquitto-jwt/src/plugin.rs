//! Mosquitto's entry points and event callbacks, translated to `verifier` and
//! `events` calls. Every callback catches panics: unwinding into C would be
//! undefined behaviour, and a refusal is the safe answer.
//!
//! The server's commands (`CONTROL_TOPIC`) are `control.rs`'s; the state both
//! share is `state.rs`'s; everything else Mosquitto calls is here, each a thin
//! unsafe shell over the pure modules (verifier, sessions, revocations,
//! throttle, events).

use std::collections::HashMap;
use std::ffi::{CStr, CString};
use std::os::raw::{c_int, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::AtomicU64;
use std::sync::{Mutex, RwLock};

use tillor_contract::broker_event::CONTROL_TOPIC;
use tillor_contract::Env;

use crate::client::{client_id, owned, peer, user_name};
use crate::control::{self, kick, load_revocations};
use crate::events::{
    auth_outcome, events_topic_access, is_reader, jwt_access, static_access, static_refused,
    JwtAccess, StaticAccess,
};
use crate::ffi::*;
use crate::sessions::Sessions;
use crate::state::{log, now, now_ms, read_keys, State};
use crate::throttle::Throttle;
use crate::verifier::{Access, Session, Verifier};

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
