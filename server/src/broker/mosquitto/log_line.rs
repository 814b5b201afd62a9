//! Mosquitto's own log lines, as `log_dest topic` publishes them under
//! `$SYS/broker/log/<level>`: the only place Mosquitto 2.0.11 says that a
//! static client connected, or why a connection ended (its plugin interface
//! gives no reason). Pure, so every line it knows is tested here.
//!
//! Design: lines are matched by their fixed start and end, never split on
//! spaces, because a clientId may contain spaces; an unknown line is `None`.

use tillor_contract::broker_event::{Ending, Peer, Report};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LogLine {
    /// `New client connected from ADDR:PORT as ID (pP, cC, kK[, u'USER']).`
    /// `protocol_version` is the wire's (3, 4 or 5).
    Connected {
        client_id: String,
        peer: Peer,
        user_name: Option<String>,
    },
    Ended {
        client_id: String,
        how: Ending,
    },
    /// `Client ID already connected, closing old connection.`
    TakenOver {
        client_id: String,
    },
}

/// The message of a line, without the `<unix seconds>: ` Mosquitto puts first.
fn message(line: &str) -> &str {
    match line.split_once(": ") {
        Some((stamp, rest)) if !stamp.is_empty() && stamp.bytes().all(|b| b.is_ascii_digit()) => {
            rest
        }
        _ => line,
    }
}

const ENDINGS: [(&str, Ending); 12] = [
    (" closed its connection.", Ending::ConnectionLost),
    (" disconnected.", Ending::Disconnected),
    (
        " has exceeded timeout, disconnecting.",
        Ending::KeepAliveTimeout,
    ),
    (
        " been disconnected by administrative action.",
        Ending::Kicked,
    ),
    (" disconnected due to malformed packet.", Ending::Error),
    (" disconnected due to protocol error.", Ending::Error),
    (" disconnected due to oversize packet.", Ending::Error),
    (" disconnected due to oversize payload.", Ending::Error),
    (" disconnected due to out of memory.", Ending::Error),
    (
        " disconnected due to QoS too high or retain not supported.",
        Ending::Error,
    ),
    // Refusals are reported by the plugin, with their reason.
    (" disconnected, not authorised.", Ending::Error),
    (" disconnected: ", Ending::Error),
];

pub fn parse(line: &str) -> Option<LogLine> {
    let m = message(line.trim_end());
    if let Some(rest) = m.strip_prefix("New client connected from ") {
        let (head, params) = rest.rsplit_once(" (p")?;
        let (address, client_id) = head.split_once(" as ")?;
        let address = address.rsplit_once(':').map_or(address, |(a, _)| a);
        // `p` is Mosquitto's own protocol number, not the one on the wire.
        let protocol_version = match params.split(',').next()?.parse::<u8>().ok()? {
            1 => 3,
            2 => 4,
            5 => 5,
            _ => return None,
        };
        let user_name = params
            .split_once(", u'")
            .and_then(|(_, u)| u.strip_suffix("').").map(str::to_owned));
        return Some(LogLine::Connected {
            client_id: client_id.to_owned(),
            peer: Peer {
                address: address.to_owned(),
                protocol_version,
            },
            user_name,
        });
    }
    let rest = m.strip_prefix("Client ")?;
    if let Some(id) = rest.strip_suffix(" already connected, closing old connection.") {
        return Some(LogLine::TakenOver {
            client_id: id.to_owned(),
        });
    }
    for (end, how) in ENDINGS {
        let id = match end.strip_suffix(' ') {
            // "disconnected: <strerror>." carries text after the marker.
            Some(_) => rest.split_once(end).map(|(id, _)| id),
            None => rest.strip_suffix(end),
        };
        if let Some(id) = id {
            if id == "<unknown>" {
                return None;
            }
            return Some(LogLine::Ended {
                client_id: id.to_owned(),
                how,
            });
        }
    }
    None
}

impl LogLine {
    /// The clientId and what the server should hear of it; `None` for what
    /// the plugin reports better (a JWT client's connection).
    pub fn report(self) -> Option<(String, Report)> {
        match self {
            LogLine::Connected {
                client_id,
                peer,
                user_name: Some(user_name),
            } => Some((client_id, Report::StaticConnected { user_name, peer })),
            LogLine::Connected { .. } => None,
            LogLine::Ended { client_id, how } => Some((client_id, Report::Ended { how })),
            LogLine::TakenOver { client_id } => Some((client_id, Report::TakenOver)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_connection_gives_its_address_protocol_and_username() {
        assert_eq!(
            parse("1764180000: New client connected from 127.0.0.1:51234 as local-static-x (p2, c1, k60, u'acme-ab12cd34')."),
            Some(LogLine::Connected {
                client_id: "local-static-x".into(),
                peer: Peer {
                    address: "127.0.0.1".into(),
                    protocol_version: 4
                },
                user_name: Some("acme-ab12cd34".into()),
            })
        );
        // A JWT client has no username; a clientId may hold spaces and " as ".
        assert_eq!(
            parse("New client connected from ::1:4000 as a as b c (p5, c1, k30)."),
            Some(LogLine::Connected {
                client_id: "a as b c".into(),
                peer: Peer {
                    address: "::1".into(),
                    protocol_version: 5
                },
                user_name: None,
            })
        );
    }

    #[test]
    fn each_ending_is_told_apart() {
        let ended = |line: &str| match parse(line) {
            Some(LogLine::Ended { client_id, how }) => (client_id, how),
            other => panic!("{line}: {other:?}"),
        };
        assert_eq!(
            ended("1: Client c1 closed its connection."),
            ("c1".into(), Ending::ConnectionLost)
        );
        assert_eq!(
            ended("1: Client c 2 disconnected."),
            ("c 2".into(), Ending::Disconnected)
        );
        assert_eq!(
            ended("1: Client c3 has exceeded timeout, disconnecting."),
            ("c3".into(), Ending::KeepAliveTimeout)
        );
        assert_eq!(
            ended("1: Client c4 been disconnected by administrative action."),
            ("c4".into(), Ending::Kicked)
        );
        assert_eq!(
            ended("1: Client c5 disconnected: Connection reset by peer."),
            ("c5".into(), Ending::Error)
        );
    }

    #[test]
    fn a_takeover_is_its_own_line_and_unknown_lines_are_nothing() {
        assert_eq!(
            parse("1: Client dev-1 already connected, closing old connection."),
            Some(LogLine::TakenOver {
                client_id: "dev-1".into()
            })
        );
        assert_eq!(
            parse("1: Client <unknown> disconnected, not authorised."),
            None
        );
        assert_eq!(parse("1: tillor-jwt: x refused: bad signature"), None);
        assert_eq!(parse("1: Opening ipv4 listen socket on port 1883."), None);
    }
}
