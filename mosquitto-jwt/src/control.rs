//! The server's commands on `CONTROL_TOPIC` (kick, snapshot, revoke, reload
//! keys), as the plugin carries them out, and the revocations file it reads
//! at start.

use std::ffi::CString;
use std::os::raw::{c_int, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};

use tillor_contract::broker_event::{ControlCommand, Report, RevokedToken};

use crate::client::{client_id, peer, user_name};
use crate::events::{is_reader, jwt_client, static_client};
use crate::ffi::*;
use crate::revocations::Revocations;
use crate::state::{log, now, read_keys, State};

/// A command from the server's admin client on `CONTROL_TOPIC`; anyone else's
/// is refused (the ACL already kept them out; this is the second lock).
pub(crate) unsafe extern "C" fn on_control(
    _: c_int,
    data: *mut c_void,
    userdata: *mut c_void,
) -> c_int {
    catch_unwind(AssertUnwindSafe(|| {
        let state = &*userdata.cast::<State>();
        let ev = &*data.cast::<mosquitto_evt_control>();
        if !is_reader(
            user_name(ev.client).as_deref(),
            state.events_reader.as_deref(),
        ) {
            return MOSQ_ERR_ACL_DENIED;
        }
        let payload = if ev.payload.is_null() {
            &[][..]
        } else {
            std::slice::from_raw_parts(ev.payload.cast::<u8>(), ev.payloadlen as usize)
        };
        match serde_json::from_slice::<ControlCommand>(payload) {
            Ok(ControlCommand::Kick { client_id }) => {
                log(
                    MOSQ_LOG_NOTICE,
                    &format!("{client_id}: disconnecting, as the server asked"),
                );
                kick(client_id);
                MOSQ_ERR_SUCCESS
            }
            Ok(ControlCommand::Snapshot) => {
                state.emit(None, "", snapshot(state));
                MOSQ_ERR_SUCCESS
            }
            Ok(ControlCommand::Revoke { tokens }) => {
                revoke(state, &tokens);
                MOSQ_ERR_SUCCESS
            }
            Ok(ControlCommand::ReloadKeys) => {
                reload_keys(state);
                MOSQ_ERR_SUCCESS
            }
            Err(e) => {
                log(MOSQ_LOG_WARNING, &format!("not a command: {e}"));
                MOSQ_ERR_SUCCESS
            }
        }
    }))
    .unwrap_or(MOSQ_ERR_SUCCESS)
}

/// Every session: the JWT ones, and the static clients dynamic security let
/// in (a refused one has lost its clientId by now). Client pointers in the
/// maps are live: entries leave at DISCONNECT, before Mosquitto frees them.
unsafe fn snapshot(state: &State) -> Report {
    let mut sessions = Vec::new();
    if let Ok(jwt) = state.sessions.lock() {
        for (client, live) in jwt.live() {
            let client = client as *const mosquitto;
            sessions.push(jwt_client(&live.session, peer(client), live.since_ms));
        }
    }
    if let Ok(statics) = state.pending_static.lock() {
        for (&client, (user, _, since_ms)) in statics.iter() {
            let client = client as *const mosquitto;
            if let Some(id) = client_id(client) {
                sessions.push(static_client(user, id, peer(client), *since_ms));
            }
        }
    }
    Report::Live { sessions }
}

/// The server's revocations file, if configured; a missing file is an empty
/// list (nothing revoked yet).
pub(crate) fn load_revocations(path: Option<String>) -> Result<Revocations, String> {
    let Some(path) = path else {
        return Ok(Revocations::default());
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => Revocations::from_json(&text).map_err(|e| format!("{path}: {e}")),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Revocations::default()),
        Err(e) => Err(format!("cannot read {path}: {e}")),
    }
}

/// Reads the JWKS file again. Sessions already verified stay; from now on
/// tokens are checked against the new keys. A broken file changes nothing
/// (the old keys keep working) and is logged.
fn reload_keys(state: &State) {
    match read_keys(&state.jwks_file, state.env) {
        Ok(verifier) => {
            let count = verifier.key_count();
            if let Ok(mut keys) = state.verifier.write() {
                *keys = verifier;
                log(
                    MOSQ_LOG_NOTICE,
                    &format!("read the signing keys again: {count} published"),
                );
            }
        }
        Err(e) => log(
            MOSQ_LOG_ERR,
            &format!("kept the signing keys: cannot read them again: {e}"),
        ),
    }
}

/// Refuses these tokens from now on and cuts off the sessions using them.
unsafe fn revoke(state: &State, tokens: &[RevokedToken]) {
    if let Ok(mut revoked) = state.revoked.lock() {
        revoked.prune(now());
        revoked.add(tokens);
    }
    let ids: Vec<String> = match state.sessions.lock() {
        Ok(sessions) => sessions
            .live()
            .filter(|(_, l)| tokens.iter().any(|t| t.jti == l.session.jti))
            .map(|(_, l)| l.session.client_id.clone())
            .collect(),
        Err(_) => Vec::new(),
    };
    for id in ids {
        log(
            MOSQ_LOG_NOTICE,
            &format!("{id}: token revoked, disconnecting"),
        );
        kick(id);
    }
}

/// Disconnects a client by its id, with its will: whatever the reason
/// (expiry, revocation, support's Disconnect), the integration went offline
/// and observers should know.
pub(crate) unsafe fn kick(client_id: String) {
    if let Ok(c) = CString::new(client_id) {
        mosquitto_kick_client_by_clientid(c.as_ptr(), true);
    }
}
