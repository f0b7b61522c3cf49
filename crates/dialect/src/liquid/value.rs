//! Liquid's values: what variables hold, what filters take and return, and how each is
//! compared, tested for truth and written out, as Liquid (Ruby) does it.
//!
//! Arrays and maps are shared (`Arc`), so the site's data, converted once per build, is
//! passed around pages and loops without copying. A string may carry the source map of
//! where its text came from (a `capture`), so errors in captured markdown still point at
//! the lines it was written on.

use std::fmt::Write as _;
use std::sync::Arc;

use indexmap::IndexMap;

use crate::source_map::SourceMap;

/// A map, in insertion order (as Ruby's hashes, which Jekyll's data and frontmatter are).
pub(crate) type Map = IndexMap<Arc<str>, Value>;

/// A Liquid value.
#[derive(Debug, Clone, Default)]
pub(crate) enum Value {
    /// `nil`: what an unset variable is.
    #[default]
    Nil,
    Bool(bool),
    Int(i64),
    Float(f64),
    /// Text; `map`, when set, says where each byte of it came from.
    Str(Arc<str>, Option<Arc<SourceMap>>),
    Array(Arc<Vec<Value>>),
    Map(Arc<Map>),
    /// The special `empty` literal.
    Empty,
    /// The special `blank` literal.
    Blank,
}

impl Value {
    pub(crate) fn str(s: impl Into<Arc<str>>) -> Value {
        Value::Str(s.into(), None)
    }

    pub(crate) fn array(v: Vec<Value>) -> Value {
        Value::Array(Arc::new(v))
    }

    /// Liquid's truth: only `nil` and `false` are false.
    pub(crate) fn truthy(&self) -> bool {
        !matches!(self, Value::Nil | Value::Bool(false))
    }

    /// True for `""`, `[]` and `{}` (what `== empty` tests).
    pub(crate) fn is_empty(&self) -> bool {
        match self {
            Value::Str(s, _) => s.is_empty(),
            Value::Array(a) => a.is_empty(),
            Value::Map(m) => m.is_empty(),
            Value::Empty => true,
            _ => false,
        }
    }

    /// True for what `== blank` tests: nil, false, whitespace-only text, empty collections.
    pub(crate) fn is_blank(&self) -> bool {
        match self {
            Value::Nil | Value::Bool(false) | Value::Blank | Value::Empty => true,
            Value::Str(s, _) => s.trim().is_empty(),
            Value::Array(a) => a.is_empty(),
            Value::Map(m) => m.is_empty(),
            _ => false,
        }
    }

    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s, _) => Some(s),
            _ => None,
        }
    }

    /// The value as a number, when it is one or is text that reads as one.
    pub(crate) fn as_number(&self) -> Option<Number> {
        match self {
            Value::Int(i) => Some(Number::Int(*i)),
            Value::Float(f) => Some(Number::Float(*f)),
            Value::Str(s, _) => {
                let t = s.trim();
                t.parse::<i64>().map(Number::Int).ok().or_else(|| {
                    t.parse::<f64>()
                        .ok()
                        .filter(|f| f.is_finite())
                        .map(Number::Float)
                })
            }
            _ => None,
        }
    }

    /// The value as text, as `{{ }}` writes it.
    pub(crate) fn render(&self) -> String {
        let mut s = String::new();
        self.write_to(&mut s);
        s
    }

    pub(crate) fn write_to(&self, out: &mut String) {
        match self {
            Value::Nil | Value::Empty | Value::Blank => {}
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Int(i) => out.push_str(itoa::Buffer::new().format(*i)),
            Value::Float(f) => write_float(out, *f),
            Value::Str(s, _) => out.push_str(s),
            // Ruby's Array#to_s in Liquid joins the elements.
            Value::Array(a) => a.iter().for_each(|v| v.write_to(out)),
            Value::Map(m) => {
                // Ruby's Hash#inspect, as Jekyll writes a hash.
                out.push('{');
                for (i, (k, v)) in m.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    let _ = write!(out, "{k:?}=>");
                    match v {
                        Value::Str(s, _) => {
                            let _ = write!(out, "{:?}", &**s);
                        }
                        Value::Nil => out.push_str("nil"),
                        other => other.write_to(out),
                    }
                }
                out.push('}');
            }
        }
    }

    /// The member `key` of a map, `first`/`last`/`size` of arrays, `size` of text.
    pub(crate) fn member(&self, key: &str) -> Value {
        match self {
            Value::Map(m) => match m.get(key) {
                Some(v) => v.clone(),
                None if key == "size" => Value::Int(m.len() as i64),
                // As in Ruby, a map's first entry is its [key, value] pair (it has no last).
                None if key == "first" => m.first().map_or(Value::Nil, |(k, v)| {
                    Value::Array(Arc::new(vec![Value::str(&**k), v.clone()]))
                }),
                None => Value::Nil,
            },
            Value::Array(a) => match key {
                "size" => Value::Int(a.len() as i64),
                "first" => a.first().cloned().unwrap_or_default(),
                "last" => a.last().cloned().unwrap_or_default(),
                _ => Value::Nil,
            },
            Value::Str(s, _) if key == "size" => Value::Int(s.chars().count() as i64),
            _ => Value::Nil,
        }
    }

    /// Element `index` of an array (negative counts from the end), or member `index` of a
    /// map when the index is text.
    pub(crate) fn index(&self, index: &Value) -> Value {
        match (self, index) {
            (Value::Array(a), i) => match i.as_number() {
                Some(Number::Int(i)) => {
                    let i = if i < 0 { a.len() as i64 + i } else { i };
                    usize::try_from(i)
                        .ok()
                        .and_then(|i| a.get(i))
                        .cloned()
                        .unwrap_or_default()
                }
                _ => Value::Nil,
            },
            (Value::Map(_), Value::Str(k, _)) => self.member(k),
            (Value::Map(m), other) => m.get(other.render().as_str()).cloned().unwrap_or_default(),
            _ => Value::Nil,
        }
    }

    /// The items a `for` loop goes over: an array's elements, a map's `[key, value]`
    /// pairs, a text as one item, nothing for nil.
    pub(crate) fn items(&self) -> Vec<Value> {
        match self {
            Value::Array(a) => a.as_ref().clone(),
            Value::Map(m) => m
                .iter()
                .map(|(k, v)| Value::array(vec![Value::Str(k.clone(), None), v.clone()]))
                .collect(),
            Value::Nil | Value::Empty | Value::Blank => Vec::new(),
            Value::Str(s, _) if s.is_empty() => Vec::new(),
            other => vec![other.clone()],
        }
    }

    /// Liquid's `==`.
    pub(crate) fn equals(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Empty, v) | (v, Value::Empty) => v.is_empty(),
            (Value::Blank, v) | (v, Value::Blank) => v.is_blank(),
            (Value::Nil, Value::Nil) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Str(a, _), Value::Str(b, _)) => a == b,
            (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => self
                .as_number()
                .zip(other.as_number())
                .is_some_and(|(a, b)| a.cmp(b) == Some(std::cmp::Ordering::Equal)),
            (Value::Array(a), Value::Array(b)) => {
                a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| x.equals(y))
            }
            (Value::Map(a), Value::Map(b)) => {
                a.len() == b.len() && a.iter().all(|(k, v)| b.get(k).is_some_and(|w| v.equals(w)))
            }
            _ => false,
        }
    }

    /// Liquid's `<`, `>`...: numbers with numbers, text with text; otherwise no order.
    pub(crate) fn compare(&self, other: &Value) -> Option<std::cmp::Ordering> {
        match (self, other) {
            (Value::Str(a, _), Value::Str(b, _)) => Some(a.cmp(b)),
            (Value::Int(_) | Value::Float(_), _) | (_, Value::Int(_) | Value::Float(_)) => {
                self.as_number()?.cmp(other.as_number()?)
            }
            _ => None,
        }
    }

    /// Liquid's `contains`: a substring of text, an element of an array, a key of a map.
    pub(crate) fn contains(&self, needle: &Value) -> bool {
        match self {
            Value::Str(s, _) => s.contains(needle.render().as_str()),
            Value::Array(a) => a.iter().any(|v| v.equals(needle)),
            Value::Map(m) => m.contains_key(needle.render().as_str()),
            _ => false,
        }
    }

    /// The value from YAML (frontmatter, data files, portolan.yaml), merge keys applied.
    pub(crate) fn from_yaml(v: &serde_yaml::Value) -> Value {
        match v {
            serde_yaml::Value::Null => Value::Nil,
            serde_yaml::Value::Bool(b) => Value::Bool(*b),
            serde_yaml::Value::Number(n) => match n.as_i64() {
                Some(i) => Value::Int(i),
                None => Value::Float(n.as_f64().unwrap_or(0.0)),
            },
            serde_yaml::Value::String(s) => Value::str(s.as_str()),
            serde_yaml::Value::Sequence(items) => {
                Value::array(items.iter().map(Value::from_yaml).collect())
            }
            serde_yaml::Value::Mapping(m) => Value::from_yaml_mapping(m),
            serde_yaml::Value::Tagged(t) => Value::from_yaml(&t.value),
        }
    }

    /// [`Value::from_yaml`] of a mapping, without wrapping (and copying) it first.
    pub(crate) fn from_yaml_mapping(m: &serde_yaml::Mapping) -> Value {
        let mut map = Map::with_capacity(m.len());
        for (k, v) in m {
            if k.as_str() == Some("<<") {
                // A merge key: the merged maps' entries, unless written here.
                let merged: Vec<&serde_yaml::Value> = match v {
                    serde_yaml::Value::Sequence(s) => s.iter().collect(),
                    other => vec![other],
                };
                for m2 in merged.into_iter().filter_map(serde_yaml::Value::as_mapping) {
                    for (k2, v2) in m2 {
                        let key: Arc<str> = yaml_key(k2).into();
                        if !m.contains_key(k2) && !map.contains_key(&key) {
                            map.insert(key, Value::from_yaml(v2));
                        }
                    }
                }
                continue;
            }
            map.insert(yaml_key(k).into(), Value::from_yaml(v));
        }
        Value::Map(Arc::new(map))
    }

    /// The value from JSON (data files).
    pub(crate) fn from_json(v: &serde_json::Value) -> Value {
        match v {
            serde_json::Value::Null => Value::Nil,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => Value::Int(i),
                None => Value::Float(n.as_f64().unwrap_or(0.0)),
            },
            serde_json::Value::String(s) => Value::str(s.as_str()),
            serde_json::Value::Array(a) => Value::array(a.iter().map(Value::from_json).collect()),
            serde_json::Value::Object(o) => Value::Map(Arc::new(
                o.iter()
                    .map(|(k, v)| (Arc::from(k.as_str()), Value::from_json(v)))
                    .collect(),
            )),
        }
    }

    /// The value as JSON, for components (theme templates) and `jsonify`.
    pub(crate) fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Nil | Value::Empty | Value::Blank => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Int(i) => serde_json::Value::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f)
                .map_or(serde_json::Value::Null, serde_json::Value::Number),
            Value::Str(s, _) => serde_json::Value::String(s.to_string()),
            Value::Array(a) => serde_json::Value::Array(a.iter().map(Value::to_json).collect()),
            Value::Map(m) => serde_json::Value::Object(
                m.iter()
                    .map(|(k, v)| (k.to_string(), v.to_json()))
                    .collect(),
            ),
        }
    }
}

fn yaml_key(k: &serde_yaml::Value) -> String {
    match k {
        serde_yaml::Value::String(s) => s.clone(),
        other => Value::from_yaml(other).render(),
    }
}

/// A number, for arithmetic and comparison across integers and floats.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Number {
    Int(i64),
    Float(f64),
}

impl Number {
    pub(crate) fn as_f64(self) -> f64 {
        match self {
            Number::Int(i) => i as f64,
            Number::Float(f) => f,
        }
    }

    fn cmp(self, other: Number) -> Option<std::cmp::Ordering> {
        match (self, other) {
            (Number::Int(a), Number::Int(b)) => Some(a.cmp(&b)),
            (a, b) => a.as_f64().partial_cmp(&b.as_f64()),
        }
    }

    pub(crate) fn value(self) -> Value {
        match self {
            Number::Int(i) => Value::Int(i),
            Number::Float(f) => Value::Float(f),
        }
    }
}

/// A float as Ruby writes one: `3.0`, `0.5`, `1.0e+20`.
fn write_float(out: &mut String, f: f64) {
    if f.is_finite() && f == f.trunc() && f.abs() < 1e16 {
        let _ = write!(out, "{f:.1}");
    } else {
        let _ = write!(out, "{f}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truth_and_emptiness_as_liquid() {
        assert!(Value::str("").truthy() && Value::Int(0).truthy() && !Value::Nil.truthy());
        assert!(Value::str("").equals(&Value::Empty) && Value::array(vec![]).equals(&Value::Empty));
        assert!(Value::str("  ").equals(&Value::Blank) && Value::Nil.equals(&Value::Blank));
        assert!(!Value::str("x").equals(&Value::Empty));
    }

    #[test]
    fn comparisons_cross_numbers_not_kinds() {
        assert!(Value::Int(3).equals(&Value::Float(3.0)));
        assert_eq!(
            Value::Int(2).compare(&Value::str("10")),
            Some(std::cmp::Ordering::Less)
        );
        assert_eq!(
            Value::str("b").compare(&Value::str("a")),
            Some(std::cmp::Ordering::Greater)
        );
        assert!(!Value::str("1").equals(&Value::Int(1)));
        assert!(Value::array(vec![Value::str("konnect")]).contains(&Value::str("konnect")));
        assert!(Value::str("kong gateway").contains(&Value::str("gate")));
    }

    #[test]
    fn output_as_ruby_writes_it() {
        assert_eq!(Value::Float(3.0).render(), "3.0");
        assert_eq!(Value::Float(0.25).render(), "0.25");
        assert_eq!(
            Value::array(vec![Value::str("a"), Value::Int(1)]).render(),
            "a1"
        );
        assert_eq!(Value::Nil.render(), "");
    }

    #[test]
    fn yaml_merge_keys_are_applied() {
        let y: serde_yaml::Value =
            serde_yaml::from_str("base: &b\n  x: 1\n  y: 2\nitem:\n  <<: *b\n  y: 3\n").unwrap();
        let v = Value::from_yaml(&y);
        let item = v.member("item");
        assert_eq!(item.member("x").render(), "1");
        assert_eq!(item.member("y").render(), "3");
    }
}
