//! Reading JSON into our types.
//!
//! Types the panel reads at startup (event batches, settings, stored keys, verifier replies) are
//! read by hand from a parsed [`Value`] with the helpers below, not with `#[derive(Deserialize)]`:
//! serde's generic deserializers and their error formatting (which prints floats with `core::fmt`)
//! were 20 KB gzipped of the panel's startup wasm. The helpers keep serde's wording where it had
//! one ("missing field `x`") and name the field in every error.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

pub type Obj = Map<String, Value>;

/// `serde_json::from_str`, but through a [`serde_json::Value`]: the text parser is then compiled
/// once (for `Value`) instead of once per target type. For types read off the startup path (scope
/// maps, keys in the verify module). Errors are serde_json's; syntax errors carry line and column.
pub fn parse<T: DeserializeOwned>(text: &str) -> serde_json::Result<T> {
    serde_json::from_str::<serde_json::Value>(text).and_then(serde_json::from_value)
}

/// "a string", "a list", ...: what a value is, for error messages.
pub fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

pub fn invalid(field: &str, v: &Value, expected: &str) -> String {
    format!("invalid type for `{field}`: {}, expected {expected}", kind(v))
}

/// `v` as an object; `what` names it in the error ("an event object").
pub fn object<'a>(v: &'a Value, what: &str) -> Result<&'a Obj, String> {
    v.as_object().ok_or_else(|| format!("invalid type: {}, expected {what}", kind(v)))
}

pub fn required<'a>(o: &'a Obj, field: &str) -> Result<&'a Value, String> {
    o.get(field).ok_or_else(|| format!("missing field `{field}`"))
}

pub fn u64_in(v: &Value, field: &str) -> Result<u64, String> {
    v.as_u64().ok_or_else(|| invalid(field, v, "a whole number from 0"))
}

pub fn bool_in(v: &Value, field: &str) -> Result<bool, String> {
    v.as_bool().ok_or_else(|| invalid(field, v, "a boolean"))
}

pub fn string_in(v: &Value, field: &str) -> Result<String, String> {
    v.as_str().map(str::to_owned).ok_or_else(|| invalid(field, v, "a string"))
}

/// A list of strings.
pub fn strings_in(v: &Value, field: &str) -> Result<Vec<String>, String> {
    let items = v.as_array().ok_or_else(|| invalid(field, v, "a list of strings"))?;
    items.iter().map(|s| string_in(s, field)).collect()
}

/// Absent or null is `None`.
pub fn opt_string_in(v: Option<&Value>, field: &str) -> Result<Option<String>, String> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(v) => string_in(v, field).map(Some),
    }
}

pub fn u64_of(o: &Obj, field: &str) -> Result<u64, String> {
    u64_in(required(o, field)?, field)
}

pub fn bool_of(o: &Obj, field: &str) -> Result<bool, String> {
    bool_in(required(o, field)?, field)
}

pub fn string_of(o: &Obj, field: &str) -> Result<String, String> {
    string_in(required(o, field)?, field)
}

pub fn opt_string_of(o: &Obj, field: &str) -> Result<Option<String>, String> {
    opt_string_in(o.get(field), field)
}

/// A list, its items left to the caller.
pub fn array_of<'a>(o: &'a Obj, field: &str) -> Result<&'a Vec<Value>, String> {
    let v = required(o, field)?;
    v.as_array().ok_or_else(|| invalid(field, v, "a list"))
}

pub fn named_of<T: DeserializeOwned>(o: &Obj, field: &str) -> Result<T, String> {
    named_in(required(o, field)?, field)
}

/// A small enum by its serde name: the enums keep their wire names in their serde attributes, one
/// place for each name. Deserialized from the string alone, so serde's error path for other kinds
/// of values (which prints floats) is never compiled in.
pub fn named_in<T: DeserializeOwned>(v: &Value, field: &str) -> Result<T, String> {
    let name = v.as_str().ok_or_else(|| invalid(field, v, "a string"))?;
    T::deserialize(serde::de::value::StrDeserializer::<serde::de::value::Error>::new(name)).map_err(|e| format!("`{field}`: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_and_reports_like_serde_json() {
        let v: Vec<u16> = parse("[1, 4001]").unwrap();
        assert_eq!(v, [1, 4001]);
        let err = parse::<Vec<u16>>("[1,").unwrap_err().to_string();
        assert!(err.contains("line 1 column 3"), "{err}");
        let err = parse::<Vec<u16>>("[70000]").unwrap_err().to_string();
        assert!(err.contains("70000"), "{err}");
    }

    #[test]
    fn readers_name_the_field_and_what_was_expected() {
        let v = json!({"n": -1, "s": 5, "l": ["a", 2], "o": null});
        let o = object(&v, "an object").unwrap();
        assert_eq!(u64_of(o, "n").unwrap_err(), "invalid type for `n`: a number, expected a whole number from 0");
        assert_eq!(string_of(o, "s").unwrap_err(), "invalid type for `s`: a number, expected a string");
        assert_eq!(strings_in(&o["l"], "l").unwrap_err(), "invalid type for `l`: a number, expected a string");
        assert_eq!(bool_of(o, "missing").unwrap_err(), "missing field `missing`");
        assert_eq!(opt_string_of(o, "o"), Ok(None));
        assert_eq!(object(&json!([1]), "a batch").unwrap_err(), "invalid type: a list, expected a batch");
        use crate::schema::ReadyState;
        assert_eq!(named_in::<ReadyState>(&json!("CLOSING"), "state"), Ok(ReadyState::Closing));
        assert_eq!(named_in::<ReadyState>(&json!(3), "state").unwrap_err(), "invalid type for `state`: a number, expected a string");
        let e = named_in::<ReadyState>(&json!("closing"), "state").unwrap_err();
        assert!(e.starts_with("`state`: unknown variant `closing`, expected one of `CONNECTING`"), "{e}");
    }
}
