//! Simulated time: the engine's only clock, plus kubectl's duration formatting.
//!
//! Time is a count of milliseconds since the simulated cluster started. Wall-clock
//! instants are derived from a fixed epoch so timestamps look real and replay exactly.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A moment of simulated time, in milliseconds since the cluster started.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct SimTime(pub u64);

/// The Unix time (seconds) that simulated time zero maps to: 2025-01-01T00:00:00Z.
pub const EPOCH_UNIX_SECS: u64 = 1_735_689_600;

impl SimTime {
    /// Time zero.
    pub const ZERO: SimTime = SimTime(0);

    /// A time `secs` seconds after zero.
    pub fn from_secs(secs: u64) -> Self {
        SimTime(secs * 1000)
    }

    /// Whole seconds since zero.
    pub fn as_secs(self) -> u64 {
        self.0 / 1000
    }

    /// This time plus `ms` milliseconds.
    pub fn plus_ms(self, ms: u64) -> Self {
        SimTime(self.0.saturating_add(ms))
    }

    /// This time plus `secs` seconds.
    pub fn plus_secs(self, secs: u64) -> Self {
        self.plus_ms(secs.saturating_mul(1000))
    }

    /// Milliseconds from `earlier` to `self` (zero if `earlier` is later).
    pub fn since(self, earlier: SimTime) -> u64 {
        self.0.saturating_sub(earlier.0)
    }

    /// RFC 3339 timestamp as the API server writes it (`2025-01-01T00:00:42Z`).
    pub fn rfc3339(self) -> String {
        let secs = EPOCH_UNIX_SECS + self.as_secs();
        let days = (secs / 86_400) as i64;
        let rem = secs % 86_400;
        let (y, m, d) = civil_from_days(days);
        if !(0..=9999).contains(&y) {
            return format!(
                "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
                rem / 3600,
                (rem / 60) % 60,
                rem % 60
            );
        }
        // Digit by digit rather than `format!`: every status write and Event stamps
        // times, and the formatting machinery cost several times the arithmetic.
        let mut out = *b"0000-00-00T00:00:00Z";
        let mut put = |at: usize, width: usize, mut v: u64| {
            for i in (at..at + width).rev() {
                out[i] = b'0' + (v % 10) as u8;
                v /= 10;
            }
        };
        put(0, 4, y as u64);
        put(5, 2, m.into());
        put(8, 2, d.into());
        put(11, 2, rem / 3600);
        put(14, 2, (rem / 60) % 60);
        put(17, 2, rem % 60);
        std::str::from_utf8(&out).unwrap_or_default().to_owned()
    }

    /// Parses an RFC 3339 timestamp written by [`SimTime::rfc3339`].
    pub fn parse_rfc3339(s: &str) -> Option<SimTime> {
        let b = s.as_bytes();
        if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
        let days = days_from_civil(num(0..4)?, num(5..7)?, num(8..10)?);
        let secs = days * 86_400 + num(11..13)? * 3600 + num(14..16)? * 60 + num(17..19)?;
        let since = secs - EPOCH_UNIX_SECS as i64;
        (since >= 0).then(|| SimTime::from_secs(since as u64))
    }
}

impl fmt::Display for SimTime {
    /// `mm:ss` (or `h:mm:ss`) as the page's clock shows it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.as_secs();
        if s >= 3600 {
            write!(f, "{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
        } else {
            write!(f, "{:02}:{:02}", s / 60, s % 60)
        }
    }
}

// Howard Hinnant's days <-> civil date algorithms.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Formats an age as kubectl's `HumanDuration` does (`119s`, `3m10s`, `179m`, `3h1m`, `2d1h`).
///
/// Examples: 59 s -> `59s`; 130 s -> `2m10s`; 120 s -> `2m`; 11 min -> `11m`;
/// 3 h 1 min -> `3h1m`; 50 h -> `2d2h`.
pub fn human_duration(ms: u64) -> String {
    let secs = ms / 1000;
    let mins = secs / 60;
    let hours = mins / 60;
    let days = hours / 24;
    let years = days / 365;
    if secs < 120 {
        format!("{secs}s")
    } else if mins < 10 {
        match secs % 60 {
            0 => format!("{mins}m"),
            s => format!("{mins}m{s}s"),
        }
    } else if hours < 3 {
        format!("{mins}m")
    } else if hours < 8 {
        match mins % 60 {
            0 => format!("{hours}h"),
            m => format!("{hours}h{m}m"),
        }
    } else if hours < 48 {
        format!("{hours}h")
    } else if hours < 24 * 8 {
        match hours % 24 {
            0 => format!("{days}d"),
            h => format!("{days}d{h}h"),
        }
    } else if days < 365 * 2 {
        format!("{days}d")
    } else if years < 8 {
        match days % 365 {
            0 => format!("{years}y"),
            d => format!("{years}y{d}d"),
        }
    } else {
        format!("{years}y")
    }
}

/// Formats a duration as Go's `time.Duration` prints it (`2s`, `1m30s`, `1.5s`), as kubelet messages show.
pub fn go_duration(ms: u64) -> String {
    if ms == 0 {
        return "0s".into();
    }
    let h = ms / 3_600_000;
    let m = (ms / 60_000) % 60;
    let s = (ms / 1000) % 60;
    let frac = ms % 1000;
    let mut out = String::new();
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if h > 0 || m > 0 {
        out.push_str(&format!("{m}m"));
    }
    if frac == 0 {
        out.push_str(&format!("{s}s"));
    } else if h == 0 && m == 0 && s == 0 {
        out.push_str(&format!("{frac}ms"));
    } else {
        let f = format!("{frac:03}");
        out.push_str(&format!("{s}.{}s", f.trim_end_matches('0')));
    }
    out
}

/// Parses a duration such as `30s`, `2m`, `1m30s`, `500ms`, `1h` or a bare number of seconds.
pub fn parse_duration(s: &str) -> Result<u64, String> {
    let s = s.trim();
    if s.is_empty() {
        return Err("empty duration".into());
    }
    if let Ok(n) = s.parse::<u64>() {
        return Ok(n * 1000);
    }
    let mut total: u64 = 0;
    let mut num = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() || c == '.' {
            num.push(c);
            continue;
        }
        let unit = if c == 'm' && chars.peek() == Some(&'s') {
            chars.next();
            "ms"
        } else {
            match c {
                'h' => "h",
                'm' => "m",
                's' => "s",
                _ => return Err(format!("invalid duration {s:?}: unknown unit {c:?}")),
            }
        };
        let value: f64 = num
            .parse()
            .map_err(|_| format!("invalid duration {s:?}: missing number before {unit:?}"))?;
        num.clear();
        let factor = match unit {
            "ms" => 1.0,
            "s" => 1000.0,
            "m" => 60_000.0,
            _ => 3_600_000.0,
        };
        total += (value * factor).round() as u64;
    }
    if !num.is_empty() {
        return Err(format!("invalid duration {s:?}: missing unit after {num}"));
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_duration_matches_kubectl() {
        let cases: &[(u64, &str)] = &[
            (0, "0s"),
            (59, "59s"),
            (119, "119s"),
            (120, "2m"),
            (190, "3m10s"),
            (600, "10m"),
            (179 * 60, "179m"),
            (3 * 3600, "3h"),
            (3 * 3600 + 60, "3h1m"),
            (8 * 3600, "8h"),
            (47 * 3600, "47h"),
            (49 * 3600, "2d1h"),
            (8 * 86_400, "8d"),
            (800 * 86_400, "2y70d"),
        ];
        for (secs, want) in cases {
            assert_eq!(human_duration(secs * 1000), *want, "age {secs}s");
        }
    }

    #[test]
    fn timestamps_round_trip() {
        assert_eq!(SimTime::ZERO.rfc3339(), "2025-01-01T00:00:00Z");
        let t = SimTime::from_secs(86_400 * 59 + 3723);
        assert_eq!(t.rfc3339(), "2025-03-01T01:02:03Z");
        assert_eq!(SimTime::parse_rfc3339(&t.rfc3339()), Some(t));
        // Far out (year 10,000 and beyond) the year grows a digit, as `{:04}` would.
        let far = SimTime::from_secs(8_000 * 366 * 86_400);
        assert!(far.rfc3339().starts_with("10"));
        assert_eq!(far.rfc3339().len(), 21);
    }

    #[test]
    fn timestamps_print_digit_by_digit_as_format_would() {
        let mut secs = 0u64;
        while secs < 40 * 366 * 86_400 {
            let total = EPOCH_UNIX_SECS + secs;
            let (y, m, d) = civil_from_days((total / 86_400) as i64);
            let rem = total % 86_400;
            let want = format!(
                "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
                rem / 3600,
                (rem / 60) % 60,
                rem % 60
            );
            assert_eq!(SimTime::from_secs(secs).rfc3339(), want);
            secs += 7_919 * 13;
        }
    }

    #[test]
    fn durations_parse_and_print() {
        assert_eq!(parse_duration("30s"), Ok(30_000));
        assert_eq!(parse_duration("1m30s"), Ok(90_000));
        assert_eq!(parse_duration("500ms"), Ok(500));
        assert_eq!(parse_duration("2"), Ok(2000));
        assert!(parse_duration("3x").is_err());
        assert_eq!(go_duration(1500), "1.5s");
        assert_eq!(go_duration(90_000), "1m30s");
        assert_eq!(go_duration(250), "250ms");
    }
}
