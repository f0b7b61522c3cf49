//! Liquid's values: what variables hold, what filters take and return, and how each is
//! compared, tested for truth and written out, as Liquid (Ruby) does it.
//!
//! Arrays and maps are shared (`Arc`), so the site's data, converted once per build, is
//! passed around pages and loops without copying. A string may carry the source map of
//! where its text came from (a `capture`), so errors in captured markdown still point at
//! the lines it was written on.
//!
//! Because arrays share their items, a few assigns can make a value that is small in memory
//! but astronomically long to walk (`[a, a]` of `[b, b]` of ...), or deep enough to
//! overflow the stack when dropped. So every array and map keeps its [`Shape`], made when it
//! is built: how deep it nests, and how large it is as a tree. Walks are charged by size
//! before they start, and filters that would nest a value past
//! [`crate::limits::MAX_VALUE_DEPTH`] are refused.

use std::fmt::Write as _;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::Arc;

use indexmap::IndexMap;

use crate::budget::{Bounded, Budget, Exceeded};
use crate::source_map::SourceMap;

/// A map, in insertion order (as Ruby's hashes, which Jekyll's data and frontmatter are).
pub type Map = IndexMap<Arc<str>, Value>;

/// How deep an array or map nests and how large it is as a tree (its shared parts counted
/// each time they appear), saturating.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Shape {
    /// 1 for a collection of scalars.
    pub depth: u32,
    /// Bytes of text plus one per value, shared parts counted each time.
    pub size: u64,
}

impl Shape {
    fn of<'v>(values: impl Iterator<Item = &'v Value>, keys: u64) -> Shape {
        let mut shape = Shape {
            depth: 1,
            size: 1u64.saturating_add(keys),
        };
        for v in values {
            shape.depth = shape.depth.max(v.depth().saturating_add(1));
            shape.size = shape.size.saturating_add(v.size());
        }
        shape
    }
}

/// An array's items and its shape.
#[derive(Debug, Clone, Default)]
pub struct List {
    items: Vec<Value>,
    shape: Shape,
}

impl Deref for List {
    type Target = [Value];
    fn deref(&self) -> &[Value] {
        &self.items
    }
}

/// A map's entries and its shape.
#[derive(Debug, Clone, Default)]
pub struct Dict {
    map: Map,
    shape: Shape,
}

impl Deref for Dict {
    type Target = Map;
    fn deref(&self) -> &Map {
        &self.map
    }
}

impl Dict {
    /// Sets `key` (the shape follows).
    pub fn insert(&mut self, key: Arc<str>, value: Value) {
        self.map.insert(key, value);
        self.shape = shape_of_map(&self.map);
    }

    /// The entry for `key`, made with `make` when missing, to change in place; the shape is
    /// brought up to date after `change`.
    pub fn update(
        &mut self,
        key: Arc<str>,
        make: impl FnOnce() -> Value,
        change: impl FnOnce(&mut Value),
    ) {
        change(self.map.entry(key).or_insert_with(make));
        self.shape = shape_of_map(&self.map);
    }
}

fn shape_of_map(map: &Map) -> Shape {
    let keys: u64 = map.keys().map(|k| k.len() as u64).sum();
    Shape::of(map.values(), keys)
}

// An array item costs the budget what a value takes.
const _: () = assert!(std::mem::size_of::<Value>() <= crate::budget::ITEM_BYTES);

/// A Liquid value.
#[derive(Debug, Clone, Default)]
pub enum Value {
    /// `nil`: what an unset variable is.
    #[default]
    Nil,
    /// `true` or `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// Text; the map, when set, says where each byte of it came from.
    Str(Arc<str>, Option<Arc<SourceMap>>),
    /// An array.
    Array(Arc<List>),
    /// A map.
    Map(Arc<Dict>),
    /// The special `empty` literal.
    Empty,
    /// The special `blank` literal.
    Blank,
}

impl Value {
    /// Text.
    pub fn str(s: impl Into<Arc<str>>) -> Value {
        Value::Str(s.into(), None)
    }

    /// An array of `items`.
    pub fn array(items: Vec<Value>) -> Value {
        let shape = Shape::of(items.iter(), 0);
        Value::Array(Arc::new(List { items, shape }))
    }

    /// A map of `map`.
    pub fn map(map: Map) -> Value {
        let shape = shape_of_map(&map);
        Value::Map(Arc::new(Dict { map, shape }))
    }

    /// How deep it nests: 0 for a scalar.
    pub fn depth(&self) -> u32 {
        match self {
            Value::Array(a) => a.shape.depth,
            Value::Map(m) => m.shape.depth,
            _ => 0,
        }
    }

    /// How large it is as a tree: what walking it costs.
    pub fn size(&self) -> u64 {
        match self {
            Value::Array(a) => a.shape.size,
            Value::Map(m) => m.shape.size,
            Value::Str(s, _) => s.len() as u64 + 1,
            _ => 1,
        }
    }

    /// Liquid's truth: only `nil` and `false` are false.
    pub fn truthy(&self) -> bool {
        !matches!(self, Value::Nil | Value::Bool(false))
    }

    /// True for `""`, `[]` and `{}` (what `== empty` tests).
    pub fn is_empty(&self) -> bool {
        match self {
            Value::Str(s, _) => s.is_empty(),
            Value::Array(a) => a.is_empty(),
            Value::Map(m) => m.is_empty(),
            Value::Empty => true,
            _ => false,
        }
    }

    /// True for what `== blank` tests: nil, false, whitespace-only text, empty collections.
    pub fn is_blank(&self) -> bool {
        match self {
            Value::Nil | Value::Bool(false) | Value::Blank | Value::Empty => true,
            Value::Str(s, _) => s.trim().is_empty(),
            Value::Array(a) => a.is_empty(),
            Value::Map(m) => m.is_empty(),
            _ => false,
        }
    }

    /// The text, when it is text.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s, _) => Some(s),
            _ => None,
        }
    }

    /// The value as a number, when it is one or is text that reads as one.
    pub fn as_number(&self) -> Option<Number> {
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

    /// The value as text, as `{{ }}` writes it, its walk and its bytes taken from `budget`
    /// first.
    pub fn render_within(&self, budget: &mut Budget) -> Result<String, Exceeded> {
        if let Value::Str(s, _) = self {
            budget.bytes(s.len())?;
            return Ok(s.to_string());
        }
        budget.work(self.size())?;
        let mut out = Bounded::new(budget);
        self.write_to(&mut out)?;
        Ok(out.finish())
    }

    /// The text of a scalar as `{{ }}` writes it; an array or map writes nothing here (use
    /// [`Value::render_within`], which can charge its walk).
    pub fn scalar_text(&self) -> String {
        let mut s = String::new();
        self.write_scalar(&mut s);
        s
    }

    fn write_scalar(&self, out: &mut String) {
        match self {
            Value::Nil | Value::Empty | Value::Blank | Value::Array(_) | Value::Map(_) => {}
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Int(i) => out.push_str(itoa::Buffer::new().format(*i)),
            Value::Float(f) => write_float(out, *f),
            Value::Str(s, _) => out.push_str(s),
        }
    }

    /// Writes the value as `{{ }}` does into `out` (whose budget the caller charged with
    /// the walk).
    pub(crate) fn write_to(&self, out: &mut Bounded<'_>) -> Result<(), Exceeded> {
        match self {
            // Ruby's Array#to_s in Liquid joins the elements.
            Value::Array(a) => {
                for v in a.iter() {
                    v.write_to(out)?;
                }
                Ok(())
            }
            Value::Map(m) => {
                // Ruby's Hash#inspect, as Jekyll writes a hash.
                out.push('{')?;
                for (i, (k, v)) in m.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ")?;
                    }
                    out.push_str(&format!("{k:?}=>"))?;
                    match v {
                        Value::Str(s, _) => out.push_str(&format!("{:?}", &**s))?,
                        Value::Nil => out.push_str("nil")?,
                        other => other.write_to(out)?,
                    }
                }
                out.push('}')
            }
            scalar => {
                let mut s = String::new();
                scalar.write_scalar(&mut s);
                out.push_str(&s)
            }
        }
    }

    /// The member `key` of a map, `first`/`last`/`size` of arrays, `size` of text.
    pub fn member(&self, key: &str) -> Value {
        match self {
            Value::Map(m) => match m.get(key) {
                Some(v) => v.clone(),
                None if key == "size" => Value::Int(m.len() as i64),
                // As in Ruby, a map's first entry is its [key, value] pair (it has no last).
                None if key == "first" => m.first().map_or(Value::Nil, |(k, v)| {
                    Value::array(vec![Value::Str(k.clone(), None), v.clone()])
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
    /// map when the index is text or a number.
    pub fn index(&self, index: &Value) -> Value {
        match (self, index) {
            (Value::Array(a), i) => match i.as_number() {
                Some(Number::Int(i)) => {
                    let i = if i < 0 {
                        (a.len() as i64).checked_add(i)
                    } else {
                        Some(i)
                    };
                    i.and_then(|i| usize::try_from(i).ok())
                        .and_then(|i| a.get(i))
                        .cloned()
                        .unwrap_or_default()
                }
                _ => Value::Nil,
            },
            (Value::Map(_), Value::Str(k, _)) => self.member(k),
            (Value::Map(m), other) => m
                .get(other.scalar_text().as_str())
                .cloned()
                .unwrap_or_default(),
            _ => Value::Nil,
        }
    }

    /// The items a `for` loop goes over: an array's elements, a map's `[key, value]`
    /// pairs, a text as one item, nothing for nil.
    pub fn items(&self) -> Vec<Value> {
        match self {
            Value::Array(a) => a.items.clone(),
            Value::Map(m) => m
                .iter()
                .map(|(k, v)| Value::array(vec![Value::Str(k.clone(), None), v.clone()]))
                .collect(),
            Value::Nil | Value::Empty | Value::Blank => Vec::new(),
            Value::Str(s, _) if s.is_empty() => Vec::new(),
            other => vec![other.clone()],
        }
    }

    /// How many items [`Value::items`] gives, without making them.
    pub fn item_count(&self) -> usize {
        match self {
            Value::Array(a) => a.len(),
            Value::Map(m) => m.len(),
            Value::Nil | Value::Empty | Value::Blank => 0,
            Value::Str(s, _) if s.is_empty() => 0,
            _ => 1,
        }
    }

    /// What comparing this value with another costs at most.
    pub fn compare_cost(&self, other: &Value) -> u64 {
        self.size().min(other.size())
    }

    /// Liquid's `==` (its cost, [`Value::compare_cost`], charged by the caller).
    pub fn equals(&self, other: &Value) -> bool {
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
                Arc::ptr_eq(a, b)
                    || (a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| x.equals(y)))
            }
            (Value::Map(a), Value::Map(b)) => {
                Arc::ptr_eq(a, b)
                    || (a.len() == b.len()
                        && a.iter().all(|(k, v)| b.get(k).is_some_and(|w| v.equals(w))))
            }
            _ => false,
        }
    }

    /// Feeds `h` what [`Value::equals`] compares, so that equal values hash alike (`3` and
    /// `3.0` too). Its cost is [`Value::size`], charged by the caller.
    pub fn hash_into<H: Hasher>(&self, h: &mut H) {
        match self {
            Value::Nil => 0u8.hash(h),
            Value::Bool(b) => (1u8, b).hash(h),
            Value::Int(_) | Value::Float(_) => {
                let f = self.as_number().map_or(0.0, Number::as_f64);
                // -0.0 == 0.0 and NaN never equals: fold the zeros together.
                (2u8, if f == 0.0 { 0 } else { f.to_bits() }).hash(h)
            }
            Value::Str(s, _) => (3u8, &**s).hash(h),
            Value::Array(a) => {
                (4u8, a.len()).hash(h);
                a.iter().for_each(|v| v.hash_into(h));
            }
            Value::Map(m) => {
                // Maps equal in any order: hash their entries order-free.
                let mut sum = 0u64;
                for (k, v) in m.iter() {
                    let mut e = std::collections::hash_map::DefaultHasher::new();
                    k.hash(&mut e);
                    v.hash_into(&mut e);
                    sum = sum.wrapping_add(e.finish());
                }
                (5u8, m.len(), sum).hash(h)
            }
            Value::Empty => 6u8.hash(h),
            Value::Blank => 7u8.hash(h),
        }
    }

    /// Liquid's `<`, `>`...: numbers with numbers, text with text; otherwise no order.
    pub fn compare(&self, other: &Value) -> Option<std::cmp::Ordering> {
        match (self, other) {
            (Value::Str(a, _), Value::Str(b, _)) => Some(a.cmp(b)),
            (Value::Int(_) | Value::Float(_), _) | (_, Value::Int(_) | Value::Float(_)) => {
                self.as_number()?.cmp(other.as_number()?)
            }
            _ => None,
        }
    }

    /// Liquid's `contains`: a substring of text, an element of an array, a key of a map
    /// (its cost, this value's [`Value::size`], charged by the caller).
    pub fn contains(&self, needle: &Value) -> bool {
        match self {
            Value::Str(s, _) => s.contains(needle.scalar_text().as_str()),
            Value::Array(a) => a.iter().any(|v| v.equals(needle)),
            Value::Map(m) => m.contains_key(needle.scalar_text().as_str()),
            _ => false,
        }
    }

    /// The value from JSON (data files): a tree as deep as serde_json allows (128).
    pub fn from_json(v: &serde_json::Value) -> Value {
        match v {
            serde_json::Value::Null => Value::Nil,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => Value::Int(i),
                None => Value::Float(n.as_f64().unwrap_or(0.0)),
            },
            serde_json::Value::String(s) => Value::str(s.as_str()),
            serde_json::Value::Array(a) => Value::array(a.iter().map(Value::from_json).collect()),
            serde_json::Value::Object(o) => Value::map(
                o.iter()
                    .map(|(k, v)| (Arc::from(k.as_str()), Value::from_json(v)))
                    .collect(),
            ),
        }
    }

    /// The value as JSON (for custom tags, `jsonify`), its walk and its size taken from
    /// `budget` first.
    pub fn to_json_within(&self, budget: &mut Budget) -> Result<serde_json::Value, Exceeded> {
        budget.work(self.size())?;
        budget.bytes(usize::try_from(self.size()).unwrap_or(usize::MAX))?;
        Ok(self.to_json_tree())
    }

    /// The value as JSON, walked whole: for values read from files (trees, as large as their
    /// files), never for values a page built.
    pub fn to_json_tree(&self) -> serde_json::Value {
        match self {
            Value::Nil | Value::Empty | Value::Blank => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Int(i) => serde_json::Value::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f)
                .map_or(serde_json::Value::Null, serde_json::Value::Number),
            Value::Str(s, _) => serde_json::Value::String(s.to_string()),
            Value::Array(a) => {
                serde_json::Value::Array(a.iter().map(Value::to_json_tree).collect())
            }
            Value::Map(m) => serde_json::Value::Object(
                m.iter()
                    .map(|(k, v)| (k.to_string(), v.to_json_tree()))
                    .collect(),
            ),
        }
    }
}

/// A number, for arithmetic and comparison across integers and floats.
#[derive(Debug, Clone, Copy)]
pub enum Number {
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
}

impl Number {
    /// The number as a float.
    pub fn as_f64(self) -> f64 {
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

    /// The number as a value.
    pub fn value(self) -> Value {
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

    fn render(v: &Value) -> String {
        v.render_within(&mut Budget::default()).unwrap()
    }

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
        assert_eq!(render(&Value::Float(3.0)), "3.0");
        assert_eq!(render(&Value::Float(0.25)), "0.25");
        assert_eq!(
            render(&Value::array(vec![Value::str("a"), Value::Int(1)])),
            "a1"
        );
        assert_eq!(render(&Value::Nil), "");
    }

    #[test]
    fn shapes_follow_sharing_and_nesting() {
        let mut v = Value::array(vec![Value::str("ab")]);
        assert_eq!((v.depth(), v.size()), (1, 4));
        for _ in 0..80 {
            v = Value::array(vec![v.clone(), v.clone()]);
        }
        assert_eq!(v.depth(), 81);
        assert_eq!(v.size(), u64::MAX, "2^80 leaves saturate");
        // Walking it is refused before it starts, not after years.
        assert_eq!(v.render_within(&mut Budget::default()), Err(Exceeded::Work));
        assert!(v.equals(&v), "the same value is equal without a walk");
    }

    #[test]
    fn equal_values_hash_alike() {
        let h = |v: &Value| {
            let mut s = std::collections::hash_map::DefaultHasher::new();
            v.hash_into(&mut s);
            s.finish()
        };
        assert_eq!(h(&Value::Int(3)), h(&Value::Float(3.0)));
        let a: Map = [("x".into(), Value::Int(1)), ("y".into(), Value::Int(2))]
            .into_iter()
            .collect();
        let b: Map = [("y".into(), Value::Int(2)), ("x".into(), Value::Int(1))]
            .into_iter()
            .collect();
        assert!(Value::map(a.clone()).equals(&Value::map(b.clone())));
        assert_eq!(h(&Value::map(a)), h(&Value::map(b)));
    }
}
