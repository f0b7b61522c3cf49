//! Writing a JSON value (what templates hold) as block YAML, in the style readers of decK
//! and Kubernetes files expect and serde_yaml (libyaml's emitter) wrote: maps indented two
//! spaces, lists in a map not indented, text plain where it reads back as the same text,
//! single-quoted where it would read as something else (`'3.10'`, `'true'`), double-quoted
//! with escapes where it holds characters a YAML file cannot show, and `|` blocks for text
//! over several lines.

use serde_json::Value;

use crate::node::{Resolved, Scalar, Style};

/// `v` as a YAML document (without a `---` line), ending in a newline.
pub fn to_string(v: &Value) -> String {
    let mut out = String::new();
    match v {
        Value::Object(m) if !m.is_empty() => map(&mut out, m, 0, false),
        Value::Array(a) if !a.is_empty() => seq(&mut out, a, 0, false),
        scalar => self::scalar(&mut out, scalar, 2),
    }
    out
}

fn map(out: &mut String, m: &serde_json::Map<String, Value>, indent: usize, first_inline: bool) {
    for (i, (k, v)) in m.iter().enumerate() {
        if i > 0 || !first_inline {
            pad(out, indent);
        }
        key(out, k, indent);
        match v {
            Value::Object(inner) if !inner.is_empty() => {
                out.push('\n');
                map(out, inner, indent + 2, false);
            }
            // A list in a map is not indented.
            Value::Array(items) if !items.is_empty() => {
                out.push('\n');
                seq(out, items, indent, false);
            }
            other => {
                out.push(' ');
                scalar(out, other, indent + 2);
            }
        }
    }
}

fn seq(out: &mut String, items: &[Value], indent: usize, first_inline: bool) {
    for (i, v) in items.iter().enumerate() {
        if i > 0 || !first_inline {
            pad(out, indent);
        }
        out.push_str("- ");
        match v {
            Value::Object(inner) if !inner.is_empty() => map(out, inner, indent + 2, true),
            Value::Array(inner) if !inner.is_empty() => seq(out, inner, indent + 2, true),
            other => scalar(out, other, indent + 2),
        }
    }
}

fn pad(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// A key: a single-line text key as a scalar, one over several lines as `? |` block.
fn key(out: &mut String, k: &str, indent: usize) {
    if k.contains('\n') || k.chars().count() > 128 {
        out.push_str("? ");
        text(out, k, indent + 2);
        pad(out, indent);
        out.push(':');
        return;
    }
    text_inline(out, k);
    out.push(':');
}

/// A scalar value and its line's end; a block scalar's lines are indented `block_indent`.
fn scalar(out: &mut String, v: &Value, block_indent: usize) {
    match v {
        Value::Null => out.push_str("null\n"),
        Value::Bool(b) => out.push_str(if *b { "true\n" } else { "false\n" }),
        Value::Number(n) => {
            match (n.as_i64(), n.as_u64(), n.as_f64()) {
                (Some(i), _, _) => out.push_str(itoa::Buffer::new().format(i)),
                (None, Some(u), _) => out.push_str(itoa::Buffer::new().format(u)),
                (None, None, Some(f)) => float(out, f),
                _ => out.push_str("null"),
            }
            out.push('\n');
        }
        Value::String(s) => text(out, s, block_indent),
        Value::Array(_) => out.push_str("[]\n"),
        Value::Object(_) => out.push_str("{}\n"),
    }
}

fn float(out: &mut String, f: f64) {
    if f.is_nan() {
        out.push_str(".nan");
    } else if f.is_infinite() {
        out.push_str(if f > 0.0 { ".inf" } else { "-.inf" });
    } else {
        out.push_str(ryu::Buffer::new().format_finite(f));
    }
}

/// Text as a value: a `|` block when it runs over several lines and can be one, else a
/// one-line scalar; then the line's end.
fn text(out: &mut String, s: &str, block_indent: usize) {
    if s.contains('\n') && block_allowed(s) {
        literal(out, s, block_indent);
    } else {
        text_inline(out, s);
        out.push('\n');
    }
}

/// A `|` block: chomping from its trailing line breaks, an indentation hint when its first
/// line starts with a space or is empty.
fn literal(out: &mut String, s: &str, indent: usize) {
    out.push('|');
    if s.starts_with([' ', '\n']) {
        out.push('2');
    }
    let trailing = s.len() - s.trim_end_matches('\n').len();
    match trailing {
        0 => out.push('-'),
        1 => {}
        _ => out.push('+'),
    }
    out.push('\n');
    let body = s.strip_suffix('\n').unwrap_or(s);
    for line in body.split('\n') {
        if !line.is_empty() {
            pad(out, indent);
            out.push_str(line);
        }
        out.push('\n');
    }
}

/// Whether `s` (over several lines) can be a `|` block: only printable characters, and no
/// space at a line's end (a block would keep it invisibly).
fn block_allowed(s: &str) -> bool {
    !s.chars().any(|c| c != '\n' && is_special(c)) && !s.contains(" \n") && !s.ends_with(' ')
}

/// A one-line scalar: plain when it reads back as the same text, else single-quoted, else
/// double-quoted with escapes.
fn text_inline(out: &mut String, s: &str) {
    if s.chars().any(|c| is_special(c) || c == '\n') {
        double_quoted(out, s);
    } else if plain_allowed(s) {
        out.push_str(s);
    } else {
        out.push('\'');
        out.push_str(&s.replace('\'', "''"));
        out.push('\'');
    }
}

/// Characters a YAML file cannot show as they are (libyaml's non-printable set, tabs and
/// the Unicode line breaks).
fn is_special(c: char) -> bool {
    !matches!(c, '\n' | ' '..='~' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
        || matches!(c, '\u{feff}' | '\u{2028}' | '\u{2029}')
}

/// Whether `s` may be written plain: it reads back as text (not `true`, `3.10`, `null`),
/// starts with no indicator, and holds no `: ` or ` #`.
fn plain_allowed(s: &str) -> bool {
    let read_back = Scalar {
        text: s.to_string(),
        style: Style::Plain,
        tag: None,
    };
    if !matches!(read_back.resolve(), Resolved::Str(_)) {
        return false;
    }
    let Some(first) = s.chars().next() else {
        return false;
    };
    if s.starts_with(' ') || s.ends_with(' ') || s.ends_with(':') {
        return false;
    }
    if s.starts_with("---") || s.starts_with("...") {
        return false;
    }
    if "#,[]{}&*!|>'\"%@`".contains(first) {
        return false;
    }
    if matches!(first, '-' | '?' | ':') && s[1..].chars().next().is_none_or(|c| c == ' ') {
        return false;
    }
    !(s.contains(": ") || s.contains(" #"))
}

fn double_quoted(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '\0' => out.push_str("\\0"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{b}' => out.push_str("\\v"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            '\u{1b}' => out.push_str("\\e"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{85}' => out.push_str("\\N"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            c if is_special(c) => {
                let n = c as u32;
                if n <= 0xff {
                    out.push_str(&format!("\\x{n:02X}"));
                } else if n <= 0xffff {
                    out.push_str(&format!("\\u{n:04X}"));
                } else {
                    out.push_str(&format!("\\U{n:08X}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// What serde_yaml 0.9 (libyaml's emitter) wrote for the same values.
    #[test]
    fn writes_what_libyaml_wrote() {
        for (text, yaml) in [
            ("plain", "k: plain\n"),
            ("3.0", "k: '3.0'\n"),
            ("3.10", "k: '3.10'\n"),
            ("42", "k: '42'\n"),
            ("-1", "k: '-1'\n"),
            ("true", "k: 'true'\n"),
            ("yes", "k: yes\n"),
            ("null", "k: 'null'\n"),
            ("~", "k: '~'\n"),
            ("", "k: ''\n"),
            (" lead", "k: ' lead'\n"),
            ("trail ", "k: 'trail '\n"),
            ("a: b", "k: 'a: b'\n"),
            ("a:b", "k: a:b\n"),
            ("a #b", "k: 'a #b'\n"),
            ("a#b", "k: a#b\n"),
            ("#x", "k: '#x'\n"),
            ("-x", "k: -x\n"),
            ("- x", "k: '- x'\n"),
            ("-", "k: '-'\n"),
            ("?x", "k: ?x\n"),
            (":x", "k: :x\n"),
            ("[x", "k: '[x'\n"),
            ("x,y", "k: x,y\n"),
            ("&x", "k: '&x'\n"),
            ("'x", "k: '''x'\n"),
            ("\"x", "k: '\"x'\n"),
            ("x'y", "k: x'y\n"),
            ("line1\nline2", "k: |-\n  line1\n  line2\n"),
            ("line1\nline2\n", "k: |\n  line1\n  line2\n"),
            ("tab\there", "k: \"tab\\there\"\n"),
            ("é ü", "k: é ü\n"),
            ("${{ env \"X\" }}", "k: ${{ env \"X\" }}\n"),
            ("http://a.b/c?d=e&f", "k: http://a.b/c?d=e&f\n"),
            ("1e3", "k: '1e3'\n"),
            ("0x1F", "k: '0x1F'\n"),
            (".inf", "k: '.inf'\n"),
            ("TRUE", "k: 'TRUE'\n"),
            ("key: value\nmore", "k: |-\n  key: value\n  more\n"),
            ("\u{1b}esc", "k: \"\\eesc\"\n"),
            ("x\r\ny", "k: \"x\\r\\ny\"\n"),
            ("0.5", "k: '0.5'\n"),
            ("+1", "k: '+1'\n"),
            ("1_000", "k: 1_000\n"),
            ("2024-05-28", "k: 2024-05-28\n"),
            ("multi\n\nblank", "k: |-\n  multi\n\n  blank\n"),
            ("trailing\n\n", "k: |+\n  trailing\n\n"),
            ("\nlead", "k: |2-\n\n  lead\n"),
            ("a \nb", "k: \"a \\nb\"\n"),
            ("a\n b", "k: |-\n  a\n   b\n"),
            ("---x", "k: '---x'\n"),
            ("a:", "k: 'a:'\n"),
            ("\u{feff}x", "k: \"\\uFEFFx\"\n"),
            ("\u{7f}", "k: \"\\x7F\"\n"),
            ("a\u{0}b", "k: \"a\\0b\"\n"),
        ] {
            assert_eq!(to_string(&json!({ "k": text })), yaml, "{text:?}");
        }
    }

    #[test]
    fn collections_as_libyaml_laid_them_out() {
        let v = json!({"a": [1, 2.5, true, null], "b": {"c": [], "d": {}}, "e": [{"x": 1, "y": [1]}, [1, 2], []], "f": 1.0, "g": -0.0, "h": 1e300});
        assert_eq!(
            to_string(&v),
            "a:\n- 1\n- 2.5\n- true\n- null\nb:\n  c: []\n  d: {}\ne:\n- x: 1\n  y:\n  - 1\n- - 1\n  - 2\n- []\nf: 1.0\ng: -0.0\nh: 1e300\n"
        );
        assert_eq!(
            to_string(&json!(["a", {"b": "c"}, [["d"]]])),
            "- a\n- b: c\n- - - d\n"
        );
        assert_eq!(to_string(&json!("top")), "top\n");
        assert_eq!(to_string(&json!(null)), "null\n");
        assert_eq!(
            to_string(&json!({"nested": {"deeper": {"list": [{"k": "v", "l": [{"m": "n"}]}]}}})),
            "nested:\n  deeper:\n    list:\n    - k: v\n      l:\n      - m: n\n"
        );
        assert_eq!(
            to_string(&json!({"k with space": 1, "3.0": 2, "true": 3, "": 4, "a:b": 5})),
            "k with space: 1\n'3.0': 2\n'true': 3\n'': 4\na:b: 5\n"
        );
        assert_eq!(
            to_string(&json!({"multi": "one\ntwo", "list": ["one\ntwo", "x"]})),
            "multi: |-\n  one\n  two\nlist:\n- |-\n  one\n  two\n- x\n"
        );
        assert_eq!(
            to_string(&json!({"f": [0.1, 1e16, 123456.0, 1.5e-7, f64::MAX]})),
            "f:\n- 0.1\n- 1e16\n- 123456.0\n- 1.5e-7\n- 1.7976931348623157e308\n"
        );
    }

    /// What is written reads back as the same value.
    #[test]
    fn what_is_written_reads_back() {
        let v = json!({"s": ["3.10", "yes", "a: b", "x\ny", "tab\tx", "'q'", "\u{1b}", ""], "n": [1, -2, 0.5], "m": {"k": null}});
        let yaml = to_string(&v);
        let node = crate::load::load(&yaml, crate::load::Limits::default()).unwrap();
        let back: serde_json::Value = crate::de::from_node(&node).unwrap();
        assert_eq!(back, v, "{yaml}");
    }
}
