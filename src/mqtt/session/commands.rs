//! What the user asks of the session: SUBSCRIBE, UNSUBSCRIBE and PUBLISH,
//! each checked against the protocol's rules and the broker's limits before
//! it is encoded.

use super::{Filter, Outgoing, SessionError};
use super::{OutQos2, Session};
use crate::mqtt::packet::{wire, Packet, Properties, Publish, Subscribe, Unsubscribe};
use crate::mqtt::qos::Qos;

impl Session {
    /// SUBSCRIBE to well-formed filters.
    pub fn subscribe(
        &mut self,
        filters: &[Filter],
        now_ms: u64,
    ) -> Result<(u16, Vec<u8>), SessionError> {
        for (f, _) in filters {
            if !valid_filter(f) {
                return Err(SessionError::InvalidFilter(f.clone()));
            }
        }
        self.subscribe_unchecked(filters, now_ms)
    }

    /// SUBSCRIBE without checking the filters' syntax: support staff can see what
    /// the broker does with a filter the console would refuse.
    pub fn subscribe_unchecked(
        &mut self,
        filters: &[Filter],
        now_ms: u64,
    ) -> Result<(u16, Vec<u8>), SessionError> {
        self.connected()?;
        if filters.is_empty() {
            return Err(SessionError::NoFilters);
        }
        // Unchecked syntax, but still a string MQTT can carry.
        if let Some((bad, _)) = filters.iter().find(|(f, _)| !wire::is_text(f)) {
            return Err(SessionError::InvalidFilter(bad.clone()));
        }
        let packet_id = self.next_packet_id()?;
        let bytes = self.encode(&Packet::Subscribe(Subscribe {
            packet_id,
            filters: filters.to_vec(),
            properties: Properties::default(),
        }));
        let names = filters.iter().map(|(f, _)| f.clone()).collect();
        self.pending_subscribe.insert(packet_id, names);
        self.last_sent_ms = now_ms;
        Ok((packet_id, bytes))
    }

    pub fn unsubscribe(
        &mut self,
        filters: &[String],
        now_ms: u64,
    ) -> Result<(u16, Vec<u8>), SessionError> {
        self.connected()?;
        if filters.is_empty() {
            return Err(SessionError::NoFilters);
        }
        if let Some(bad) = filters.iter().find(|f| !valid_filter(f)) {
            return Err(SessionError::InvalidFilter(bad.clone()));
        }
        let packet_id = self.next_packet_id()?;
        self.pending_unsubscribe.insert(packet_id);
        self.last_sent_ms = now_ms;
        Ok((
            packet_id,
            self.encode(&Packet::Unsubscribe(Unsubscribe {
                packet_id,
                filters: filters.to_vec(),
                properties: Properties::default(),
            })),
        ))
    }

    /// PUBLISH; returns the packet id for QoS 1 and 2 (its `Delivered` event
    /// follows). Bytes are empty when the broker's receive maximum holds the
    /// message back: it goes out when an earlier one is acknowledged.
    pub fn publish(
        &mut self,
        m: Outgoing,
        now_ms: u64,
    ) -> Result<(Option<u16>, Vec<u8>), SessionError> {
        self.connected()?;
        if !valid_topic(&m.topic) {
            return Err(SessionError::InvalidTopic(m.topic));
        }
        self.limits.allows(m.qos, m.retain)?;
        let packet_id = match m.qos {
            Qos::AtMostOnce => None,
            _ => Some(self.next_packet_id()?),
        };
        // Under 3.1.1 the codec leaves the properties out.
        let bytes = self.encode(&Packet::Publish(Publish {
            topic: m.topic,
            packet_id,
            qos: m.qos,
            retain: m.retain,
            dup: false,
            properties: m.properties,
            payload: m.payload,
        }));
        self.limits.fits(bytes.len())?;
        self.last_sent_ms = now_ms;
        let Some(id) = packet_id else {
            return Ok((None, bytes));
        };
        // Spec 4.9: no more unacknowledged QoS 1 and 2 publishes than the
        // broker's receive maximum; later ones wait, in order.
        let sent = self.in_flight() - self.queued.len();
        let held = !self.queued.is_empty() || sent >= usize::from(self.limits.receive_maximum);
        if m.qos == Qos::AtLeastOnce {
            self.out_qos1.insert(id);
        } else {
            self.out_qos2.insert(id, OutQos2::AwaitingPubrec);
        }
        if held {
            self.queued.push_back((id, bytes));
            return Ok((Some(id), Vec::new()));
        }
        Ok((Some(id), bytes))
    }
}

/// The syntax rules are mqtt-protocol's (spec 4.7), the same for both
/// versions; it lets U+0000 through, which the wire forbids (spec 1.5.4).
fn valid_filter(f: &str) -> bool {
    wire::is_text(f) && mqtt::TopicFilter::new(f.to_owned()).is_ok()
}

fn valid_topic(t: &str) -> bool {
    wire::is_text(t) && mqtt::TopicName::new(t.to_owned()).is_ok()
}
