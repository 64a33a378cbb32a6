//! Resource quantities (`500m`, `1Gi`, `0.5`) and int-or-string values (`25%`, `http`).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A resource quantity as the user wrote it, known to parse.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Quantity(String);

impl Quantity {
    /// Parses a quantity, or says why it is not one (the API server's wording).
    pub fn parse(s: &str) -> Result<Quantity, String> {
        parse_scaled(s)
            .map(|_| Quantity(s.to_string()))
            .ok_or_else(|| "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'".to_string())
    }

    /// The quantity in thousandths of a unit (cpu `500m` -> 500, `2` -> 2000), rounded up.
    pub fn millis(&self) -> i64 {
        parse_scaled(&self.0)
            .map(|v| (v * 1000.0).ceil() as i64)
            .unwrap_or(0)
    }

    /// The quantity in whole units (memory `1Gi` -> 1073741824), rounded up.
    pub fn value(&self) -> i64 {
        parse_scaled(&self.0).map(|v| v.ceil() as i64).unwrap_or(0)
    }

    /// The text as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A cpu quantity from millicores, written as kubectl would (`250m`, `2`).
    pub fn from_millis(m: i64) -> Quantity {
        if m % 1000 == 0 {
            Quantity((m / 1000).to_string())
        } else {
            Quantity(format!("{m}m"))
        }
    }

    /// A memory quantity from bytes, in the largest binary unit that divides it (`1Gi`, `512Mi`).
    pub fn from_bytes(b: i64) -> Quantity {
        for (suffix, f) in [("Gi", 1i64 << 30), ("Mi", 1 << 20), ("Ki", 1 << 10)] {
            if b != 0 && b % f == 0 {
                return Quantity(format!("{}{suffix}", b / f));
            }
        }
        Quantity(b.to_string())
    }
}

fn parse_scaled(s: &str) -> Option<f64> {
    let s = s.trim();
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-'))
        .unwrap_or(s.len());
    let (num, suffix) = s.split_at(split);
    if num.is_empty() || !num.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    let n: f64 = num.parse().ok()?;
    let factor = match suffix {
        "" => 1.0,
        "n" => 1e-9,
        "u" => 1e-6,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        "Ki" => 1024.0,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        e if e.starts_with(['e', 'E']) => 10f64.powi(e[1..].parse().ok()?),
        _ => return None,
    };
    Some(n * factor)
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            S(String),
            I(i64),
            F(f64),
        }
        let text = match Raw::deserialize(d)? {
            Raw::S(s) => s,
            Raw::I(i) => i.to_string(),
            Raw::F(f) => f.to_string(),
        };
        Quantity::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// A value that is either an integer or a string, as `maxSurge: 25%` or `targetPort: http`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum IntOrString {
    /// A plain number.
    Int(i32),
    /// A string: a percentage (`25%`) or a name (`http`).
    Str(String),
}

impl IntOrString {
    /// Resolves a count or a percentage of `total`, rounding up or down as asked.
    ///
    /// `25%` of 10 is 3 rounded up and 2 rounded down; `2` is 2 whatever the total.
    pub fn scaled_value(&self, total: i32, round_up: bool) -> Result<i32, String> {
        match self {
            IntOrString::Int(i) => Ok(*i),
            IntOrString::Str(s) => {
                let pct: i64 = s
                    .strip_suffix('%')
                    .and_then(|p| p.parse().ok())
                    .ok_or_else(|| format!("invalid value for IntOrString: invalid type: string is not a percentage: {s:?}"))?;
                let v = pct * total as i64;
                Ok(if round_up {
                    (v + 99).div_euclid(100)
                } else {
                    v.div_euclid(100)
                } as i32)
            }
        }
    }
}

impl fmt::Display for IntOrString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IntOrString::Int(i) => write!(f, "{i}"),
            IntOrString::Str(s) => f.write_str(s),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_parse_like_the_api_server() {
        let cases: &[(&str, i64, i64)] = &[
            ("500m", 500, 1),
            ("2", 2000, 2),
            ("0.5", 500, 1),
            ("1Gi", 1_073_741_824_000, 1_073_741_824),
            ("128Mi", 134_217_728_000, 134_217_728),
            ("1k", 1_000_000, 1000),
            ("1e3", 1_000_000, 1000),
        ];
        for (text, millis, value) in cases {
            let q = Quantity::parse(text).unwrap();
            assert_eq!(q.millis(), *millis, "{text} millis");
            assert_eq!(q.value(), *value, "{text} value");
        }
        assert!(Quantity::parse("lots").is_err());
        assert!(Quantity::parse("1Zi").is_err());
        assert_eq!(Quantity::from_millis(1500).as_str(), "1500m");
        assert_eq!(Quantity::from_bytes(8 << 30).as_str(), "8Gi");
    }

    #[test]
    fn percentages_round_as_asked() {
        let p = IntOrString::Str("25%".into());
        assert_eq!(p.scaled_value(10, true), Ok(3));
        assert_eq!(p.scaled_value(10, false), Ok(2));
        assert_eq!(IntOrString::Int(4).scaled_value(10, true), Ok(4));
        assert!(IntOrString::Str("x".into()).scaled_value(10, true).is_err());
    }
}
