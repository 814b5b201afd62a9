//! The test client's commands: subscribe, unsubscribe, publish, and the
//! connectivity check.

use leptos::prelude::*;

use super::{now_ms, MqttClient, Status, SubState, Subscription};
use crate::mqtt::log::{Direction, MessageEntry};
use crate::mqtt::packet::SubOptions;
use crate::mqtt::probe::{CheckState, Probe};
use crate::mqtt::qos::Qos;
use crate::mqtt::session::{qos_only, Outgoing, SessionError};
use crate::mqtt::steps::Step;

impl MqttClient {
    pub(super) fn predicted(&self, topic: &str, filter: bool) -> bool {
        self.params
            .with_untracked(|p| p.as_ref().and_then(|p| p.namespace()))
            .is_some_and(|ns| ns.explain(topic, filter).is_empty())
    }

    /// Subscribes; `anyway` sends a filter the namespace rules refuse (or that is
    /// malformed) to show what the broker answers.
    pub fn subscribe(
        &self,
        filter: String,
        options: SubOptions,
        label: String,
        anyway: bool,
    ) -> Result<(), SessionError> {
        let colour = self.subscriptions.with_untracked(|s| s.len());
        self.send_subscribe(&filter, options, anyway)?;
        self.subscriptions.update(|s| {
            s.retain(|x| x.filter != filter);
            s.push(Subscription {
                filter,
                options,
                label,
                colour,
                state: SubState::Pending,
            });
        });
        Ok(())
    }

    pub(super) fn send_subscribe(
        &self,
        filter: &str,
        options: SubOptions,
        anyway: bool,
    ) -> Result<(), SessionError> {
        let now = now_ms() as u64;
        let filters = [(filter.to_owned(), options)];
        self.with_conn(|c| {
            let (_, bytes) = if anyway {
                c.session.subscribe_unchecked(&filters, now)?
            } else {
                c.session.subscribe(&filters, now)?
            };
            c.send(&bytes);
            Ok(())
        })
        .unwrap_or(Err(SessionError::NotConnected))
    }

    pub fn unsubscribe(&self, filter: &str) {
        let now = now_ms() as u64;
        let filter = filter.to_owned();
        self.with_conn(|c| {
            // Not connected: the subscription is only forgotten, below.
            if let Ok((_, bytes)) = c.session.unsubscribe(std::slice::from_ref(&filter), now) {
                c.send(&bytes);
            }
        });
        self.subscriptions
            .update(|s| s.retain(|x| x.filter != filter));
    }

    pub fn publish(&self, message: Outgoing) -> Result<(), SessionError> {
        let now = now_ms();
        let predicted_allowed = self.predicted(&message.topic, false);
        let entry = MessageEntry {
            direction: Direction::Sent,
            topic: message.topic.clone(),
            payload: message.payload.clone(),
            qos: message.qos,
            retain: message.retain,
            properties: message.properties.clone(),
            at_ms: now,
        };
        let protocol = self
            .with_conn(|c| {
                let (id, bytes) = c.session.publish(message, now as u64)?;
                c.send(&bytes);
                if let Some(id) = id {
                    c.predicted.insert(id, predicted_allowed);
                }
                Ok(c.session.protocol())
            })
            .unwrap_or(Err(SessionError::NotConnected))?;
        self.step(Step::Published {
            topic: entry.topic.clone(),
            qos: entry.qos,
            predicted_allowed,
            protocol,
        });
        self.log.push(entry);
        Ok(())
    }

    /// One click: connect if needed, subscribe to a probe topic in the namespace,
    /// publish to it, and measure the round trip.
    pub fn check_connectivity(&self) {
        self.check.set(CheckState::Running);
        if self.status.get_untracked() == Status::Connected {
            self.start_probe();
        } else {
            self.connect();
        }
    }

    pub(super) fn start_probe(&self) {
        let Some(prefix) = self
            .params
            .with_untracked(|p| p.as_ref().map(|p| p.topic_prefix.clone()))
        else {
            return;
        };
        let probe = Probe::new(&prefix, (js_sys::Math::random() * 1e12) as u64);
        let now = now_ms() as u64;
        let sent = self.with_conn(|c| {
            let filters = [(probe.topic().to_owned(), qos_only(Qos::AtLeastOnce))];
            let (_, bytes) = c.session.subscribe(&filters, now)?;
            c.send(&bytes);
            c.probe = Some(probe);
            Ok::<_, SessionError>(())
        });
        if !matches!(sent, Some(Ok(()))) {
            self.fail_check();
        }
    }
}
