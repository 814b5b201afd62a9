//! What Mosquitto tells of a client, copied out of the broker's memory.

use std::ffi::CStr;
use std::os::raw::c_char;

use tillor_contract::broker_event::Peer;

use crate::ffi::*;

/// A NUL-terminated string Mosquitto owns, copied; `None` for NULL.
pub(crate) unsafe fn owned(s: *const c_char) -> Option<String> {
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
