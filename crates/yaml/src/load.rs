//! Reading YAML text into a [`Node`]: saphyr-parser's events (pure Rust, no `unsafe`)
//! assembled without recursion, with the limits content needs. Collections nest at most
//! [`Limits::depth`] deep (the parser and the stack are safe either way; deep data is a
//! mistake or an attack), and aliases are expanded only while the document stays under
//! [`Limits::nodes`] nodes (a "billion laughs" of nested aliases is refused at the alias).
//! Duplicate keys are an error at the second one. Positions are byte offsets.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError};

use crate::error::{Error, ErrorKind};
use crate::node::{Kind, Node, Scalar, Style};

/// How large a document may grow.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// How deep collections may nest.
    pub depth: usize,
    /// How many nodes the document may hold, aliases expanded.
    pub nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            depth: 32,
            nodes: 1_000_000,
        }
    }
}

/// A collection being read.
enum Open {
    Seq(Vec<Node>),
    /// Entries so far, a key waiting for its value, and the keys' names with their entry's
    /// place (a duplicate is found in constant time: a map of a million keys is checked in
    /// linear time).
    Map(Vec<(Node, Node)>, Option<Node>, HashMap<String, usize>),
}

struct Frame {
    open: Open,
    start: usize,
    anchor: usize,
}

/// Character offsets (what the parser counts) as byte offsets, in one pass for events that
/// come in order.
struct Offsets<'t> {
    text: &'t str,
    ascii: bool,
    /// The last (character, byte) pair found.
    at: (usize, usize),
}

impl Offsets<'_> {
    fn byte(&mut self, chars: usize) -> usize {
        if self.ascii {
            return chars.min(self.text.len());
        }
        if chars < self.at.0 {
            self.at = (0, 0);
        }
        let (c, b) = self.at;
        let byte = self.text[b..]
            .char_indices()
            .nth(chars - c)
            .map_or(self.text.len(), |(i, _)| b + i);
        self.at = (chars, byte);
        byte
    }
}

/// Reads the one document in `text` (an empty text is a null scalar).
pub fn load(text: &str, limits: Limits) -> Result<Node, Error> {
    read(text, limits, None)
}

/// Reads the one document in `text` as [`load`] does, but a key given twice in one map is
/// not an error: its last value is kept, in the place of its first (as Ruby's YAML, and so
/// Jekyll, reads it), and each repeated key is returned, at its offset, for a warning.
pub fn load_last_key_wins(text: &str, limits: Limits) -> Result<(Node, Vec<Error>), Error> {
    let mut repeated = Vec::new();
    let node = read(text, limits, Some(&mut repeated))?;
    Ok((node, repeated))
}

/// [`load`]; with `repeated`, duplicate keys are kept there instead of being an error.
fn read(text: &str, limits: Limits, mut repeated: Option<&mut Vec<Error>>) -> Result<Node, Error> {
    let mut offsets = Offsets {
        text,
        ascii: text.is_ascii(),
        at: (0, 0),
    };
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, Node> = HashMap::new();
    let mut nodes = 0usize;
    let mut document: Option<Node> = None;
    let mut documents = 0;
    // Where the last event ended: the scanner reads ahead of the events.
    let mut read_to = 0;
    for event in Parser::new_from_str(text) {
        let (event, span) = match event {
            Ok(e) => e,
            Err(e) => {
                let mut error = scan_error(&e, &mut offsets);
                if error.kind == ErrorKind::TooDeep {
                    // The scanner refused flow nesting past its own limit, far ahead of the
                    // events: point at the collection one level past this reader's limit.
                    let room = limits.depth.saturating_sub(stack.len());
                    error.offset = too_deep_at(text, read_to, error.offset, room);
                    error.message =
                        format!("collections nest more than {} levels deep", limits.depth);
                }
                return Err(error);
            }
        };
        let start = offsets.byte(span.start.index());
        let end = offsets.byte(span.end.index()).max(start);
        read_to = end;
        let done = match event {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(Error::at(
                        start,
                        "more than one YAML document (a second `---`)",
                    ));
                }
                None
            }
            Event::Scalar(value, style, anchor, tag) => {
                nodes += 1;
                // Trees are kept (every page's frontmatter, through a build): without the
                // slack of growing, they took 60% less memory (104 MB → 43 at 10,000 pages).
                let mut text = value.into_owned();
                text.shrink_to_fit();
                let node = Node {
                    span: start..end,
                    kind: Kind::Scalar(Scalar {
                        text,
                        style: style_of(style),
                        tag: tag.and_then(|t| core_tag(&t.handle, &t.suffix)),
                    }),
                };
                if anchor > 0 {
                    anchors.insert(anchor, node.clone());
                }
                Some(node)
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if stack.len() >= limits.depth {
                    return Err(Error::of(
                        ErrorKind::TooDeep,
                        start,
                        format!("collections nest more than {} levels deep", limits.depth),
                    ));
                }
                nodes += 1;
                let open = match event {
                    Event::SequenceStart(..) => Open::Seq(Vec::new()),
                    _ => Open::Map(Vec::new(), None, Default::default()),
                };
                stack.push(Frame {
                    open,
                    start,
                    anchor,
                });
                None
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = stack.pop() else {
                    continue;
                };
                let kind = match frame.open {
                    Open::Seq(mut items) => {
                        items.shrink_to_fit();
                        Kind::Seq(items)
                    }
                    Open::Map(mut entries, _, _) => {
                        entries.shrink_to_fit();
                        Kind::Map(entries)
                    }
                };
                let node = Node {
                    span: frame.start..end.max(frame.start),
                    kind,
                };
                if frame.anchor > 0 {
                    anchors.insert(frame.anchor, node.clone());
                }
                Some(node)
            }
            Event::Alias(anchor) => {
                let Some(node) = anchors.get(&anchor) else {
                    return Err(Error::at(
                        start,
                        "an alias to an anchor not defined before it",
                    ));
                };
                nodes = nodes.saturating_add(count(node));
                if nodes > limits.nodes {
                    return Err(Error::of(
                        ErrorKind::TooLarge,
                        start,
                        format!("aliases expand the document past {} nodes", limits.nodes),
                    ));
                }
                Some(Node {
                    span: start..end,
                    ..node.clone()
                })
            }
            _ => None,
        };
        if nodes > limits.nodes {
            return Err(Error::of(
                ErrorKind::TooLarge,
                start,
                format!("the document holds more than {} nodes", limits.nodes),
            ));
        }
        if let Some(node) = done {
            match stack.last_mut() {
                Some(Frame {
                    open: Open::Seq(items),
                    ..
                }) => items.push(node),
                Some(Frame {
                    open: Open::Map(entries, pending, names),
                    ..
                }) => match pending.take() {
                    None => *pending = Some(node),
                    Some(key) => {
                        let first =
                            key.key_text()
                                .and_then(|name| match names.entry(name.to_string()) {
                                    std::collections::hash_map::Entry::Occupied(at) => {
                                        Some(*at.get())
                                    }
                                    std::collections::hash_map::Entry::Vacant(slot) => {
                                        slot.insert(entries.len());
                                        None
                                    }
                                });
                        match (first, repeated.as_deref_mut()) {
                            (None, _) => entries.push((key, node)),
                            (Some(at), Some(repeated)) => {
                                repeated.push(Error::at(
                                    key.span.start,
                                    format!(
                                        "duplicate entry with key \"{}\"",
                                        key.key_text().unwrap_or_default()
                                    ),
                                ));
                                entries[at].1 = node;
                            }
                            (Some(_), None) => {
                                return Err(Error::at(
                                    key.span.start,
                                    format!(
                                        "duplicate entry with key \"{}\"",
                                        key.key_text().unwrap_or_default()
                                    ),
                                ));
                            }
                        }
                    }
                },
                None => document = Some(node),
            }
        }
    }
    Ok(document.unwrap_or(Node {
        span: 0..0,
        kind: Kind::Scalar(Scalar {
            text: String::new(),
            style: Style::Plain,
            tag: None,
        }),
    }))
}

/// In `text[from..to]`, where flow collections (`[`, `{`) first nest `room` + 1 deep,
/// quoted text skipped; `to` when they do not.
fn too_deep_at(text: &str, from: usize, to: usize, room: usize) -> usize {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = from.min(bytes.len());
    while i < to.min(bytes.len()) {
        match bytes[i] {
            b'[' | b'{' => {
                depth += 1;
                if depth > room {
                    return i;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            q @ (b'"' | b'\'') => {
                i += 1;
                while i < bytes.len() && bytes[i] != q {
                    i += if bytes[i] == b'\\' && q == b'"' { 2 } else { 1 };
                }
            }
            _ => {}
        }
        i += 1;
    }
    to
}

/// How many nodes `node` holds.
fn count(node: &Node) -> usize {
    let mut n = 0usize;
    let mut todo = vec![node];
    while let Some(x) = todo.pop() {
        n += 1;
        match &x.kind {
            Kind::Scalar(_) => {}
            Kind::Seq(items) => todo.extend(items),
            Kind::Map(entries) => todo.extend(entries.iter().flat_map(|(k, v)| [k, v])),
        }
    }
    n
}

fn style_of(s: ScalarStyle) -> Style {
    match s {
        ScalarStyle::Plain => Style::Plain,
        ScalarStyle::SingleQuoted => Style::SingleQuoted,
        ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
        ScalarStyle::Literal => Style::Literal,
        ScalarStyle::Folded => Style::Folded,
    }
}

/// `!!str` and the core schema's other tags, by their suffix; other tags are ignored (as
/// serde_yaml read a tagged value: the value).
fn core_tag(handle: &str, suffix: &str) -> Option<String> {
    const CORE: &str = "tag:yaml.org,2002:";
    let core = handle == "!!" || handle == CORE || suffix.starts_with(CORE);
    let name = suffix.strip_prefix(CORE).unwrap_or(suffix);
    (core && matches!(name, "str" | "int" | "float" | "bool" | "null")).then(|| name.to_string())
}

fn scan_error(e: &ScanError, offsets: &mut Offsets<'_>) -> Error {
    let at = offsets.byte(e.marker().index());
    // The scanner reads ahead of the events: flow collections nested past its own limit
    // are refused before the loader counts them.
    let kind = if e.info().contains("recursion limit") {
        ErrorKind::TooDeep
    } else {
        ErrorKind::Syntax
    };
    Error::of(kind, at, e.info().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::node::Resolved;

    fn read(t: &str) -> Node {
        load(t, Limits::default()).unwrap()
    }

    #[test]
    fn versions_keep_the_text_written() {
        let n = read("min_version: {gateway: 3.10}\nmax:\n  mesh: 2.10\n");
        let v = n.get("min_version").unwrap().get("gateway").unwrap();
        let s = v.as_scalar().unwrap();
        assert_eq!(s.text, "3.10");
        assert_eq!(s.resolve(), Resolved::Float(3.1));
        assert_eq!(
            n.get("max").unwrap().get("mesh").unwrap().key_text(),
            Some("2.10")
        );
    }

    #[test]
    fn spans_are_bytes_even_after_wide_characters() {
        let t = "é: ü\nkey: [a, 'b']\n";
        let n = read(t);
        let (k, v) = &n.as_map().unwrap()[1];
        assert_eq!(&t[k.span.clone()], "key");
        assert_eq!(&t[v.span.start..v.span.start + 1], "[");
        let Kind::Seq(items) = &v.kind else { panic!() };
        assert_eq!(&t[items[1].span.clone()], "'b'");
    }

    #[test]
    fn a_repeated_key_can_keep_its_last_value_in_its_first_place() {
        let text = "a: 1\nb: 2\na: 3\n";
        assert!(load(text, Limits::default()).is_err());
        let (n, repeated) = load_last_key_wins(text, Limits::default()).unwrap();
        let Kind::Map(entries) = &n.kind else {
            panic!()
        };
        let pairs: Vec<(&str, &str)> = entries
            .iter()
            .map(|(k, v)| (k.key_text().unwrap(), v.key_text().unwrap()))
            .collect();
        assert_eq!(pairs, [("a", "3"), ("b", "2")]);
        assert_eq!(repeated.len(), 1);
        assert_eq!(repeated[0].offset, 10);
        assert_eq!(repeated[0].message, "duplicate entry with key \"a\"");
    }

    #[test]
    fn anchors_aliases_and_tags() {
        let n = read("a: &x {k: 1}\nb: *x\nc: !!str 42\nd: !custom 5\n");
        assert_eq!(n.get("b").unwrap().get("k").unwrap().key_text(), Some("1"));
        assert_eq!(
            n.get("c").unwrap().as_scalar().unwrap().resolve(),
            Resolved::Str("42")
        );
        assert_eq!(
            n.get("d").unwrap().as_scalar().unwrap().resolve(),
            Resolved::Int(5)
        );
    }

    #[test]
    fn runaways_are_errors_at_their_place() {
        let deep = format!("a: {}1{}", "[".repeat(100), "]".repeat(100));
        let e = load(&deep, Limits::default()).unwrap_err();
        assert!(e.message.contains("nest more than 32"), "{e:?}");
        // The document's own mapping is the first level.
        assert_eq!(e.offset, 3 + 31);

        let deeper = format!("{}x", "- ".repeat(100_000));
        assert!(load(&deeper, Limits::default())
            .unwrap_err()
            .message
            .contains("nest more"));

        let laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n";
        let e = load(laughs, Limits::default()).unwrap_err();
        assert!(
            e.message.contains("aliases expand the document past"),
            "{e:?}"
        );

        let dup = load("a: 1\nb: 2\na: 3\n", Limits::default()).unwrap_err();
        assert_eq!(
            (dup.message.as_str(), dup.offset),
            ("duplicate entry with key \"a\"", 10)
        );

        let flow = "[".repeat(200_000);
        assert!(load(&flow, Limits::default()).is_err());
    }

    #[test]
    fn syntax_errors_have_byte_offsets() {
        let e = load("é: 'open\n", Limits::default()).unwrap_err();
        assert!(e.message.contains("quoted scalar"), "{e:?}");
        assert_eq!(e.offset, 4);
        assert!(load("a: [1, 2\n", Limits::default()).is_err());
        assert_eq!(read("").as_scalar().unwrap().resolve(), Resolved::Null);
        assert!(load("a: 1\n---\nb: 2\n", Limits::default())
            .unwrap_err()
            .message
            .contains("more than one"));
    }
}
