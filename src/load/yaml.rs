//! Case-file YAML → JSON value, refusing duplicate mapping keys (YAML 1.2 §3.2.1.1: the keys of
//! a mapping are unique; deserialised into JSON the last would silently win). A problem comes
//! with the line and column of the offending text, as `serde_yaml_ng` reports it.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Number, Value};

/// A line and column in a file, both 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl Position {
    pub(super) fn of(error: &serde_yaml_ng::Error) -> Option<Self> {
        error.location().map(|l| Position {
            line: l.line(),
            column: l.column(),
        })
    }
}

/// Text that is not YAML, or a mapping with a key twice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub at: Option<Position>,
    pub message: String,
}

impl From<serde_yaml_ng::Error> for YamlError {
    fn from(error: serde_yaml_ng::Error) -> Self {
        let at = Position::of(&error);
        let mut message = error.to_string();
        // The position is reported apart; drop serde_yaml_ng's " at line N column M".
        if let Some(p) = at {
            let suffix = format!(" at line {} column {}", p.line, p.column);
            if message.ends_with(&suffix) {
                message.truncate(message.len() - suffix.len());
            }
        }
        YamlError { at, message }
    }
}

/// Parses one YAML document into a JSON value; a duplicate key is an error at that key.
pub fn parse(text: &str) -> Result<Value, YamlError> {
    Ok(serde_yaml_ng::from_str::<Unique>(text)?.0)
}

/// A JSON value whose mappings had no duplicate key.
struct Unique(Value);

impl<'de> Deserialize<'de> for Unique {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(UniqueVisitor).map(Unique)
    }
}

struct UniqueVisitor;

impl<'de> Visitor<'de> for UniqueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        Unique::deserialize(deserializer).map(|u| u.0)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Unique(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        while let Some(key) = access.next_key_seed(NewKey { seen: &map })? {
            let Unique(value) = access.next_value()?;
            map.insert(key, value);
        }
        Ok(Value::Object(map))
    }
}

/// A mapping key that must not be among `seen`. The error is raised while the key itself is
/// read, so the parser reports the key's own line and column.
struct NewKey<'a> {
    seen: &'a Map<String, Value>,
}

impl<'de> DeserializeSeed<'de> for NewKey<'_> {
    type Value = String;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_string(self)
    }
}

impl<'de> Visitor<'de> for NewKey<'_> {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<String, E> {
        if self.seen.contains_key(key) {
            Err(E::custom(format!(
                "duplicate key '{key}' (each key may appear once in a mapping)"
            )))
        } else {
            Ok(key.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_like_json() {
        let value = parse("a: 1\nb: [x, 2.5, true, null]\nc: { d: ~ }\n").unwrap();
        assert_eq!(
            value,
            json!({"a": 1, "b": ["x", 2.5, true, null], "c": {"d": null}})
        );
    }

    #[test]
    fn refuses_a_duplicate_key_at_its_line_and_column() {
        let err = parse("cases:\n  - id: a\n    level: MUST\n    level: SHOULD\n").unwrap_err();
        assert_eq!(err.at, Some(Position { line: 4, column: 5 }), "{err:?}");
        assert_eq!(
            err.message,
            "cases[0]: duplicate key 'level' (each key may appear once in a mapping)"
        );
        let err = parse("x: { a: 1, b: 2, a: 3 }\n").unwrap_err();
        assert_eq!(
            err.at,
            Some(Position {
                line: 1,
                column: 18
            }),
            "{err:?}"
        );
    }

    #[test]
    fn the_same_key_in_different_mappings_is_fine() {
        assert!(parse("- { id: a }\n- { id: b }\n").is_ok());
    }

    #[test]
    fn syntax_errors_have_a_position() {
        let err = parse("a: [unclosed\n").unwrap_err();
        assert!(err.at.is_some(), "{err:?}");
    }
}
