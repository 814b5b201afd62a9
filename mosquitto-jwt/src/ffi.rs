//! The few items of Mosquitto 2.0's plugin interface (version 5) that we use,
//! written out from `mosquitto_broker.h` / `mosquitto_plugin.h` of 2.0.11.
//! Hand-written rather than bindgen or a binding crate: it is a dozen items, the
//! interface is frozen for 2.0, and it keeps libclang out of the build.
//! The broker itself provides these symbols when it loads the plugin.

#![allow(non_camel_case_types)]

use std::os::raw::{c_char, c_int, c_void};

pub const MOSQ_ERR_SUCCESS: c_int = 0;
pub const MOSQ_ERR_AUTH: c_int = 11;
pub const MOSQ_ERR_ACL_DENIED: c_int = 12;
pub const MOSQ_ERR_UNKNOWN: c_int = 13;
pub const MOSQ_ERR_PLUGIN_DEFER: c_int = 17;

pub const MOSQ_EVT_ACL_CHECK: c_int = 2;
pub const MOSQ_EVT_BASIC_AUTH: c_int = 3;
pub const MOSQ_EVT_CONTROL: c_int = 6;
pub const MOSQ_EVT_TICK: c_int = 9;
pub const MOSQ_EVT_DISCONNECT: c_int = 10;

pub const MOSQ_ACL_READ: c_int = 0x01;
pub const MOSQ_ACL_WRITE: c_int = 0x02;
pub const MOSQ_ACL_SUBSCRIBE: c_int = 0x04;
pub const MOSQ_ACL_UNSUBSCRIBE: c_int = 0x08;

pub const MOSQ_LOG_INFO: c_int = 1 << 0;
pub const MOSQ_LOG_NOTICE: c_int = 1 << 1;
pub const MOSQ_LOG_WARNING: c_int = 1 << 2;
pub const MOSQ_LOG_ERR: c_int = 1 << 3;

#[repr(C)]
pub struct mosquitto {
    _private: [u8; 0],
}

#[repr(C)]
pub struct mosquitto_plugin_id_t {
    _private: [u8; 0],
}

#[repr(C)]
pub struct mosquitto_opt {
    pub key: *mut c_char,
    pub value: *mut c_char,
}

#[repr(C)]
pub struct mosquitto_evt_basic_auth {
    pub future: *mut c_void,
    pub client: *mut mosquitto,
    pub username: *mut c_char,
    pub password: *mut c_char,
    pub future2: [*mut c_void; 4],
}

#[repr(C)]
pub struct mosquitto_evt_acl_check {
    pub future: *mut c_void,
    pub client: *mut mosquitto,
    pub topic: *const c_char,
    pub payload: *const c_void,
    pub properties: *mut c_void,
    pub access: c_int,
    pub payloadlen: u32,
    pub qos: u8,
    pub retain: bool,
    pub future2: [*mut c_void; 4],
}

#[repr(C)]
pub struct mosquitto_evt_disconnect {
    pub future: *mut c_void,
    pub client: *mut mosquitto,
    pub reason: c_int,
    pub future2: [*mut c_void; 4],
}

#[repr(C)]
pub struct mosquitto_evt_control {
    pub future: *mut c_void,
    pub client: *mut mosquitto,
    pub topic: *const c_char,
    pub payload: *const c_void,
    pub properties: *const c_void,
    pub reason_string: *mut c_char,
    pub payloadlen: u32,
    pub qos: u8,
    pub reason_code: u8,
    pub retain: bool,
    pub future2: [*mut c_void; 4],
}

pub type generic_callback = unsafe extern "C" fn(c_int, *mut c_void, *mut c_void) -> c_int;

extern "C" {
    pub fn mosquitto_callback_register(
        identifier: *mut mosquitto_plugin_id_t,
        event: c_int,
        cb_func: generic_callback,
        event_data: *const c_void,
        userdata: *mut c_void,
    ) -> c_int;
    pub fn mosquitto_callback_unregister(
        identifier: *mut mosquitto_plugin_id_t,
        event: c_int,
        cb_func: generic_callback,
        event_data: *const c_void,
    ) -> c_int;
    pub fn mosquitto_client_id(client: *const mosquitto) -> *const c_char;
    pub fn mosquitto_client_username(client: *const mosquitto) -> *const c_char;
    pub fn mosquitto_client_address(client: *const mosquitto) -> *const c_char;
    pub fn mosquitto_client_protocol_version(client: *const mosquitto) -> c_int;
    pub fn mosquitto_broker_publish_copy(
        clientid: *const c_char,
        topic: *const c_char,
        payloadlen: c_int,
        payload: *const c_void,
        qos: c_int,
        retain: bool,
        properties: *mut c_void,
    ) -> c_int;
    pub fn mosquitto_kick_client_by_clientid(clientid: *const c_char, with_will: bool) -> c_int;
    pub fn mosquitto_log_printf(level: c_int, fmt: *const c_char, ...);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::mem::{offset_of, size_of};

    // The layout of mosquitto_broker.h 2.0.11 on x86_64 (LP64), as gcc lays it out.
    #[test]
    fn event_structs_match_the_c_layout() {
        assert_eq!(offset_of!(mosquitto_evt_basic_auth, password), 24);
        assert_eq!(size_of::<mosquitto_evt_basic_auth>(), 64);
        assert_eq!(offset_of!(mosquitto_evt_acl_check, topic), 16);
        assert_eq!(offset_of!(mosquitto_evt_acl_check, access), 40);
        assert_eq!(offset_of!(mosquitto_evt_acl_check, retain), 49);
        assert_eq!(size_of::<mosquitto_evt_acl_check>(), 88);
        assert_eq!(offset_of!(mosquitto_evt_disconnect, reason), 16);
        assert_eq!(offset_of!(mosquitto_evt_control, payload), 24);
        assert_eq!(offset_of!(mosquitto_evt_control, payloadlen), 48);
        assert_eq!(offset_of!(mosquitto_evt_control, retain), 54);
        assert_eq!(size_of::<mosquitto_evt_control>(), 88);
    }
}
