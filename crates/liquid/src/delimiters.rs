//! Reading Liquid's delimiters: where the next `{{` or `{%` is and where it closes, quoted
//! literals and tag arguments.

/// The offset of the next `{{` or `{%` in `s`.
pub fn find_open(s: &str) -> Option<usize> {
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

/// The text inside a `"..."` or `'...'` literal.
pub fn quoted(s: &str) -> Option<&str> {
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
pub fn split_args(s: &str) -> Vec<(usize, &str)> {
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
        // Inside `{{ ... }}` (a value in a tag's arguments: `{% navtab {{ name }} %}`),
        // spaces do not split.
        let mut in_output = false;
        while i < b.len() {
            if quote.is_none() && b[i..].starts_with(b"{{") {
                in_output = true;
            } else if in_output && b[i..].starts_with(b"}}") {
                in_output = false;
                i += 2;
                continue;
            }
            match (quote, b[i]) {
                (None, c) if c.is_ascii_whitespace() && !in_output => break,
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
    fn a_value_in_arguments_is_one_word() {
        assert_eq!(
            split_args("{{ tab_name }} slug=x"),
            [(0, "{{ tab_name }}"), (15, "slug=x")]
        );
        assert_eq!(
            split_args("\"a {{ b }}\" c"),
            [(0, "\"a {{ b }}\""), (12, "c")]
        );
        assert_eq!(split_args("slug={{ a }}"), [(0, "slug={{ a }}")]);
    }

    #[test]
    fn dashes_and_literals() {
        assert_eq!(quoted("'a b'"), Some("a b"));
        assert_eq!(quoted("\"a'"), None);
        assert_eq!(
            split_args("a \"b c\" d=e"),
            [(0, "a"), (2, "\"b c\""), (8, "d=e")]
        );
    }
}
