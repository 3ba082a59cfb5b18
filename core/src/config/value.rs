//! A configuration value, where it came from, and how text or TOML becomes one for a given key.

use std::fmt;
use std::path::PathBuf;

use crate::error::{Error, Result};

use super::keys::{KeySpec, ValueKind};

/// A checked configuration value.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(untagged)]
pub enum Value {
    String(String),
    Integer(i64),
    Decimal(Decimal),
    Bool(bool),
}

/// A non-negative decimal number kept exactly in millionths (`0.15` is 150,000): money and prices
/// without floating-point drift, comparable and hashable.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Decimal {
    pub micros: u64,
}

impl Decimal {
    /// Millionths in one unit.
    pub const SCALE: u64 = 1_000_000;

    pub const ZERO: Decimal = Decimal { micros: 0 };

    pub fn from_micros(micros: u64) -> Self {
        Decimal { micros }
    }

    /// Whether it is zero.
    pub fn is_zero(self) -> bool {
        self.micros == 0
    }

    /// As a float, for display and JSON.
    pub fn as_f64(self) -> f64 {
        self.micros as f64 / Self::SCALE as f64
    }

    /// Reads `12`, `0.15`, `.5`: digits with at most six decimals, no sign, no exponent.
    pub fn parse(text: &str) -> Option<Decimal> {
        let text = text.trim();
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        if whole.is_empty() && fraction.is_empty()
            || fraction.len() > 6
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || !fraction.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let whole: u64 = if whole.is_empty() {
            0
        } else {
            whole.parse().ok()?
        };
        let fraction: u64 = if fraction.is_empty() {
            0
        } else {
            format!("{fraction:0<6}").parse().ok()?
        };
        whole
            .checked_mul(Self::SCALE)?
            .checked_add(fraction)
            .map(Decimal::from_micros)
    }

    /// A TOML float, rounded to six decimals; `None` for a negative or non-finite one.
    pub fn from_f64(value: f64) -> Option<Decimal> {
        if !value.is_finite() || value < 0.0 || value > (u64::MAX / Self::SCALE) as f64 {
            return None;
        }
        Some(Decimal::from_micros(
            (value * Self::SCALE as f64).round() as u64
        ))
    }
}

/// `0.15`, `20`, `0.000001`: no trailing zeros.
impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.micros / Self::SCALE;
        let fraction = self.micros % Self::SCALE;
        if fraction == 0 {
            return write!(f, "{whole}");
        }
        let digits = format!("{fraction:06}");
        write!(f, "{whole}.{}", digits.trim_end_matches('0'))
    }
}

impl serde::Serialize for Decimal {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_f64(self.as_f64())
    }
}

impl Value {
    /// The value as TOML source text: strings quoted and escaped.
    pub fn to_toml(&self) -> String {
        match self {
            Value::String(s) => toml::Value::String(s.clone()).to_string(),
            Value::Integer(i) => i.to_string(),
            Value::Decimal(d) => decimal_toml(*d),
            Value::Bool(b) => b.to_string(),
        }
    }

    /// The string inside, for string kinds.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The integer inside, for integer kinds.
    pub fn as_integer(&self) -> Option<i64> {
        match self {
            Value::Integer(i) => Some(*i),
            _ => None,
        }
    }

    /// The decimal inside, for decimal kinds.
    pub fn as_decimal(&self) -> Option<Decimal> {
        match self {
            Value::Decimal(d) => Some(*d),
            _ => None,
        }
    }

    /// The boolean inside, for boolean kinds.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub(crate) fn to_toml_edit(&self) -> toml_edit::Value {
        match self {
            Value::String(s) => toml_edit::Value::from(s.as_str()),
            Value::Integer(i) => toml_edit::Value::from(*i),
            Value::Decimal(d) => toml_edit::Value::from(d.as_f64()),
            Value::Bool(b) => toml_edit::Value::from(*b),
        }
    }
}

/// Plain text for people: strings unquoted.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::String(s) => f.write_str(s),
            Value::Integer(i) => write!(f, "{i}"),
            Value::Decimal(d) => write!(f, "{d}"),
            Value::Bool(b) => write!(f, "{b}"),
        }
    }
}

/// Which layer a resolved value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// No layer set it.
    Default,
    /// The user's `config.toml`.
    UserFile(PathBuf),
    /// The repository's `.agent/config.toml`.
    RepoFile(PathBuf),
    /// An environment variable, by name.
    Env(String),
    /// A command-line flag (`-c key=value` or a typed flag).
    Flag,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Default => f.write_str("default"),
            Origin::UserFile(path) => write!(f, "user file {}", path.display()),
            Origin::RepoFile(path) => write!(f, "repo file {}", path.display()),
            Origin::Env(name) => write!(f, "env {name}"),
            Origin::Flag => f.write_str("flag -c"),
        }
    }
}

impl serde::Serialize for Origin {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Parses `text` (from the environment, a flag or `agent config set`) as a value of `spec`'s kind.
/// `origin` names where the text came from in the error.
pub fn parse_text(spec: &KeySpec, text: &str, origin: &str) -> Result<Value> {
    let invalid = |message: String| Error::ConfigValue {
        key: spec.key.to_string(),
        origin: origin.to_string(),
        message,
    };
    match spec.kind {
        ValueKind::String | ValueKind::OptionalString => Ok(Value::String(text.to_string())),
        ValueKind::Url | ValueKind::OptionalUrl => {
            check_url(spec.kind, text).map_err(invalid)?;
            Ok(Value::String(text.to_string()))
        }
        ValueKind::Integer { .. } => {
            let trimmed = text.trim();
            let number = trimmed.parse::<i64>().map_err(|_| {
                invalid(format!(
                    "`{trimmed}` is not an integer; expected {}",
                    spec.kind
                ))
            })?;
            check_range(spec.kind, number).map_err(invalid)?;
            Ok(Value::Integer(number))
        }
        ValueKind::Decimal { .. } => {
            let trimmed = text.trim();
            let number = Decimal::parse(trimmed).ok_or_else(|| {
                invalid(format!(
                    "`{trimmed}` is not a decimal number; expected {} (at most six decimals)",
                    spec.kind
                ))
            })?;
            check_decimal(spec.kind, number).map_err(invalid)?;
            Ok(Value::Decimal(number))
        }
        ValueKind::Bool => match text.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => Ok(Value::Bool(true)),
            "false" | "0" | "no" | "off" => Ok(Value::Bool(false)),
            other => Err(invalid(format!(
                "`{other}` is not a boolean; expected true or false (or 1/0, yes/no, on/off)"
            ))),
        },
        ValueKind::Enum(_) => {
            let trimmed = text.trim();
            check_enum(spec.kind, trimmed).map_err(invalid)?;
            Ok(Value::String(trimmed.to_string()))
        }
        ValueKind::EnumList(_) | ValueKind::List => {
            let items: Vec<&str> = text.split(',').map(str::trim).collect();
            Ok(Value::String(
                check_enum_list(spec.kind, &items).map_err(invalid)?,
            ))
        }
    }
}

/// Checks a value found in a TOML file against `spec`'s kind. `origin` is the file's path.
pub fn from_toml(spec: &KeySpec, value: &toml::Value, origin: &str) -> Result<Value> {
    let invalid = |message: String| Error::ConfigValue {
        key: spec.key.to_string(),
        origin: origin.to_string(),
        message,
    };
    let mismatch = || {
        invalid(format!(
            "expected {}, found {}",
            spec.kind,
            describe_toml(value)
        ))
    };
    match (spec.kind, value) {
        (ValueKind::String | ValueKind::OptionalString, toml::Value::String(s)) => {
            Ok(Value::String(s.clone()))
        }
        (ValueKind::Url | ValueKind::OptionalUrl, toml::Value::String(s)) => {
            check_url(spec.kind, s).map_err(invalid)?;
            Ok(Value::String(s.clone()))
        }
        (ValueKind::Integer { .. }, toml::Value::Integer(i)) => {
            check_range(spec.kind, *i).map_err(invalid)?;
            Ok(Value::Integer(*i))
        }
        (ValueKind::Decimal { .. }, toml::Value::Float(x)) => {
            let number = Decimal::from_f64(*x).ok_or_else(mismatch)?;
            check_decimal(spec.kind, number).map_err(invalid)?;
            Ok(Value::Decimal(number))
        }
        (ValueKind::Decimal { .. }, toml::Value::Integer(i)) => {
            let number = u64::try_from(*i)
                .ok()
                .and_then(|i| i.checked_mul(Decimal::SCALE))
                .map(Decimal::from_micros)
                .ok_or_else(mismatch)?;
            check_decimal(spec.kind, number).map_err(invalid)?;
            Ok(Value::Decimal(number))
        }
        (ValueKind::Bool, toml::Value::Boolean(b)) => Ok(Value::Bool(*b)),
        (ValueKind::Enum(_), toml::Value::String(s)) => {
            check_enum(spec.kind, s).map_err(invalid)?;
            Ok(Value::String(s.clone()))
        }
        (ValueKind::EnumList(_) | ValueKind::List, toml::Value::String(s)) => {
            let items: Vec<&str> = s.split(',').map(str::trim).collect();
            Ok(Value::String(
                check_enum_list(spec.kind, &items).map_err(invalid)?,
            ))
        }
        (ValueKind::EnumList(_) | ValueKind::List, toml::Value::Array(array)) => {
            let items = array
                .iter()
                .map(|item| item.as_str().map(str::trim).ok_or_else(mismatch))
                .collect::<Result<Vec<&str>>>()?;
            Ok(Value::String(
                check_enum_list(spec.kind, &items).map_err(invalid)?,
            ))
        }
        _ => Err(mismatch()),
    }
}

/// Parses a key's default text; the key table's tests prove this succeeds for every key.
pub(crate) fn default_value(spec: &KeySpec) -> Option<Value> {
    if spec.kind.is_optional() && spec.default.is_empty() {
        return None;
    }
    parse_text(spec, spec.default, "the default").ok()
}

/// `None` for an empty optional string, so "unset" has one representation.
pub(crate) fn normalize(spec: &KeySpec, value: Value) -> Option<Value> {
    match &value {
        Value::String(s) if s.is_empty() && spec.kind.is_optional() => None,
        _ => Some(value),
    }
}

fn check_url(kind: ValueKind, text: &str) -> std::result::Result<(), String> {
    if text.is_empty() && kind.is_optional() {
        return Ok(());
    }
    let rest = text
        .strip_prefix("http://")
        .or_else(|| text.strip_prefix("https://"));
    match rest {
        Some(host) if !host.is_empty() && !host.contains(char::is_whitespace) => Ok(()),
        _ => Err(format!("`{text}` is not a URL; expected {kind}")),
    }
}

fn check_range(kind: ValueKind, number: i64) -> std::result::Result<(), String> {
    match kind {
        ValueKind::Integer { min, max } if !(min..=max).contains(&number) => {
            Err(format!("{number} is out of range; expected {kind}"))
        }
        _ => Ok(()),
    }
}

fn check_decimal(kind: ValueKind, number: Decimal) -> std::result::Result<(), String> {
    match kind {
        ValueKind::Decimal { max } if number.micros > max.saturating_mul(Decimal::SCALE) => {
            Err(format!("{number} is out of range; expected {kind}"))
        }
        _ => Ok(()),
    }
}

/// A decimal as TOML source: always a float (`20.0`, `0.15`), so the file reads it back as one.
fn decimal_toml(number: Decimal) -> String {
    let text = number.to_string();
    if text.contains('.') {
        text
    } else {
        format!("{text}.0")
    }
}

fn check_enum(kind: ValueKind, text: &str) -> std::result::Result<(), String> {
    match kind {
        ValueKind::Enum(allowed) if !allowed.contains(&text) => {
            Err(format!("`{text}` is not allowed; expected {kind}"))
        }
        _ => Ok(()),
    }
}

/// The words of a list value, each checked (against the allowed words of an enum list), joined
/// with `,` (empty items dropped, each word once): the one text form of the value.
fn check_enum_list(kind: ValueKind, items: &[&str]) -> std::result::Result<String, String> {
    let allowed = match kind {
        ValueKind::EnumList(allowed) => Some(allowed),
        ValueKind::List => None,
        _ => return Ok(items.join(",")),
    };
    let mut words: Vec<&str> = Vec::new();
    for item in items.iter().copied().filter(|item| !item.is_empty()) {
        if allowed.is_some_and(|allowed| !allowed.contains(&item)) {
            return Err(format!("`{item}` is not allowed; expected {kind}"));
        }
        if !words.contains(&item) {
            words.push(item);
        }
    }
    Ok(words.join(","))
}

fn describe_toml(value: &toml::Value) -> &'static str {
    match value {
        toml::Value::String(_) => "a string",
        toml::Value::Integer(_) => "an integer",
        toml::Value::Float(_) => "a float",
        toml::Value::Boolean(_) => "a boolean",
        toml::Value::Datetime(_) => "a date-time",
        toml::Value::Array(_) => "an array",
        toml::Value::Table(_) => "a table",
    }
}
