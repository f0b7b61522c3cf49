//! YAML in the dialect: every text read with [`read`] (frontmatter, data files, table and
//! component bodies) through `portolan_yaml`, with the dialect's limits and its positions
//! moved into the file; and a YAML node as Liquid sees it ([`to_value`]: merge keys applied,
//! plain scalars typed as Jekyll types them).

use std::sync::Arc;

use portolan_liquid::{Map, Value};
use portolan_yaml::{ErrorKind, Kind, Limits, Node, Resolved};

use crate::limits::MAX_YAML_DEPTH;

/// How large a YAML text in content may grow once its aliases are expanded.
const MAX_YAML_NODES: usize = 1_000_000;

/// Why a YAML text could not be read: too deep, or not YAML; at a byte offset of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct YamlError {
    /// Nested deeper than [`MAX_YAML_DEPTH`] (the caller says so in its own words).
    pub(crate) too_deep: bool,
    /// The reader's message.
    pub(crate) message: String,
    /// Where, in the text read.
    pub(crate) offset: usize,
}

/// Reads `text` as one YAML document with the dialect's limits.
///
/// As libyaml reads it (Kong's site is Jekyll, whose YAML is libyaml's), a quoted scalar's
/// continuation lines may sit left of the block they are in: a value Liquid wrote into a
/// quoted string often holds line breaks. The YAML spec (and saphyr-parser) refuses those
/// lines; since a continuation line's leading blanks are folded away anyway, they are
/// indented here and the text read again, positions mapped back to the text as written.
pub(crate) fn read(text: &str) -> Result<Node, YamlError> {
    read_with(text, false).map(|(node, _)| node)
}

/// [`read`] for a component's body: a key given twice keeps its last value, as Jekyll's
/// YAML reads it (Kong's pages have such bodies), and each repeated key is returned for a
/// warning.
pub(crate) fn read_body(text: &str) -> Result<(Node, Vec<YamlError>), YamlError> {
    read_with(text, true)
}

fn read_with(text: &str, last_key_wins: bool) -> Result<(Node, Vec<YamlError>), YamlError> {
    let limits = Limits {
        depth: MAX_YAML_DEPTH,
        nodes: MAX_YAML_NODES,
    };
    let load = |text: &str| {
        if last_key_wins {
            portolan_yaml::load_last_key_wins(text, limits)
        } else {
            portolan_yaml::load(text, limits).map(|node| (node, Vec::new()))
        }
    };
    let mut fixed = std::borrow::Cow::Borrowed(text);
    // (offset in `fixed`, bytes inserted there), in order.
    let mut inserted: Vec<(usize, usize)> = Vec::new();
    for _ in 0..MAX_REINDENTED_SCALARS {
        match load(&fixed) {
            Ok((mut node, repeated)) => {
                if !inserted.is_empty() {
                    remap(&mut node, &inserted);
                }
                let repeated = repeated
                    .into_iter()
                    .map(|e| yaml_error(e, &inserted, text))
                    .collect();
                return Ok((node, repeated));
            }
            Err(e) if e.message == "invalid indentation in quoted scalar" => {
                // The first time, every quoted scalar over several lines at once (a table
                // of a hundred rows would take a hundred reads); then one by one.
                let next = if inserted.is_empty() {
                    reindent_all_quoted(&fixed).or_else(|| reindent_quoted(&fixed, e.offset))
                } else {
                    reindent_quoted(&fixed, e.offset)
                };
                match next {
                    Some((next, at)) => {
                        inserted.extend(at);
                        inserted.sort_unstable();
                        fixed = std::borrow::Cow::Owned(next);
                    }
                    None => return Err(yaml_error(unclosed_quote(e, &fixed), &inserted, text)),
                }
            }
            Err(e) => return Err(yaml_error(e, &inserted, text)),
        }
    }
    match load(&fixed) {
        Ok((mut node, repeated)) => {
            remap(&mut node, &inserted);
            let repeated = repeated
                .into_iter()
                .map(|e| yaml_error(e, &inserted, text))
                .collect();
            Ok((node, repeated))
        }
        Err(e) => Err(yaml_error(e, &inserted, text)),
    }
}

/// `e` (bad indentation in the quoted scalar it points at) said as what it is when that
/// quote is never closed: the lines after it are the rest of the text, not a continuation.
fn unclosed_quote(mut e: portolan_yaml::Error, text: &str) -> portolan_yaml::Error {
    let bytes = text.as_bytes();
    if matches!(bytes.get(e.offset), Some(b'"' | b'\'')) && closing_quote(bytes, e.offset).is_none()
    {
        e.message = "while scanning a quoted scalar, found unexpected end of stream".to_string();
    }
    e
}

/// How many quoted scalars one text may have indented for it (each is a read again).
const MAX_REINDENTED_SCALARS: usize = 64;

fn yaml_error(e: portolan_yaml::Error, inserted: &[(usize, usize)], text: &str) -> YamlError {
    YamlError {
        too_deep: e.kind == ErrorKind::TooDeep,
        message: e.message,
        offset: original(e.offset, inserted).min(text.len()),
    }
}

/// The offset in the text as written of offset `at` of the re-indented text.
fn original(at: usize, inserted: &[(usize, usize)]) -> usize {
    let mut shift = 0;
    for &(pos, n) in inserted {
        if pos < at {
            shift += n.min(at - pos);
        }
    }
    at - shift
}

fn remap(node: &mut Node, inserted: &[(usize, usize)]) {
    let mut todo = vec![node];
    while let Some(n) = todo.pop() {
        n.span = original(n.span.start, inserted)..original(n.span.end, inserted);
        match &mut n.kind {
            Kind::Scalar(_) => {}
            Kind::Seq(items) => todo.extend(items.iter_mut()),
            Kind::Map(entries) => {
                for (k, v) in entries.iter_mut() {
                    todo.push(k);
                    todo.push(v);
                }
            }
        }
    }
}

/// Every quoted scalar of `text` that runs over several lines, re-indented (see
/// [`reindent_quoted`]): a quote that starts a value (after `key: `, `- `, `[`, `{`, `,`
/// or a line's indentation) opens one; quotes inside plain text and comments do not.
fn reindent_all_quoted(text: &str) -> Option<(String, Vec<(usize, usize)>)> {
    let bytes = text.as_bytes();
    let mut starts = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'#' && (i == 0 || matches!(bytes[i - 1], b' ' | b'\t' | b'\n')) {
            // A comment: to the end of its line.
            i = text[i..].find('\n').map_or(bytes.len(), |n| i + n);
            continue;
        }
        if b == b'"' || b == b'\'' {
            let before = text[..i].trim_end_matches([' ', '\t']);
            let starts_value = before.is_empty()
                || before.ends_with(['\n', ':', '-', '[', '{', ',']) && !before.ends_with("::");
            if starts_value {
                if let Some(end) = closing_quote(bytes, i) {
                    if text[i..end].contains('\n') {
                        starts.push(i);
                    }
                    i = end + 1;
                    continue;
                }
                return None;
            }
        }
        i += 1;
    }
    if starts.is_empty() {
        return None;
    }
    let mut fixed = text.to_string();
    let mut inserted: Vec<(usize, usize)> = Vec::new();
    // From the last, so earlier offsets stay where they are.
    for &start in starts.iter().rev() {
        let (next, at) = reindent_quoted(&fixed, start)?;
        let added: usize = at.iter().map(|(_, n)| n).sum();
        for p in inserted.iter_mut() {
            p.0 += added;
        }
        inserted.extend(at);
        fixed = next;
    }
    inserted.sort_unstable();
    Some((fixed, inserted))
}

/// Where the quoted scalar opening at `start` closes: `\"` escapes in double quotes, `''`
/// in single ones.
fn closing_quote(bytes: &[u8], start: usize) -> Option<usize> {
    let quote = bytes[start];
    let mut i = start + 1;
    loop {
        match bytes.get(i)? {
            b'\\' if quote == b'"' => i += 2,
            b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            &b if b == quote => return Some(i),
            _ => i += 1,
        }
    }
}

/// The quoted scalar that opens at `start` of `text`, its continuation lines indented one
/// column past its opening quote: the new text and where spaces went (offsets in it).
fn reindent_quoted(text: &str, start: usize) -> Option<(String, Vec<(usize, usize)>)> {
    let quote = *text.as_bytes().get(start)?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let column = text[line_start..start].chars().count() + 1;
    let pad = " ".repeat(column);
    let end = closing_quote(text.as_bytes(), start)?;
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = Vec::new();
    out.push_str(&text[..start]);
    // Every line after the first, the closing quote's included.
    for (n, line) in text[start..=end].split_inclusive('\n').enumerate() {
        if n > 0 {
            at.push((out.len(), pad.len()));
            out.push_str(&pad);
        }
        out.push_str(line);
    }
    out.push_str(&text[end + 1..]);
    Some((out, at))
}

/// A YAML node as Liquid sees it (frontmatter, data files, portolan.yaml): mappings with
/// merge keys applied, plain scalars typed (`3.10` is the number 3.1, as Jekyll reads it;
/// typed frontmatter fields keep the text).
pub(crate) fn to_value(node: &Node) -> Value {
    match &node.kind {
        Kind::Scalar(s) => match s.resolve() {
            Resolved::Null => Value::Nil,
            Resolved::Bool(b) => Value::Bool(b),
            Resolved::Int(i) => Value::Int(i),
            Resolved::Float(f) => Value::Float(f),
            Resolved::Str(t) => Value::str(t),
        },
        Kind::Seq(items) => Value::array(items.iter().map(to_value).collect()),
        Kind::Map(entries) => map_value(entries),
    }
}

fn map_value(entries: &[(Node, Node)]) -> Value {
    let mut map = Map::with_capacity(entries.len());
    let written = |key: &str| entries.iter().any(|(k, _)| k.key_text() == Some(key));
    for (k, v) in entries {
        if k.key_text() == Some("<<") {
            // A merge key: the merged maps' entries, unless written here.
            let merged: Vec<&Node> = match &v.kind {
                Kind::Seq(items) => items.iter().collect(),
                _ => vec![v],
            };
            for m in merged.into_iter().filter_map(Node::as_map) {
                for (k2, v2) in m {
                    let key: Arc<str> = key_text(k2).into();
                    if !written(&key) && !map.contains_key(&key) {
                        map.insert(key, to_value(v2));
                    }
                }
            }
            continue;
        }
        map.insert(key_text(k).into(), to_value(v));
    }
    Value::map(map)
}

/// A key as Liquid looks it up: a scalar's text; a collection's text as Liquid writes it.
fn key_text(k: &Node) -> String {
    match k.as_scalar() {
        Some(s) => s.text.clone(),
        None => to_value(k)
            .render_within(&mut portolan_liquid::Budget::default())
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// libyaml reads a quoted scalar whose lines sit left of its block; so does Portolan,
    /// positions kept.
    #[test]
    fn quoted_scalars_over_lines_read_as_libyaml_reads_them() {
        let t = "rows:\n  - a: \"one\ntwo\"\n    b: 'x\ny'\n    c: z\n";
        let n = read(t).unwrap();
        let Kind::Seq(rows) = &n.get("rows").unwrap().kind else {
            panic!()
        };
        assert_eq!(rows[0].get("a").unwrap().key_text(), Some("one two"));
        assert_eq!(rows[0].get("b").unwrap().key_text(), Some("x y"));
        let c = rows[0].get("c").unwrap();
        assert_eq!(&t[c.span.clone()], "z");
        // A quote never closed is said to be, at the quote.
        let e = read("a:\n  - \"open\nnever closed\n").unwrap_err();
        assert_eq!(
            (e.message.as_str(), e.offset),
            (
                "while scanning a quoted scalar, found unexpected end of stream",
                7
            )
        );
        // A value that ends in a line break: its closing quote starts a line.
        let t = "rows:\n  - a: \"one\n\"\n    b: \"[x](/y/)\n\"\n";
        let n = read(t).unwrap();
        let Kind::Seq(rows) = &n.get("rows").unwrap().kind else {
            panic!()
        };
        assert_eq!(rows[0].get("b").unwrap().key_text(), Some("[x](/y/) "));
        // A hundred rows are read in two passes, comments and quotes in plain text left be.
        let many: String = (0..100)
            .map(|i| format!("  - a: \"row {i}\nmore\" # it's\n    b: it's \"x\"\n"))
            .collect();
        let n = read(&format!("rows:\n{many}")).unwrap();
        let Kind::Seq(rows) = &n.get("rows").unwrap().kind else {
            panic!()
        };
        assert_eq!(rows[99].get("a").unwrap().key_text(), Some("row 99 more"));
        assert_eq!(rows[99].get("b").unwrap().key_text(), Some("it's \"x\""));
    }

    #[test]
    fn merge_keys_are_applied() {
        let n = read("base: &b\n  x: 1\n  y: 2\nitem:\n  <<: *b\n  y: 3\n").unwrap();
        let item = to_value(&n).member("item");
        assert_eq!(item.member("x").scalar_text(), "1");
        assert_eq!(item.member("y").scalar_text(), "3");
    }

    /// 200 KB of `[` took libyaml 27 s (its scanner is quadratic in flow depth): now an
    /// error at once.
    #[test]
    fn deep_yaml_is_refused_at_once() {
        let e = read(&"[".repeat(200_000)).unwrap_err();
        assert!(e.too_deep || !e.message.is_empty());
        let e = read(&format!("a: {}", "[".repeat(40))).unwrap_err();
        assert!(e.too_deep);
        assert_eq!(e.offset, 3 + MAX_YAML_DEPTH - 1);
    }
}
