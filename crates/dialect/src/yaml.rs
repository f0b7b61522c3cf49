//! YAML as content holds it: a guard run before serde_yaml reads it (how deep its
//! collections nest), and serde_yaml's messages made true to the file they came from.
//!
//! The guard is needed because libyaml's scanner checks every pending "simple key" on every token, and flow
//! collections (`[`, `{`) keep one pending per level, so `[[[[...` takes time proportional
//! to the square of its length (200 KB took 27 s). serde_yaml's own recursion limit applies
//! only after the whole document was scanned. This guard walks libyaml's events itself and
//! stops at the first collection nested deeper than [`MAX_YAML_DEPTH`]; libyaml scans at
//! most about 1 KiB ahead of the events it produces, so the work stays linear.

use std::mem::MaybeUninit;
use std::ops::Range;

use unsafe_libyaml as unsafe_sys;

use std::sync::Arc;

use portolan_liquid::{Map, Value};

use crate::diag::{FileId, Span};
use crate::limits::MAX_YAML_DEPTH;

/// Where YAML first nests deeper than [`MAX_YAML_DEPTH`]: a byte offset into the YAML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TooDeep {
    /// Byte offset of the collection that is one level too deep.
    pub offset: usize,
}

/// Checks that collections in `yaml` nest at most [`MAX_YAML_DEPTH`] deep. YAML that does
/// not parse passes: serde_yaml reports the syntax error with its position.
pub(crate) fn check_depth(yaml: &str) -> Result<(), TooDeep> {
    // Cheap: a document with fewer openers than the limit cannot exceed it (block
    // collections start with `- ` or `key:`, which also count here only when written).
    let openers = yaml
        .bytes()
        .filter(|b| matches!(b, b'[' | b'{' | b'-' | b':' | b'?'))
        .take(MAX_YAML_DEPTH + 1)
        .count();
    if openers <= MAX_YAML_DEPTH {
        return Ok(());
    }
    // SAFETY: the parser lives in a Box (libyaml keeps pointers into it), is initialised
    // before use and deleted exactly once; the input string outlives it; every event that
    // yaml_parser_parse fills is deleted before the next call.
    unsafe {
        let mut parser: Box<MaybeUninit<unsafe_sys::yaml_parser_t>> =
            Box::new(MaybeUninit::uninit());
        let p = parser.as_mut_ptr();
        if unsafe_sys::yaml_parser_initialize(p).fail {
            return Ok(());
        }
        unsafe_sys::yaml_parser_set_encoding(p, unsafe_sys::YAML_UTF8_ENCODING);
        unsafe_sys::yaml_parser_set_input_string(p, yaml.as_ptr(), yaml.len() as u64);
        let mut depth = 0usize;
        let mut result = Ok(());
        let mut event = MaybeUninit::<unsafe_sys::yaml_event_t>::uninit();
        loop {
            if unsafe_sys::yaml_parser_parse(p, event.as_mut_ptr()).fail {
                break;
            }
            let ev = event.as_mut_ptr();
            let kind = (*ev).type_;
            let offset = (*ev).start_mark.index as usize;
            unsafe_sys::yaml_event_delete(ev);
            match kind {
                unsafe_sys::YAML_SEQUENCE_START_EVENT | unsafe_sys::YAML_MAPPING_START_EVENT => {
                    depth += 1;
                    if depth > MAX_YAML_DEPTH {
                        result = Err(TooDeep {
                            offset: offset.min(yaml.len()),
                        });
                        break;
                    }
                }
                unsafe_sys::YAML_SEQUENCE_END_EVENT | unsafe_sys::YAML_MAPPING_END_EVENT => {
                    depth = depth.saturating_sub(1)
                }
                unsafe_sys::YAML_STREAM_END_EVENT | unsafe_sys::YAML_NO_EVENT => break,
                _ => {}
            }
        }
        unsafe_sys::yaml_parser_delete(p);
        result
    }
}

/// serde_yaml's message made true to the file: its trailing " at line L column C" dropped
/// (the caller prints the position itself) and any other "line N" inside it (serde_yaml
/// counts from the start of the YAML) moved to the file's own line numbers by `line_of`.
pub(crate) fn yaml_message(e: &serde_yaml::Error, line_of: &dyn Fn(usize) -> usize) -> String {
    let mut msg = e.to_string();
    if let Some(l) = e.location() {
        let suffix = format!(" at line {} column {}", l.line(), l.column());
        if let Some(m) = msg.strip_suffix(&suffix) {
            msg = m.to_string();
        }
    }
    let mut out = String::with_capacity(msg.len());
    let mut rest = msg.as_str();
    while let Some(i) = rest.find("line ") {
        out.push_str(&rest[..i + 5]);
        rest = &rest[i + 5..];
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        match rest[..digits].parse::<usize>() {
            Ok(n) => out.push_str(&line_of(n).to_string()),
            Err(_) => out.push_str(&rest[..digits]),
        }
        rest = &rest[digits..];
    }
    out.push_str(rest);
    out
}

/// The span of top-level key `key` in `text[yaml]` (a line that starts with it, quoted or
/// not, followed by `:`), if it is written.
pub fn key_span(file: FileId, text: &str, yaml: Range<usize>, key: &str) -> Option<Span> {
    top_level_keys(file, text, yaml)
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, s)| s)
}

/// Every top-level key of `text[yaml]`, where it is first written, in order: lines that
/// start at column 0 (after an optional quote) with a name followed by `:`. One pass, so looking up
/// every key of a large document stays linear.
pub(crate) fn top_level_keys(file: FileId, text: &str, yaml: Range<usize>) -> Vec<(String, Span)> {
    let mut keys: Vec<(String, Span)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut ls = yaml.start;
    while ls < yaml.end {
        let le = text[ls..yaml.end].find('\n').map_or(yaml.end, |i| ls + i);
        let line = &text[ls..le];
        if line.starts_with([' ', '\t', '-', '#']) {
            ls = le + 1;
            continue;
        }
        let stripped = line
            .strip_prefix('"')
            .or_else(|| line.strip_prefix('\''))
            .unwrap_or(line);
        let skip = line.len() - stripped.len();
        if let Some(colon) = stripped.find(':') {
            let name = stripped[..colon].trim_end_matches(['"', '\'']);
            if !name.is_empty() && seen.insert(name) {
                let start = ls + skip;
                keys.push((name.to_string(), Span::new(file, start, start + name.len())));
            }
        }
        ls = le + 1;
    }
    keys
}

/// A YAML value as Liquid sees it (frontmatter, data files, portolan.yaml), merge keys
/// applied.
pub(crate) fn to_value(v: &serde_yaml::Value) -> Value {
    match v {
        serde_yaml::Value::Null => Value::Nil,
        serde_yaml::Value::Bool(b) => Value::Bool(*b),
        serde_yaml::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Float(n.as_f64().unwrap_or(0.0)),
        },
        serde_yaml::Value::String(s) => Value::str(s.as_str()),
        serde_yaml::Value::Sequence(items) => Value::array(items.iter().map(to_value).collect()),
        serde_yaml::Value::Mapping(m) => mapping_value(m),
        serde_yaml::Value::Tagged(t) => to_value(&t.value),
    }
}

/// [`to_value`] of a mapping, without wrapping (and copying) it first.
pub(crate) fn mapping_value(m: &serde_yaml::Mapping) -> Value {
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
                        map.insert(key, to_value(v2));
                    }
                }
            }
            continue;
        }
        map.insert(yaml_key(k).into(), to_value(v));
    }
    Value::map(map)
}

fn yaml_key(k: &serde_yaml::Value) -> String {
    match k {
        serde_yaml::Value::String(s) => s.clone(),
        other => to_value(other).scalar_text(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shallow_yaml_passes() {
        assert_eq!(check_depth("title: A\nfaqs:\n  - q: x\n    a: y\n"), Ok(()));
        // The top-level map is one level.
        let n = MAX_YAML_DEPTH - 1;
        assert_eq!(
            check_depth(&format!("x: {}{}", "[".repeat(n), "]".repeat(n))),
            Ok(())
        );
        assert!(check_depth(&format!("x: {}{}", "[".repeat(n + 1), "]".repeat(n + 1))).is_err());
        assert_eq!(
            check_depth("x: [unclosed"),
            Ok(()),
            "syntax errors are serde_yaml's to report"
        );
    }

    #[test]
    fn deep_flow_and_block_nesting_is_refused_quickly() {
        let n = 200_000;
        let t = std::time::Instant::now();
        let deep = format!("x: {}", "[".repeat(n));
        assert_eq!(
            check_depth(&deep),
            Err(TooDeep {
                offset: 3 + MAX_YAML_DEPTH - 1
            })
        );
        let block = format!("x:\n{}y\n", "- ".repeat(n));
        assert!(check_depth(&block).is_err());
        let mixed = format!("x: {}", "{a: [".repeat(n));
        assert!(check_depth(&mixed).is_err());
        // A hang guard (unguarded, 200 KB took 27 s), not a performance figure.
        assert!(t.elapsed().as_secs() < 60, "{:?}", t.elapsed());
    }
}
