//! The line and column of a JSON pointer's target in YAML text: the file is read again by the
//! same parser, skipping everything off the pointer's path, until the parser stands on the
//! target and reports where. Only problems are located, so a valid file pays nothing.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::yaml::Position;

/// The sentinel error raised on the target; its position is the answer.
const FOUND: &str = "\u{0}scimspec: found";

/// What to point at: the value under the pointer, or the key naming it in its mapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Value,
    Key,
}

/// Where `pointer` (RFC 6901) leads in `text`; `None` when the text does not have it.
pub fn locate(text: &str, pointer: &str, part: Part) -> Option<Position> {
    let path: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect();
    if part == Part::Key && path.is_empty() {
        return None;
    }
    let seed = Find { path: &path, part };
    match seed.deserialize(serde_yaml_ng::Deserializer::from_str(text)) {
        Err(e) if e.to_string().contains(FOUND) => Position::of(&e),
        _ => None,
    }
}

/// Follows the rest of the path from the value about to be read.
struct Find<'a> {
    path: &'a [String],
    part: Part,
}

impl<'de> DeserializeSeed<'de> for Find<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl Find<'_> {
    /// Here when the path is used up (pointing at the value), else `Ok`: not on this path.
    fn here<E: de::Error>(&self) -> Result<(), E> {
        if self.path.is_empty() {
            Err(E::custom(FOUND))
        } else {
            Ok(())
        }
    }
}

impl<'de> Visitor<'de> for Find<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.here()
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.here()
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.here()
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.here()
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        self.here()
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.here()
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.here()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        self.deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.here()?;
        let Ok(index) = self.path[0].parse::<usize>() else {
            return Ok(());
        };
        for _ in 0..index {
            if seq.next_element::<IgnoredAny>()?.is_none() {
                return Ok(());
            }
        }
        seq.next_element_seed(Find {
            path: &self.path[1..],
            part: self.part,
        })?;
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.here()?;
        let wanted = &self.path[0];
        let key_wanted = self.part == Part::Key && self.path.len() == 1;
        while let Some(key) = map.next_key_seed(Key {
            wanted,
            fail: key_wanted,
        })? {
            if key == *wanted {
                return map.next_value_seed(Find {
                    path: &self.path[1..],
                    part: self.part,
                });
            }
            map.next_value::<IgnoredAny>()?;
        }
        Ok(())
    }
}

/// A mapping key, raising [`FOUND`] on the wanted one when the key itself is the target.
struct Key<'a> {
    wanted: &'a str,
    fail: bool,
}

impl<'de> DeserializeSeed<'de> for Key<'_> {
    type Value = String;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_string(self)
    }
}

impl<'de> Visitor<'de> for Key<'_> {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<String, E> {
        if self.fail && key == self.wanted {
            Err(E::custom(FOUND))
        } else {
            Ok(key.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "\
spec: x
cases:
  - id: a
    steps:
      - request: { method: GET, path: /Users }
        expect:
          status: 9001
          body:
            /a~b/c: { equals: 1 }
";

    fn at(line: usize, column: usize) -> Option<Position> {
        Some(Position { line, column })
    }

    #[test]
    fn finds_values_and_keys() {
        assert_eq!(
            locate(TEXT, "/cases/0/steps/0/expect/status", Part::Value),
            at(7, 19)
        );
        assert_eq!(
            locate(TEXT, "/cases/0/steps/0/expect/status", Part::Key),
            at(7, 11)
        );
        assert_eq!(
            locate(TEXT, "/cases/0/steps/0/request/path", Part::Value),
            at(5, 39)
        );
        assert_eq!(
            locate(
                TEXT,
                "/cases/0/steps/0/expect/body/~1a~0b~1c/equals",
                Part::Value
            ),
            at(9, 31)
        );
        assert_eq!(locate(TEXT, "/cases/0/id", Part::Value), at(3, 9));
    }

    #[test]
    fn a_missing_path_has_no_position() {
        assert_eq!(locate(TEXT, "/cases/1/id", Part::Value), None);
        assert_eq!(locate(TEXT, "/nothing", Part::Key), None);
        assert_eq!(locate("a: [", "/b", Part::Value), None);
    }
}
