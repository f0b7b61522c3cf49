//! YAML frontmatter: split from the body, parsed into [`FrontMatter`], Liquid expanded.
//!
//! Syntax and type errors carry the real line and column of the file (the frontmatter
//! starts on line 2). A key Portolan does not know is a warning at its line, with a
//! suggestion, so a typo never vanishes silently.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::diag::{did_you_mean, floor_char_boundary, is_full, line_col, push_limited};
use crate::diag::{Diagnostic, FileId, Finder, Span};
use crate::vars::{check_expressions, expand_lenient};
use crate::yaml::{check_depth, top_level_keys, yaml_message};
use crate::Variables;

/// A related resource link shown in the side box.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelatedResource {
    /// Link text.
    pub text: String,
    /// Target.
    pub url: String,
}

/// One question and answer; both are markdown with Liquid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Faq {
    /// The question.
    pub q: String,
    /// The answer.
    pub a: String,
}

/// The frontmatter of a page, typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FrontMatter {
    /// Page title (required).
    pub title: String,
    /// A shorter title for breadcrumbs and navigation.
    pub short_title: Option<String>,
    /// One or two sentences: the lead paragraph and the meta description.
    pub description: Option<String>,
    /// Kong's content type, e.g. `reference`.
    pub content_type: Option<String>,
    /// The theme template to render with (defaults to `page`).
    pub layout: Option<String>,
    /// URLs of the pages above this one.
    pub breadcrumbs: Vec<String>,
    /// Product ids (shown as "Uses" badges).
    pub products: Vec<String>,
    /// Where it works: `on-prem`, `konnect`.
    pub works_on: Vec<String>,
    /// Tool ids (shown as badges).
    pub tools: Vec<String>,
    /// Links for the "Related Resources" box.
    pub related_resources: Vec<RelatedResource>,
    /// Questions and answers.
    pub faqs: Vec<Faq>,
    /// Order among siblings in navigation (smaller first).
    pub weight: Option<i64>,
    /// Where the frontmatter and its keys are written (not part of the page model).
    #[serde(skip)]
    pub spans: FrontSpans,
}

/// Where a page's frontmatter is written: what problems found after parsing (a layout the
/// theme lacks, a breadcrumb to no page, a value in an FAQ) point at.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FrontSpans {
    /// The YAML between the fences.
    pub yaml: Option<Range<usize>>,
    /// Where the body starts.
    pub body_start: usize,
    /// Each top-level key as written, in order.
    pub keys: Vec<(String, Span)>,
    /// Each breadcrumb's value as written, in order (the frontmatter's start for one that
    /// is not written verbatim).
    pub breadcrumbs: Vec<Span>,
}

impl FrontSpans {
    /// Where top-level key `key` is written.
    pub fn key(&self, key: &str) -> Option<Span> {
        self.keys.iter().find(|(k, _)| k == key).map(|(_, s)| *s)
    }

    /// Where key `key` is written, else the start of the frontmatter (of the file when it
    /// has none).
    pub fn key_or_start(&self, file: FileId, key: &str) -> Span {
        self.key(key).unwrap_or_else(|| self.start(file))
    }

    fn start(&self, file: FileId) -> Span {
        let at = self.yaml.as_ref().map_or(0, |y| y.start);
        Span::new(file, at, at)
    }
}

/// The keys [`FrontMatter`] reads.
pub(crate) const KNOWN_KEYS: &[&str] = &[
    "title",
    "short_title",
    "description",
    "content_type",
    "layout",
    "breadcrumbs",
    "products",
    "works_on",
    "tools",
    "related_resources",
    "faqs",
    "weight",
];

/// Where the YAML sits in the file (between the `---` lines).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RawFront {
    /// Start byte of the YAML.
    pub(crate) start: usize,
    /// End byte of the YAML.
    pub(crate) end: usize,
}

/// A page split into frontmatter and body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Split {
    /// The frontmatter, if the page has one.
    pub(crate) front: Option<RawFront>,
    /// Where the body starts.
    pub(crate) body_start: usize,
}

/// Splits `text` at its frontmatter fences (`---` ... `---` or `...`). A leading BOM is
/// skipped.
pub(crate) fn split(file: FileId, text: &str) -> Result<Split, Diagnostic> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let first_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    if text[start..first_end].trim_end() != "---" {
        return Ok(Split {
            front: None,
            body_start: start,
        });
    }
    let yaml_start = (first_end + 1).min(text.len());
    let mut ls = yaml_start;
    while ls < text.len() {
        let le = text[ls..].find('\n').map_or(text.len(), |i| ls + i);
        let line = text[ls..le].trim_end();
        if line == "---" || line == "..." {
            return Ok(Split {
                front: Some(RawFront {
                    start: yaml_start,
                    end: ls,
                }),
                body_start: (le + 1).min(text.len()),
            });
        }
        ls = le + 1;
    }
    Err(Diagnostic::error(
        Span::new(file, start, first_end),
        "frontmatter is never closed",
    )
    .with_label("frontmatter opens here")
    .with_hint("end the frontmatter with a line holding only `---`"))
}

/// Parses and checks the frontmatter at `raw`, expanding Liquid in its text fields.
/// Returns `None` when it cannot be read at all (the errors say why).
pub(crate) fn parse(
    file: FileId,
    text: &str,
    raw: RawFront,
    body_start: usize,
    site: &Variables,
    diags: &mut Vec<Diagnostic>,
) -> Option<FrontMatter> {
    let yaml = &text[raw.start..raw.end];
    let error_at = |e: &serde_yaml::Error| {
        let at = e
            .location()
            .map_or(raw.start, |l| raw.start + l.index().min(yaml.len()));
        let at = floor_char_boundary(text, at);
        Diagnostic::error(
            Span::new(file, at, at),
            format!(
                "invalid frontmatter: {}",
                yaml_message(e, line_col(text, raw.start).0)
            ),
        )
        .with_label("here")
    };
    if let Err(deep) = check_depth(yaml) {
        let at = floor_char_boundary(text, raw.start + deep.offset);
        diags.push(
            Diagnostic::error(
                Span::new(file, at, at),
                format!(
                    "frontmatter nests more than {} levels deep",
                    crate::limits::MAX_YAML_DEPTH
                ),
            )
            .with_label("one level too deep")
            .with_hint("frontmatter holds text, lists of text and lists of `key: value` maps"),
        );
        return None;
    }
    let value: serde_yaml::Value = match serde_yaml::from_str(yaml) {
        Ok(v) => v,
        Err(e) => {
            diags.push(error_at(&e).with_hint("frontmatter is YAML; a value holding `: ` or starting with `{`, `[`, `*` or `'` needs quotes"));
            return None;
        }
    };
    let map = match value {
        serde_yaml::Value::Mapping(m) => m,
        serde_yaml::Value::Null => serde_yaml::Mapping::new(),
        _ => {
            diags.push(
                Diagnostic::error(
                    Span::new(file, raw.start, raw.start),
                    "frontmatter must be a map of `key: value` lines",
                )
                .with_label("here"),
            );
            return None;
        }
    };
    let keys = top_level_keys(file, text, raw.start..raw.end);
    let key_at = |k: &str| {
        keys.iter()
            .find(|(name, _)| name == k)
            .map_or(Span::new(file, raw.start, raw.start), |(_, s)| *s)
    };
    for key in map.keys() {
        let Some(k) = key.as_str() else { continue };
        if KNOWN_KEYS.contains(&k) {
            continue;
        }
        if is_full(diags) {
            // Suggesting a name for each would make a million unknown keys slow.
            push_limited(
                diags,
                Diagnostic::warning(
                    Span::new(file, raw.start, raw.start),
                    format!("unknown frontmatter key `{k}`"),
                ),
            );
            break;
        }
        let d = Diagnostic::warning(key_at(k), format!("unknown frontmatter key `{k}`"))
            .with_label("Portolan does not use this key");
        push_limited(
            diags,
            match did_you_mean(k, KNOWN_KEYS.iter().copied()) {
                Some(s) => d.with_hint(format!("did you mean `{s}`?")),
                None => d.with_hint(format!("known keys: {}", KNOWN_KEYS.join(", "))),
            },
        );
    }
    // From the parsed value (no second parse); only a failure parses again, for the position.
    let typed = serde_yaml::from_value::<FrontMatter>(serde_yaml::Value::Mapping(map))
        .or_else(|_| serde_yaml::from_str::<FrontMatter>(yaml));
    let mut front: FrontMatter = match typed {
        Ok(f) => f,
        Err(e) => {
            diags.push(error_at(&e).with_hint("see the frontmatter keys in README.md: lists such as `breadcrumbs` and `faqs` hold `- ` items"));
            return None;
        }
    };
    check_expressions(site, None, file, text, raw.start, raw.end, diags);
    let x = |s: &str| expand_lenient(site, None, s);
    front.title = x(&front.title).trim().to_string();
    front.short_title = front.short_title.as_deref().map(x);
    front.description = front.description.as_deref().map(x);
    for r in &mut front.related_resources {
        r.text = x(&r.text).trim().to_string();
    }
    for f in &mut front.faqs {
        f.q = x(&f.q);
        f.a = x(&f.a);
    }
    if front.title.is_empty() {
        let span = key_at("title");
        diags.push(
            Diagnostic::error(span, "page has no title")
                .with_label("`title:` expected")
                .with_hint("add `title: Your page title` to the frontmatter"),
        );
    }
    let mut crumbs = Finder::starting_at(yaml, key_at("breadcrumbs").start - raw.start);
    let breadcrumbs = front
        .breadcrumbs
        .iter()
        .map(|b| match crumbs.find(b) {
            Some(o) if !b.is_empty() => Span::new(file, raw.start + o, raw.start + o + b.len()),
            _ => Span::new(file, raw.start, raw.start),
        })
        .collect();
    front.spans = FrontSpans {
        yaml: Some(raw.start..raw.end),
        body_start,
        keys,
        breadcrumbs,
    };
    Some(front)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_fences() {
        let t = "---\ntitle: A\n---\nbody\n";
        let s = split(0, t).unwrap();
        assert_eq!(
            &t[s.front.unwrap().start..s.front.unwrap().end],
            "title: A\n"
        );
        assert_eq!(&t[s.body_start..], "body\n");
        let t = "\u{feff}---\r\ntitle: A\r\n...\r\nbody";
        let s = split(0, t).unwrap();
        assert_eq!(&t[s.body_start..], "body");
        assert!(split(0, "---\ntitle: A\n").is_err());
        assert_eq!(split(0, "no frontmatter").unwrap().front, None);
    }

    #[test]
    fn unknown_keys_warn_at_their_line() {
        let t = "---\ntitle: A\ndescriptoin: b\n---\n";
        let s = split(0, t).unwrap();
        let mut d = Vec::new();
        let f = parse(
            0,
            t,
            s.front.unwrap(),
            s.body_start,
            &Variables::new(),
            &mut d,
        )
        .unwrap();
        assert_eq!(f.title, "A");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].hint.as_deref(), Some("did you mean `description`?"));
        assert_eq!(line_col(t, d[0].span.unwrap().start), (3, 1));
    }

    #[test]
    fn spans_of_keys_and_breadcrumbs() {
        let t = "---\ntitle: A\nbreadcrumbs:\n  - /a/\n  - /b/\n  - /a/\n\"layout\": x\n---\nbody";
        let s = split(0, t).unwrap();
        let f = parse(
            0,
            t,
            s.front.unwrap(),
            s.body_start,
            &Variables::new(),
            &mut Vec::new(),
        )
        .unwrap();
        let at = |span: Span| &t[span.start..span.end];
        assert_eq!(at(f.spans.key("layout").unwrap()), "layout");
        assert_eq!(
            line_col(t, f.spans.key("breadcrumbs").unwrap().start),
            (3, 1)
        );
        let lines: Vec<usize> = f
            .spans
            .breadcrumbs
            .iter()
            .map(|s| line_col(t, s.start).0)
            .collect();
        assert_eq!(lines, [4, 5, 6], "each crumb where it is written, in order");
        assert_eq!(&t[f.spans.body_start..], "body");
    }
}
