//! Quality of service, and the one place it is converted: to and from its
//! number (the screen's selects, the remembered settings, the export) and to
//! and from mqtt-protocol's types (the wire).

use mqtt::QualityOfService;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub enum Qos {
    #[default]
    AtMostOnce,
    AtLeastOnce,
    ExactlyOnce,
}

impl Qos {
    pub const ALL: [Qos; 3] = [Qos::AtMostOnce, Qos::AtLeastOnce, Qos::ExactlyOnce];

    pub fn as_u8(self) -> u8 {
        match self {
            Qos::AtMostOnce => 0,
            Qos::AtLeastOnce => 1,
            Qos::ExactlyOnce => 2,
        }
    }

    pub fn from_u8(n: u8) -> Option<Qos> {
        Self::ALL.into_iter().find(|q| q.as_u8() == n)
    }

    /// A select's value ("0", "1" or "2").
    pub fn parse(s: &str) -> Option<Qos> {
        s.parse().ok().and_then(Qos::from_u8)
    }

    pub(crate) fn level(self) -> QualityOfService {
        match self {
            Qos::AtMostOnce => QualityOfService::Level0,
            Qos::AtLeastOnce => QualityOfService::Level1,
            Qos::ExactlyOnce => QualityOfService::Level2,
        }
    }

    pub(crate) fn from_level(level: QualityOfService) -> Qos {
        match level {
            QualityOfService::Level0 => Qos::AtMostOnce,
            QualityOfService::Level1 => Qos::AtLeastOnce,
            QualityOfService::Level2 => Qos::ExactlyOnce,
        }
    }
}

impl TryFrom<u8> for Qos {
    type Error = String;
    fn try_from(n: u8) -> Result<Self, Self::Error> {
        Qos::from_u8(n).ok_or_else(|| format!("QoS {n} does not exist (0, 1 or 2)"))
    }
}

impl From<Qos> for u8 {
    fn from(q: Qos) -> u8 {
        q.as_u8()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_level_round_trips_through_its_number_and_the_wire_type() {
        for q in Qos::ALL {
            assert_eq!(Qos::from_u8(q.as_u8()), Some(q));
            assert_eq!(Qos::parse(&q.as_u8().to_string()), Some(q));
            assert_eq!(Qos::from_level(q.level()), q);
            assert_eq!(q.level() as u8, q.as_u8());
        }
        assert_eq!(Qos::from_u8(3), None);
        assert_eq!(Qos::parse("x"), None);
    }

    #[test]
    fn a_remembered_level_is_its_number() {
        assert_eq!(serde_json::to_string(&Qos::ExactlyOnce).unwrap(), "2");
        assert_eq!(serde_json::from_str::<Qos>("1").unwrap(), Qos::AtLeastOnce);
        assert!(serde_json::from_str::<Qos>("7").is_err());
    }
}
