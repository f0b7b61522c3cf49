//! Reading Liquid's delimiters: where the next `{{` or `{%` is, where it closes, whitespace
//! control dashes, quoted literals and tag arguments. Shared by the expander and by the
//! checks of values expanded one by one (frontmatter, table cells).

/// The offset of the next `{{` or `{%` in `s`.
pub(crate) fn find_open(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut from = 0;
    while let Some(k) = memchr::memchr(b'{', &b[from..]) {
        let i = from + k;
        match b.get(i + 1) {
            Some(b'{' | b'%') => return Some(i),
            _ => from = i + 1,
        }
    }
    None
}

/// The end of the line that holds `pos` (its `\n`, or the end of the text).
pub(crate) fn line_end(text: &str, pos: usize) -> usize {
    text[pos..].find('\n').map_or(text.len(), |i| pos + i)
}

/// `pos` moved past any whitespace (for `-%}` and `-}}`).
pub(crate) fn skip_ws(text: &str, pos: usize) -> usize {
    pos + (text[pos..].len() - text[pos..].trim_start().len())
}

/// The inside of a tag or output without its whitespace-control dashes: (inside, trims
/// left, trims right), for `{{- x -}}` and `{%- x -%}`.
pub(crate) fn trim_dashes(s: &str) -> (&str, bool, bool) {
    let (s, left) = match s.strip_prefix('-') {
        Some(r) => (r, true),
        None => (s, false),
    };
    let (s, right) = match s.strip_suffix('-') {
        Some(r) => (r, true),
        None => (s, false),
    };
    (s, left, right)
}

/// The text inside a `"..."` or `'...'` literal.
pub(crate) fn quoted(s: &str) -> Option<&str> {
    let b = s.as_bytes();
    (b.len() >= 2 && (b[0] == b'"' || b[0] == b'\'') && b[b.len() - 1] == b[0])
        .then(|| &s[1..s.len() - 1])
}

/// The next `pat` at or after a position, remembering the last answer: the positions asked
/// about only grow while one file is expanded, so a thousand unclosed `{{` do not each search
/// to the end of the file.
pub(crate) struct NextClose {
    pat: &'static str,
    /// The answer below holds for every position in `from..=at`.
    from: usize,
    at: Option<usize>,
}

impl NextClose {
    pub(crate) fn new(pat: &'static str) -> Self {
        NextClose {
            pat,
            from: usize::MAX,
            at: None,
        }
    }

    pub(crate) fn find(&mut self, text: &str, p: usize) -> Option<usize> {
        if self.from <= p && self.at.is_none_or(|a| p <= a) {
            return self.at;
        }
        let at = text.get(p..).and_then(|t| t.find(self.pat)).map(|i| p + i);
        self.from = p;
        self.at = at;
        at
    }
}

/// Splits tag arguments on whitespace, keeping quoted strings whole; yields (offset, word).
pub(crate) fn split_args(s: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let mut quote = None;
        while i < b.len() {
            match (quote, b[i]) {
                (None, c) if c.is_ascii_whitespace() => break,
                (None, c @ (b'"' | b'\'')) => quote = Some(c),
                (Some(q), c) if c == q => quote = None,
                _ => {}
            }
            i += 1;
        }
        out.push((start, &s[start..i]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_are_found_past_lone_braces() {
        assert_eq!(find_open("a { b {{ c"), Some(6));
        assert_eq!(find_open("{ {%"), Some(2));
        assert_eq!(find_open("{"), None);
        assert_eq!(find_open("}} {x"), None);
    }

    #[test]
    fn dashes_and_literals() {
        assert_eq!(trim_dashes("- x -"), (" x ", true, true));
        assert_eq!(trim_dashes(" x"), (" x", false, false));
        assert_eq!(quoted("'a b'"), Some("a b"));
        assert_eq!(quoted("\"a'"), None);
        assert_eq!(
            split_args("a \"b c\" d=e"),
            [(0, "a"), (2, "\"b c\""), (8, "d=e")]
        );
    }
}
