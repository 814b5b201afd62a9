//! What a broker's CONNACK allows (MQTT 5, spec 3.2.2.3), and what the console
//! asks of the broker in return. Under 3.1.1 every limit keeps its default.

use super::SessionError;
use crate::mqtt::packet::properties::id;
use crate::mqtt::packet::Properties;
use crate::mqtt::qos::Qos;

/// The QoS 1 and 2 messages the console takes unacknowledged (our CONNECT's
/// receive maximum): enough for a flood test, small enough to notice a broker
/// that ignores it.
pub const RECEIVE_MAXIMUM: u16 = 1000;

/// Inbound topic aliases the console accepts (our CONNECT's topic alias maximum).
pub const TOPIC_ALIAS_MAXIMUM: u16 = 64;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerLimits {
    pub receive_maximum: u16,
    pub maximum_qos: Qos,
    pub retain_available: bool,
    pub maximum_packet_size: Option<u32>,
    pub server_keep_alive: Option<u16>,
}

impl Default for ServerLimits {
    fn default() -> Self {
        ServerLimits {
            receive_maximum: u16::MAX,
            maximum_qos: Qos::ExactlyOnce,
            retain_available: true,
            maximum_packet_size: None,
            server_keep_alive: None,
        }
    }
}

impl From<&Properties> for ServerLimits {
    fn from(p: &Properties) -> Self {
        let d = ServerLimits::default();
        ServerLimits {
            // 0 is a protocol error; treat it as absent rather than stall.
            receive_maximum: p
                .int(id::RECEIVE_MAXIMUM)
                .filter(|n| *n > 0)
                .map_or(d.receive_maximum, |n| n as u16),
            maximum_qos: p
                .int(id::MAXIMUM_QOS)
                .and_then(|n| Qos::from_u8(n as u8))
                .unwrap_or(d.maximum_qos),
            retain_available: p.int(id::RETAIN_AVAILABLE) != Some(0),
            maximum_packet_size: p.int(id::MAXIMUM_PACKET_SIZE),
            server_keep_alive: p.int(id::SERVER_KEEP_ALIVE).map(|n| n as u16),
        }
    }
}

impl ServerLimits {
    /// Spec 3.3.2.3 and 3.2.2.3.4: a client must not publish above the broker's
    /// maximum QoS, nor retain where it keeps nothing.
    pub fn allows(&self, qos: Qos, retain: bool) -> Result<(), SessionError> {
        if qos.as_u8() > self.maximum_qos.as_u8() {
            return Err(SessionError::QosAbove(self.maximum_qos));
        }
        if retain && !self.retain_available {
            return Err(SessionError::RetainUnavailable);
        }
        Ok(())
    }

    pub fn fits(&self, size: usize) -> Result<(), SessionError> {
        match self.maximum_packet_size {
            Some(limit) if size > limit as usize => Err(SessionError::TooLarge { size, limit }),
            _ => Ok(()),
        }
    }

    /// The broker's server keep alive replaces ours (spec 3.2.2.3.14).
    pub fn keep_alive(&self, ours: u16) -> u16 {
        self.server_keep_alive.unwrap_or(ours)
    }
}
