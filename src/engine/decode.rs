//! Decoding a JSON value into the typed structs in one pass, with the field path of a
//! type error and the paths of the fields the structs ignore (unknown fields).
//!
//! This reads a `&serde_json::Value` exactly as serde_json's own deserializer for it
//! does (same visitor calls, same error wording), and adds what the API server reports:
//! where a type error is, as serde_path_to_error would say, and which fields were
//! ignored, as serde_ignored would. Doing both in the one deserializer, rather than
//! stacking those two wrappers on serde_json's, matters for the page's size: every
//! struct's `Deserialize` is compiled once per deserializer type, and each wrapper also
//! copies every visitor: the stack cost 180 KiB of the 2.2 MiB WebAssembly binary.
//!
//! A type error's path is the deepest value whose decoding failed: a wrong `replicas`
//! says `spec.replicas`, a missing field says the struct that lacks it, and a value
//! decoded through serde's buffering (untagged enums, flattened structs) says where that
//! value is. An ignored field is one a struct skipped with `IgnoredAny`.

use super::locate::Segment;
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, EnumAccess, Expected, MapAccess, SeqAccess,
    Unexpected, VariantAccess, Visitor,
};
use serde_json::{Map, Number, Value};
use std::cell::RefCell;
use std::fmt;

/// A decoding error: serde's message and the field path where it happened.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodeError {
    /// The message, worded as serde_json words it.
    pub message: String,
    /// Segments from the innermost outwards while the error travels up; from the root
    /// once [`decode`] returns it.
    pub path: Vec<Segment>,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl DecodeError {
    /// The message with the field path in front when there is one:
    /// `actions[2].line: invalid type: integer `3`, expected a string`.
    pub fn with_path(&self) -> String {
        if self.path.is_empty() {
            self.message.clone()
        } else {
            format!(
                "{}: {}",
                super::locate::format_path(&self.path),
                self.message
            )
        }
    }
}

impl std::error::Error for DecodeError {}

impl de::Error for DecodeError {
    #[cold]
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DecodeError {
            message: msg.to_string(),
            path: Vec::new(),
        }
    }

    #[cold]
    fn invalid_type(unexp: Unexpected, exp: &dyn Expected) -> Self {
        Self::custom(format_args!(
            "invalid type: {}, expected {exp}",
            JsonUnexpected(unexp)
        ))
    }

    #[cold]
    fn invalid_value(unexp: Unexpected, exp: &dyn Expected) -> Self {
        Self::custom(format_args!(
            "invalid value: {}, expected {exp}",
            JsonUnexpected(unexp)
        ))
    }
}

/// serde_json's wording of an unexpected value: `null`, and floats as JSON writes them.
struct JsonUnexpected<'a>(Unexpected<'a>);

impl fmt::Display for JsonUnexpected<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Unexpected::Unit => f.write_str("null"),
            Unexpected::Float(value) => match Number::from_f64(value) {
                Some(n) => write!(f, "floating point `{n}`"),
                None => fmt::Display::fmt(&self.0, f),
            },
            unexp => fmt::Display::fmt(&unexp, f),
        }
    }
}

/// Decodes `value` as `T`. Fields a struct ignored are appended to `ignored`, with
/// their paths, whether or not decoding succeeds.
pub fn decode<T: DeserializeOwned>(
    value: &Value,
    ignored: &mut Vec<Vec<Segment>>,
) -> Result<T, DecodeError> {
    let record = RefCell::new(std::mem::take(ignored));
    let result = T::deserialize(Tracked {
        value,
        path: Path::Root,
        ignored: &record,
    });
    *ignored = record.into_inner();
    result.map_err(|mut e| {
        e.path.reverse();
        e
    })
}

/// Reads JSON text as `T`: a syntax error as serde_json words it (`expected value at
/// line 1 column 2`, with no path), a type error with the field path where it is.
/// Reading the text into a [`Value`] first and decoding that, rather than calling
/// `serde_json::from_str::<T>`, keeps every type's `Deserialize` compiled once, for
/// this module's deserializer, whatever the page reads (sessions, share links,
/// lesson progress).
pub fn from_json<T: DeserializeOwned>(text: &str) -> Result<T, DecodeError> {
    let value: Value = serde_json::from_str(text).map_err(|e| DecodeError {
        message: e.to_string(),
        path: Vec::new(),
    })?;
    decode(&value, &mut Vec::new())
}

/// Decodes `value` as `T`, as `serde_json::from_value` would, without tracking.
/// Sharing [`decode`]'s deserializer keeps a second copy of every struct's
/// `Deserialize` out of the binary.
pub fn from_value<T: DeserializeOwned>(value: &Value) -> Result<T, DecodeError> {
    decode(value, &mut Vec::new())
}

/// Where the value being decoded sits, as a chain of parents on the stack.
#[derive(Clone, Copy)]
enum Path<'p> {
    Root,
    Key(&'p Path<'p>, &'p str),
    Index(&'p Path<'p>, usize),
}

impl Path<'_> {
    fn segments(&self) -> Vec<Segment> {
        let mut out = Vec::new();
        let mut at = self;
        loop {
            at = match at {
                Path::Root => break,
                Path::Key(parent, key) => {
                    out.push(Segment::Key(key.to_string()));
                    parent
                }
                Path::Index(parent, index) => {
                    out.push(Segment::Index(*index));
                    parent
                }
            };
        }
        out.reverse();
        out
    }
}

/// Adds the segment a failed value sits at to the error on its way up.
fn at(segment: Segment) -> impl FnOnce(DecodeError) -> DecodeError {
    move |mut e| {
        e.path.push(segment);
        e
    }
}

#[cold]
fn invalid_type(value: &Value, exp: &dyn Expected) -> DecodeError {
    de::Error::invalid_type(unexpected(value), exp)
}

fn unexpected(value: &Value) -> Unexpected<'_> {
    match value {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => Unexpected::Unsigned(u),
            (None, Some(i)) => Unexpected::Signed(i),
            _ => Unexpected::Float(n.as_f64().unwrap_or_default()),
        },
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

fn visit_number<'de, V: Visitor<'de>>(n: &Number, visitor: V) -> Result<V::Value, DecodeError> {
    match (n.as_u64(), n.as_i64()) {
        (Some(u), _) => visitor.visit_u64(u),
        (None, Some(i)) => visitor.visit_i64(i),
        _ => visitor.visit_f64(n.as_f64().unwrap_or_default()),
    }
}

/// The deserializer for one value.
struct Tracked<'de, 'p> {
    value: &'de Value,
    path: Path<'p>,
    ignored: &'p RefCell<Vec<Vec<Segment>>>,
}

impl<'de, 'p> Tracked<'de, 'p> {
    fn visit_array<V: Visitor<'de>>(
        self,
        items: &'de [Value],
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        let mut seq = Items {
            items: items.iter(),
            index: 0,
            path: self.path,
            ignored: self.ignored,
        };
        let out = visitor.visit_seq(&mut seq)?;
        match seq.items.len() {
            0 => Ok(out),
            _ => Err(de::Error::invalid_length(
                items.len(),
                &"fewer elements in array",
            )),
        }
    }

    fn visit_object<V: Visitor<'de>>(
        self,
        map: &'de Map<String, Value>,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        let mut entries = Entries {
            entries: map.iter(),
            value: None,
            path: self.path,
            ignored: self.ignored,
        };
        let out = visitor.visit_map(&mut entries)?;
        match entries.entries.len() {
            0 => Ok(out),
            _ => Err(de::Error::invalid_length(
                map.len(),
                &"fewer elements in map",
            )),
        }
    }
}

impl<'de> de::Deserializer<'de> for Tracked<'de, '_> {
    type Error = DecodeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match self.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => visit_number(n, visitor),
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Array(items) => self.visit_array(items, visitor),
            Value::Object(map) => self.visit_object(map, visitor),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match self.value {
            Value::Bool(b) => visitor.visit_bool(*b),
            other => Err(invalid_type(other, &visitor)),
        }
    }

    fn deserialize_i8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_i16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_i32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_u8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_u16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_f64(visitor)
    }

    /// Every number type: serde_json hands the number over as it is stored and lets the
    /// visitor convert or refuse it.
    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match self.value {
            Value::Number(n) => visit_number(n, visitor),
            other => Err(invalid_type(other, &visitor)),
        }
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match self.value {
            Value::String(s) => visitor.visit_borrowed_str(s),
            other => Err(invalid_type(other, &visitor)),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match self.value {
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Array(items) => self.visit_array(items, visitor),
            other => Err(invalid_type(other, &visitor)),
        }
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match self.value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match self.value {
            Value::Null => visitor.visit_unit(),
            other => Err(invalid_type(other, &visitor)),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match self.value {
            Value::Array(items) => self.visit_array(items, visitor),
            other => Err(invalid_type(other, &visitor)),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match self.value {
            Value::Object(map) => self.visit_object(map, visitor),
            other => Err(invalid_type(other, &visitor)),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        match self.value {
            Value::Array(items) => self.visit_array(items, visitor),
            Value::Object(map) => self.visit_object(map, visitor),
            other => Err(invalid_type(other, &visitor)),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        let (variant, value) = match self.value {
            Value::String(variant) => (variant, None),
            Value::Object(map) if map.len() == 1 => match map.iter().next() {
                Some((variant, value)) => (variant, Some(value)),
                None => unreachable!("a map of one entry has an entry"),
            },
            Value::Object(_) => {
                return Err(de::Error::invalid_value(
                    Unexpected::Map,
                    &"map with a single key",
                ))
            }
            other => return Err(invalid_type(other, &"string or map")),
        };
        visitor.visit_enum(Variant {
            variant,
            value,
            path: self.path,
            ignored: self.ignored,
        })
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_str(visitor)
    }

    /// A field the struct does not know: this is where serde_ignored records it.
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.ignored.borrow_mut().push(self.path.segments());
        visitor.visit_unit()
    }

    fn deserialize_i128<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_u128<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_f64(visitor)
    }
}

/// The items of an array.
struct Items<'de, 'p> {
    items: std::slice::Iter<'de, Value>,
    index: usize,
    path: Path<'p>,
    ignored: &'p RefCell<Vec<Vec<Segment>>>,
}

impl<'de> SeqAccess<'de> for Items<'de, '_> {
    type Error = DecodeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DecodeError> {
        let Some(value) = self.items.next() else {
            return Ok(None);
        };
        let index = self.index;
        self.index += 1;
        let item = Tracked {
            value,
            path: Path::Index(&self.path, index),
            ignored: self.ignored,
        };
        seed.deserialize(item)
            .map(Some)
            .map_err(at(Segment::Index(index)))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

/// The entries of an object.
struct Entries<'de, 'p> {
    entries: serde_json::map::Iter<'de>,
    value: Option<(&'de str, &'de Value)>,
    path: Path<'p>,
    ignored: &'p RefCell<Vec<Vec<Segment>>>,
}

impl<'de> MapAccess<'de> for Entries<'de, '_> {
    type Error = DecodeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DecodeError> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some((key, value));
        seed.deserialize(Key(key))
            .map(Some)
            .map_err(at(Segment::Key(key.clone())))
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<T::Value, DecodeError> {
        let Some((key, value)) = self.value.take() else {
            return Err(de::Error::custom("value is missing"));
        };
        let entry = Tracked {
            value,
            path: Path::Key(&self.path, key),
            ignored: self.ignored,
        };
        seed.deserialize(entry)
            .map_err(at(Segment::Key(key.to_string())))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// An object's key. Every key kubeplay decodes is a string (field names, label keys),
/// so unlike serde_json this does not read keys as numbers.
struct Key<'de>(&'de str);

impl<'de> de::Deserializer<'de> for Key<'de> {
    type Error = DecodeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        visitor.visit_borrowed_str(self.0)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        de::value::BorrowedStrDeserializer::<DecodeError>::new(self.0)
            .deserialize_enum(name, variants, visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct identifier
        ignored_any
    }
}

/// An enum written as `Variant` or `{Variant: value}`.
struct Variant<'de, 'p> {
    variant: &'de str,
    value: Option<&'de Value>,
    path: Path<'p>,
    ignored: &'p RefCell<Vec<Vec<Segment>>>,
}

impl<'de, 'p> EnumAccess<'de> for Variant<'de, 'p> {
    type Error = DecodeError;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Self), DecodeError> {
        let variant = de::value::BorrowedStrDeserializer::<DecodeError>::new(self.variant);
        let tag = seed.deserialize(variant)?;
        Ok((tag, self))
    }
}

impl<'de> Variant<'de, '_> {
    /// The variant's content, if it has any, at the path `variant` below the enum.
    fn content<T>(
        self,
        expected: &'static str,
        read: impl FnOnce(Tracked<'de, '_>) -> Result<T, DecodeError>,
    ) -> Result<T, DecodeError> {
        let Some(value) = self.value else {
            return Err(de::Error::invalid_type(Unexpected::UnitVariant, &expected));
        };
        let content = Tracked {
            value,
            path: Path::Key(&self.path, self.variant),
            ignored: self.ignored,
        };
        read(content).map_err(at(Segment::Key(self.variant.to_string())))
    }
}

impl<'de> VariantAccess<'de> for Variant<'de, '_> {
    type Error = DecodeError;

    fn unit_variant(self) -> Result<(), DecodeError> {
        match self.value {
            Some(_) => self.content("unit variant", |c| de::Deserialize::deserialize(c)),
            None => Ok(()),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<T::Value, DecodeError> {
        self.content("newtype variant", |c| seed.deserialize(c))
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.content("tuple variant", |c| match c.value {
            Value::Array(items) if items.is_empty() => visitor.visit_unit(),
            Value::Array(items) => c.visit_array(items, visitor),
            other => Err(invalid_type(other, &"tuple variant")),
        })
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.content("struct variant", |c| match c.value {
            Value::Object(map) => c.visit_object(map, visitor),
            other => Err(invalid_type(other, &"struct variant")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::locate::format_path;
    use serde::Deserialize;
    use serde_json::json;
    use std::collections::BTreeMap;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    #[serde(rename_all = "camelCase")]
    struct Outer {
        #[serde(default)]
        replicas: Option<i32>,
        #[serde(default)]
        items: Vec<Inner>,
        #[serde(default)]
        labels: BTreeMap<String, String>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        name: String,
        #[serde(default)]
        port: u16,
    }

    /// Decodes `value` as `Outer` and renders the outcome as serde_path_to_error and
    /// serde_ignored would have: `path: message` and the ignored paths.
    fn check(value: Value) -> (String, Vec<String>) {
        let mut ignored = Vec::new();
        let error = match decode::<Outer>(&value, &mut ignored) {
            Ok(_) => String::new(),
            Err(e) => format!("{}: {e}", format_path(&e.path)),
        };
        (error, ignored.iter().map(|p| format_path(p)).collect())
    }

    #[test]
    fn errors_and_ignored_fields_have_their_paths() {
        let cases = [
            (
                json!({"replicas": "three"}),
                "replicas: invalid type: string \"three\", expected i32",
                Vec::<&str>::new(),
            ),
            (
                json!({"replicas": 1.5, "extra": {"a": 1}}),
                "replicas: invalid type: floating point `1.5`, expected i32",
                vec!["extra"],
            ),
            (
                json!({"items": [{"name": "a", "colour": 1}, {"port": 80}]}),
                "items[1]: missing field `name`",
                vec!["items[0].colour"],
            ),
            (
                json!({"items": [{"name": "a", "port": 70000}]}),
                "items[0].port: invalid value: integer `70000`, expected u16",
                vec![],
            ),
            (
                json!({"labels": {"app": null}}),
                "labels.app: invalid type: null, expected a string",
                vec![],
            ),
            (
                json!({"items": {}}),
                "items: invalid type: map, expected a sequence",
                vec![],
            ),
            (
                json!("x"),
                ": invalid type: string \"x\", expected struct Outer",
                vec![],
            ),
            (json!({"replicas": 2, "x": [], "items": []}), "", vec!["x"]),
        ];
        for (value, error, ignored) in cases {
            let ignored: Vec<String> = ignored.iter().map(|p| p.to_string()).collect();
            assert_eq!(
                check(value.clone()),
                (error.to_string(), ignored),
                "{value}"
            );
        }
    }

    #[test]
    fn json_text_errors_say_where() {
        let syntax = from_json::<Inner>("{\"name\": ").unwrap_err();
        assert!(syntax.path.is_empty());
        assert_eq!(
            syntax.message,
            "EOF while parsing a value at line 1 column 9"
        );
        let typed = from_json::<Vec<Inner>>(r#"[{"name": "a"}, {"name": 3}]"#).unwrap_err();
        assert_eq!(
            typed.with_path(),
            "[1].name: invalid type: integer `3`, expected a string"
        );
        let ok = from_json::<Vec<Inner>>(r#"[{"name": "a", "port": 8}]"#).unwrap();
        assert_eq!((ok[0].name.as_str(), ok[0].port), ("a", 8));
    }

    /// The messages match serde_json's own for every kind of mismatch.
    #[test]
    fn messages_match_serde_json() {
        let values = [
            json!(null),
            json!(true),
            json!(-3),
            json!(7),
            json!(1e300),
            json!(0.25),
            json!("s"),
            json!([1, "a"]),
            json!({"name": "n", "port": -1}),
            json!({"a": 1, "b": 2}),
        ];
        fn same<T: DeserializeOwned + PartialEq + fmt::Debug>(value: &Value) {
            let ours = from_value::<T>(value).map_err(|e| e.message);
            let theirs = serde_json::from_value::<T>(value.clone()).map_err(|e| e.to_string());
            assert_eq!(ours, theirs, "{value} as {}", std::any::type_name::<T>());
        }
        for value in &values {
            same::<i32>(value);
            same::<u8>(value);
            same::<f64>(value);
            same::<bool>(value);
            same::<String>(value);
            same::<Option<String>>(value);
            same::<Vec<i64>>(value);
            same::<(i64, String)>(value);
            same::<BTreeMap<String, i32>>(value);
            same::<Value>(value);
            same::<()>(value);
        }
    }
}
