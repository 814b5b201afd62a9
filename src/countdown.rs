//! The JWT expiry countdown as text: pure, so it is tested natively.

/// Seconds left before a warning is shown.
pub const WARN_AT_SECS: i64 = 60;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Remaining {
    /// More than a minute left, e.g. `59:59` or `1:00:00`.
    Fine(String),
    /// A minute or less: shown as a warning.
    Warning(String),
    Expired,
}

impl Remaining {
    pub fn from_secs(secs: i64) -> Remaining {
        if secs <= 0 {
            return Remaining::Expired;
        }
        let (h, m, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
        let text = if h > 0 {
            format!("{h}:{m:02}:{s:02}")
        } else {
            format!("{m}:{s:02}")
        };
        if secs <= WARN_AT_SECS {
            Remaining::Warning(text)
        } else {
            Remaining::Fine(text)
        }
    }

    /// Screen readers hear thresholds, not every second.
    pub fn phase(&self) -> &'static str {
        match self {
            Remaining::Fine(_) => "fine",
            Remaining::Warning(_) => "warning",
            Remaining::Expired => "expired",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_minutes_and_seconds_are_padded() {
        assert_eq!(
            Remaining::from_secs(3600),
            Remaining::Fine("1:00:00".into())
        );
        assert_eq!(
            Remaining::from_secs(86_400),
            Remaining::Fine("24:00:00".into())
        );
        assert_eq!(Remaining::from_secs(61), Remaining::Fine("1:01".into()));
    }

    #[test]
    fn the_last_minute_is_a_warning_and_zero_is_expired() {
        assert_eq!(Remaining::from_secs(60), Remaining::Warning("1:00".into()));
        assert_eq!(Remaining::from_secs(5), Remaining::Warning("0:05".into()));
        assert_eq!(Remaining::from_secs(0), Remaining::Expired);
        assert_eq!(Remaining::from_secs(-3), Remaining::Expired);
    }
}
