//! A YAML document as it was written: every node with the byte range it was written at,
//! every scalar with its text and style. Typing a plain scalar (`true`, `42`, `3.10`) is a
//! reading of it ([`Scalar::resolve`]), not a replacement: a version written `3.10` is
//! still `3.10` to whoever asks for text.

use std::ops::Range;

/// How a scalar was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Without quotes: its type is read from its text.
    Plain,
    /// `'...'`.
    SingleQuoted,
    /// `"..."`.
    DoubleQuoted,
    /// `|` block.
    Literal,
    /// `>` block.
    Folded,
}

/// A scalar: its text (escapes and folding applied), how it was written, and its tag.
#[derive(Debug, Clone, PartialEq)]
pub struct Scalar {
    /// The text.
    pub text: String,
    /// How it was written.
    pub style: Style,
    /// `!!str`, `!!int`... (`str`, `int`...), when written.
    pub tag: Option<String>,
}

/// What a scalar reads as, YAML 1.2's core schema (as serde_yaml read it): plain `null`,
/// `~` and nothing are null, `true`/`false` booleans, numbers numbers; quoted and block
/// scalars are text, and a `!!str` tag makes anything text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Resolved<'a> {
    /// `null`, `~`, or nothing.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer that fits 64 bits.
    Int(i64),
    /// A float.
    Float(f64),
    /// Text.
    Str(&'a str),
}

impl Scalar {
    /// What the scalar reads as.
    pub fn resolve(&self) -> Resolved<'_> {
        let text = self.text.as_str();
        match self.tag.as_deref() {
            Some("str") => return Resolved::Str(text),
            Some("null") => return Resolved::Null,
            Some("bool") => {
                return bool_of(text).map_or(Resolved::Str(text), Resolved::Bool);
            }
            Some("int") => return int_of(text).map_or(Resolved::Str(text), Resolved::Int),
            Some("float") => {
                return float_of(text)
                    .or_else(|| int_of(text).map(|i| i as f64))
                    .map_or(Resolved::Str(text), Resolved::Float)
            }
            _ => {}
        }
        if self.style != Style::Plain {
            return Resolved::Str(text);
        }
        if matches!(text, "" | "~" | "null" | "Null" | "NULL") {
            return Resolved::Null;
        }
        if let Some(b) = bool_of(text) {
            return Resolved::Bool(b);
        }
        if let Some(i) = int_of(text) {
            return Resolved::Int(i);
        }
        if let Some(f) = float_of(text) {
            return Resolved::Float(f);
        }
        Resolved::Str(text)
    }
}

fn bool_of(text: &str) -> Option<bool> {
    match text {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

fn int_of(text: &str) -> Option<i64> {
    let (negative, digits) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let (radix, digits) = if let Some(h) = digits.strip_prefix("0x") {
        (16, h)
    } else if let Some(o) = digits.strip_prefix("0o") {
        (8, o)
    } else {
        (10, digits)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = u64::from_str_radix(digits, radix).ok()?;
    if negative {
        0i64.checked_sub_unsigned(magnitude)
    } else {
        i64::try_from(magnitude).ok()
    }
}

fn float_of(text: &str) -> Option<f64> {
    match text {
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Some(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Some(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Some(f64::NAN),
        _ => {}
    }
    // Digits with a point or an exponent (an integer too large for 64 bits counts too):
    // `inf`, `1_000` and `0x1p3` are text.
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    let mut chars = body.chars().peekable();
    let mut digits = 0;
    let mut seen_point = false;
    while let Some(&c) = chars.peek() {
        if c.is_ascii_digit() {
            digits += 1;
        } else if c == '.' && !seen_point {
            seen_point = true;
        } else {
            break;
        }
        chars.next();
    }
    if digits == 0 {
        return None;
    }
    if let Some(e) = chars.next() {
        if e != 'e' && e != 'E' {
            return None;
        }
        let exponent: String = chars.collect();
        let exponent = exponent.strip_prefix(['-', '+']).unwrap_or(&exponent);
        if exponent.is_empty() || !exponent.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
    }
    text.parse().ok()
}

/// A node: a scalar, a sequence or a mapping, and where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Byte range in the text it was read from.
    pub span: Range<usize>,
    /// What it is.
    pub kind: Kind,
}

/// What a node is.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// A scalar.
    Scalar(Scalar),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in the order written; keys are nodes too (they have places).
    Map(Vec<(Node, Node)>),
}

impl Default for Node {
    /// An empty mapping.
    fn default() -> Self {
        Node::empty_map(0)
    }
}

impl Node {
    /// An empty mapping at `at`.
    pub fn empty_map(at: usize) -> Node {
        Node {
            span: at..at,
            kind: Kind::Map(Vec::new()),
        }
    }

    /// A plain-text scalar made by a program (not read), e.g. a value added to a page's
    /// frontmatter.
    pub fn text(text: impl Into<String>) -> Node {
        Node {
            span: 0..0,
            kind: Kind::Scalar(Scalar {
                text: text.into(),
                style: Style::DoubleQuoted,
                tag: None,
            }),
        }
    }

    /// The scalar, when it is one.
    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.kind {
            Kind::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The entries, when it is a mapping.
    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.kind {
            Kind::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The text of a scalar key, as keys are looked up.
    pub fn key_text(&self) -> Option<&str> {
        self.as_scalar().map(|s| s.text.as_str())
    }

    /// The value of mapping entry `key` (the last written, as YAML readers take it).
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_map()?
            .iter()
            .rev()
            .find(|(k, _)| k.key_text() == Some(key))
            .map(|(_, v)| v)
    }

    /// True for a null scalar.
    pub fn is_null(&self) -> bool {
        matches!(&self.kind, Kind::Scalar(s) if s.resolve() == Resolved::Null)
    }

    /// Sets mapping entry `key` to `value` (added at the end, or replacing the one
    /// written); a node that is not a mapping becomes one.
    pub fn set(&mut self, key: &str, value: Node) {
        if !matches!(self.kind, Kind::Map(_)) {
            self.kind = Kind::Map(Vec::new());
        }
        if let Kind::Map(entries) = &mut self.kind {
            match entries.iter_mut().find(|(k, _)| k.key_text() == Some(key)) {
                Some((_, v)) => *v = value,
                None => entries.push((Node::text(key), value)),
            }
        }
    }
}

/// A node as data (for templates): scalars as they read, mappings keyed by their keys' text.
impl serde::Serialize for Node {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match &self.kind {
            Kind::Scalar(scalar) => match scalar.resolve() {
                Resolved::Null => s.serialize_unit(),
                Resolved::Bool(b) => s.serialize_bool(b),
                Resolved::Int(i) => s.serialize_i64(i),
                Resolved::Float(f) => s.serialize_f64(f),
                Resolved::Str(t) => s.serialize_str(t),
            },
            Kind::Seq(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Kind::Map(entries) => {
                let mut map = s.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    map.serialize_entry(k.key_text().unwrap_or_default(), v)?;
                }
                map.end()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(t: &str) -> Resolved<'_> {
        // Leaked for the test's borrow: fine in a test.
        let s: &'static Scalar = Box::leak(Box::new(Scalar {
            text: t.into(),
            style: Style::Plain,
            tag: None,
        }));
        s.resolve()
    }

    #[test]
    fn plain_scalars_read_as_the_core_schema() {
        assert_eq!(plain(""), Resolved::Null);
        assert_eq!(plain("~"), Resolved::Null);
        assert_eq!(plain("True"), Resolved::Bool(true));
        assert_eq!(plain("yes"), Resolved::Str("yes"));
        assert_eq!(plain("42"), Resolved::Int(42));
        assert_eq!(plain("-0x1f"), Resolved::Int(-31));
        assert_eq!(plain("0o17"), Resolved::Int(15));
        assert_eq!(plain("3.10"), Resolved::Float(3.1));
        assert_eq!(plain("1e3"), Resolved::Float(1000.0));
        assert_eq!(plain("-.inf"), Resolved::Float(f64::NEG_INFINITY));
        assert_eq!(plain("99999999999999999999"), Resolved::Float(1e20));
        assert_eq!(plain("-9223372036854775808"), Resolved::Int(i64::MIN));
        for text in [
            "3.4.x", "1_000", "inf", "0x", "1e", ".", "-", "3.10 LTS", "0b101",
        ] {
            assert_eq!(plain(text), Resolved::Str(text), "{text}");
        }
    }
}
