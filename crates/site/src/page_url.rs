//! A page's URL: the one its path gives (`a/b.md` → `a/b/`), or its `permalink:`,
//! normalised and refused when it would leave the site (see `out_path.rs`).

use portolan_dialect::{Diagnostic, FileId};

use crate::out_path;

/// The URL key of page `rel` with text `text`: its frontmatter's `permalink` when it has
/// one (normalised, and refused when it would leave the site), else the one its path gives
/// (see [`url_for`]).
pub fn page_url_key(rel: &str, text: &str) -> Result<String, PermalinkError> {
    match permalink_of(text) {
        Some((written, range)) => {
            out_path::permalink_key(&written).map_err(|bad| PermalinkError { range, bad })
        }
        None => Ok(url_for(rel)),
    }
}

/// A `permalink:` that cannot name a page, and where it is written.
#[derive(Debug, Clone)]
pub struct PermalinkError {
    range: std::ops::Range<usize>,
    bad: out_path::BadPermalink,
}

impl PermalinkError {
    /// `bad`, written at `range`.
    pub(crate) fn new(range: std::ops::Range<usize>, bad: out_path::BadPermalink) -> Self {
        PermalinkError { range, bad }
    }

    /// The error at the permalink's value in `file`.
    pub fn diagnostic(&self, file: FileId) -> Diagnostic {
        Diagnostic::error(
            portolan_dialect::Span::new(file, self.range.start, self.range.end),
            self.bad.message.clone(),
        )
        .with_label("this permalink")
        .with_hint(self.bad.hint)
    }
}

/// True when the file at `rel` (relative to content/) is a page: a markdown file outside
/// `assets/`. Files under `content/assets/` are copied as they are, markdown too (Kong
/// keeps raw changelogs there that pages embed), as Jekyll copies a file without
/// frontmatter.
pub fn is_page_path(rel: &str) -> bool {
    rel.ends_with(".md") && !rel.starts_with("assets/")
}

/// `a/b.md` → `a/b/`; `a/index.md` → `a/`; `index.md` → ``.
pub fn url_for(rel: &str) -> String {
    let stem = rel.strip_suffix(".md").unwrap_or(rel);
    let stem = stem
        .strip_suffix("index")
        .map(|s| s.trim_end_matches('/'))
        .unwrap_or(stem);
    if stem.is_empty() {
        String::new()
    } else {
        format!("{stem}/")
    }
}

/// A page's `permalink:` as written, and the byte range of its value in `text` (a
/// top-level key of its frontmatter, read without parsing the YAML: the URL is needed
/// before any page is rendered).
pub(crate) fn permalink_of(text: &str) -> Option<(String, std::ops::Range<usize>)> {
    frontmatter_scalar(text, "permalink")
}

/// True when the page says `published: false`: it is not part of the site.
pub(crate) fn is_unpublished(text: &str) -> bool {
    frontmatter_scalar(text, "published").is_some_and(|(v, _)| v == "false")
}

/// The value of top-level frontmatter key `key` written on its key's line, unquoted, and
/// its byte range in `text`.
fn frontmatter_scalar(text: &str, key: &str) -> Option<(String, std::ops::Range<usize>)> {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = text[bom..]
        .strip_prefix("---")?
        .trim_start_matches([' ', '\t', '\r'])
        .strip_prefix('\n')?;
    let mut at = text.len() - rest.len();
    for line in rest.split_inclusive('\n') {
        let start = at;
        at += line.len();
        let line = line.trim_end();
        if line == "---" || line == "..." {
            return None;
        }
        if let Some(v) = line.strip_prefix(key).and_then(|v| v.strip_prefix(':')) {
            let lead = v.len() - v.trim_start().len();
            let value = v.trim();
            let from = start + key.len() + 1 + lead;
            let unquoted = value.trim_matches(['"', '\'']).trim();
            return Some((unquoted.to_string(), from..from + value.len()));
        }
    }
    None
}

/// The key of the page a site-absolute path names, relative to the base: `/x`, `x/` and
/// `/x/?a#b` are all `x/`; the home page is ``.
pub(crate) fn url_key(path: &str) -> String {
    let t = path
        .split(['#', '?'])
        .next()
        .unwrap_or("")
        .trim_matches('/');
    if t.is_empty() {
        String::new()
    } else {
        format!("{t}/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_urls() {
        assert_eq!(url_for("index.md"), "");
        assert_eq!(url_for("konnect/index.md"), "konnect/");
        assert_eq!(
            url_for("konnect-platform/network.md"),
            "konnect-platform/network/"
        );
    }

    #[test]
    fn published_false_is_read_from_the_frontmatter() {
        assert!(is_unpublished("---\ntitle: A\npublished: false\n---\n"));
        assert!(!is_unpublished("---\ntitle: A\npublished: true\n---\n"));
        assert!(!is_unpublished("---\ntitle: A\n---\npublished: false\n"));
        assert!(!is_unpublished("---\ntitle: A\npublished_at: false\n---\n"));
        assert_eq!(
            permalink_of("---\npermalink: '/a/'\n---\n")
                .map(|p| p.0)
                .as_deref(),
            Some("/a/")
        );
    }
}
