//! Reading a tool call's JSON arguments leniently: small models send numbers as strings and
//! whole argument objects as JSON text.

use serde_json::Value;

use super::ToolError;

/// The arguments object of one call.
pub(crate) struct Args {
    object: serde_json::Map<String, Value>,
}

impl Args {
    /// The arguments of a call: an object, or a string holding one. `null` counts as `{}`.
    pub(crate) fn parse(arguments: &Value) -> Result<Self, ToolError> {
        let value = match arguments {
            Value::String(text) => serde_json::from_str(text).map_err(|error| {
                ToolError::invalid(format!("arguments are not a JSON object: {error}"))
            })?,
            other => other.clone(),
        };
        match value {
            Value::Object(object) => Ok(Self { object }),
            Value::Null => Ok(Self {
                object: serde_json::Map::new(),
            }),
            _ => Err(ToolError::invalid("arguments must be a JSON object")),
        }
    }

    /// A required string argument.
    pub(crate) fn string(&self, name: &str) -> Result<&str, ToolError> {
        self.optional_string(name)?
            .ok_or_else(|| ToolError::invalid(format!("missing string argument `{name}`")))
    }

    /// An optional string argument; `null` counts as absent.
    pub(crate) fn optional_string(&self, name: &str) -> Result<Option<&str>, ToolError> {
        match self.object.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(text)) => Ok(Some(text)),
            Some(_) => Err(ToolError::invalid(format!("`{name}` must be a string"))),
        }
    }

    /// An optional positive integer argument, given as a number or a string of digits.
    pub(crate) fn optional_count(&self, name: &str) -> Result<Option<usize>, ToolError> {
        let not_count = || ToolError::invalid(format!("`{name}` must be a positive integer"));
        let number = match self.object.get(name) {
            None | Some(Value::Null) => return Ok(None),
            Some(Value::Number(number)) => number
                .as_u64()
                .or_else(|| {
                    number
                        .as_f64()
                        .filter(|float| float.fract() == 0.0 && *float >= 0.0)
                        .map(|float| float as u64)
                })
                .ok_or_else(not_count)?,
            Some(Value::String(text)) if text.trim().is_empty() => return Ok(None),
            Some(Value::String(text)) => text.trim().parse::<u64>().map_err(|_| not_count())?,
            Some(_) => return Err(not_count()),
        };
        let number = usize::try_from(number).map_err(|_| not_count())?;
        if number == 0 {
            return Err(not_count());
        }
        Ok(Some(number))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_may_come_as_strings_and_objects_as_text() {
        let args = Args::parse(&json!("{\"path\": \"a.rs\", \"start\": \"12\"}")).unwrap();
        assert_eq!(args.string("path").unwrap(), "a.rs");
        assert_eq!(args.optional_count("start").unwrap(), Some(12));
        assert_eq!(args.optional_count("end").unwrap(), None);
    }

    #[test]
    fn wrong_types_and_zero_are_refused_with_the_name() {
        let args = Args::parse(&json!({"path": 3, "start": 0, "end": -2})).unwrap();
        assert!(
            args.string("path")
                .unwrap_err()
                .message()
                .contains("`path`")
        );
        assert!(
            args.string("old")
                .unwrap_err()
                .message()
                .contains("missing")
        );
        assert!(args.optional_count("start").is_err());
        assert!(args.optional_count("end").is_err());
        assert!(Args::parse(&json!([1, 2])).is_err());
    }
}
