//! YAML frontmatter: split from the body, parsed into [`FrontMatter`], then its text
//! values' Liquid rendered (titles, descriptions, FAQs, related resources, next steps), as
//! Kong's site renders them.
//!
//! Syntax and type errors carry the real line and column of the file (the frontmatter
//! starts on line 2), and so do errors in a value's Liquid (each value is found where it is
//! written). A key Portolan does not know is a warning at its line, with a suggestion, so a
//! typo never vanishes silently; the keys of Kong's frontmatter schema are known.

use crate::diag::{did_you_mean, floor_char_boundary, is_full, push_limited};
use crate::diag::{Diagnostic, FileId, Finder, Span};
use portolan_liquid::ValueMap;

use crate::expand::{render_value, PageEnv};
use crate::model::{Breadcrumb, FrontMatter, FrontSpans};

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
    "permalink",
    "subtitle",
    "tags",
    "search_aliases",
    "tier",
    "beta",
    "tech_preview",
    "min_version",
    "max_version",
    "next_steps",
    "api_specs",
    "plugins",
    "published",
    "search",
    "tldr",
    "prereqs",
    "cleanup",
    "overview",
    "series",
    "implied_prereqs",
];

/// Other keys of Kong's frontmatter schema: accepted without a warning, and read by pages
/// and includes as `page.NAME`, but not shown by the theme.
pub(crate) const KONG_KEYS: &[&str] = &[
    "act_as_plugin",
    "automated_tests",
    "basic_examples",
    "bindable_entities",
    "canonical",
    "categories",
    "discovery_default",
    "discovery_support",
    "entities",
    "examples_groups",
    "extra_services",
    "featured",
    "hint",
    "how_to_list",
    "icon",
    "license_type",
    "license_url",
    "llm",
    "mechanism",
    "name",
    "no_edit_link",
    "no_version",
    "no_wrap",
    "notes",
    "phases",
    "plugin_schema",
    "policy_target",
    "popular",
    "premium_partner",
    "privacy_policy_url",
    "providers",
    "publisher",
    "rbac",
    "requires_embeddings",
    "schema",
    "show_in_api",
    "skip_index",
    "source_code_url",
    "support_url",
    "terms_of_service_url",
    "third_party",
    "tiers",
    "toc_depth",
    "topologies",
    "topology_switcher",
    "type",
    "url",
    "versioned",
    "wasm",
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

/// The frontmatter of a page written without one: its title is its first line's `# Title`
/// heading (as mdBook and Starlight read such pages), and the body starts after that line,
/// so the title is not shown twice. A page that starts any other way has no title: an error.
pub(crate) fn from_heading(
    file: FileId,
    text: &str,
    body_start: usize,
) -> Result<FrontMatter, Diagnostic> {
    let mut ls = body_start;
    while ls < text.len() {
        let le = text[ls..].find('\n').map_or(text.len(), |i| ls + i);
        let line = &text[ls..le];
        if line.trim().is_empty() {
            ls = le + 1;
            continue;
        }
        let indent = line.len() - line.trim_start_matches(' ').len();
        let rest = &line[indent..];
        let heading = if indent <= 3 && (rest.starts_with("# ") || rest.trim_end() == "#") {
            Some(&rest[1..])
        } else {
            None
        };
        let Some(heading) = heading else { break };
        // An ATX heading's closing `#`s are not part of its text.
        let mut title = heading.trim();
        let unclosed = title.trim_end_matches('#');
        if unclosed.is_empty() || unclosed.ends_with([' ', '\t']) {
            title = unclosed.trim_end();
        }
        if title.is_empty() {
            break;
        }
        let at = ls + indent + 1 + (heading.len() - heading.trim_start().len());
        let span = Span::new(file, at, at + title.len());
        let mut raw = portolan_yaml::Node::empty_map(0);
        raw.set("title", portolan_yaml::Node::text(title));
        return Ok(FrontMatter {
            title: title.to_string(),
            raw,
            spans: FrontSpans {
                yaml: None,
                body_start: (le + 1).min(text.len()),
                keys: vec![("title".to_string(), span)],
                breadcrumbs: Vec::new(),
            },
            ..FrontMatter::default()
        });
    }
    let at = ls.min(text.len());
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    Err(Diagnostic::error(Span::new(file, at, end), "page has no title")
        .with_label("a `# Title` heading or frontmatter expected")
        .with_hint(
            "start the page with a heading, `# Your page title`, or with a frontmatter block: `---`, `title: ...`, `---`",
        ))
}

/// Parses and checks the frontmatter at `raw` (its Liquid is not rendered yet: see
/// [`render_values`]); `None` when it cannot be read at all (the errors say why).
pub(crate) fn parse(
    file: FileId,
    text: &str,
    raw: RawFront,
    body_start: usize,
    defaults: Option<&portolan_yaml::Node>,
    diags: &mut Vec<Diagnostic>,
) -> Option<FrontMatter> {
    let yaml = &text[raw.start..raw.end];
    let error_at = |offset: usize, message: &str| {
        let at = floor_char_boundary(text, raw.start + offset.min(yaml.len()));
        Diagnostic::error(
            Span::new(file, at, at),
            format!("invalid frontmatter: {message}"),
        )
        .with_label("here")
    };
    let node = match crate::yaml::read(yaml) {
        Ok(n) => n,
        Err(e) if e.too_deep => {
            let at = floor_char_boundary(text, raw.start + e.offset);
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
        Err(e) => {
            diags.push(error_at(e.offset, &e.message).with_hint("frontmatter is YAML; a value holding `: ` or starting with `{`, `[`, `*` or `'` needs quotes"));
            return None;
        }
    };
    let node = match &node.kind {
        portolan_yaml::Kind::Map(_) => node,
        _ if node.is_null() => portolan_yaml::Node::empty_map(0),
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
    // Each top-level key where it is written (the first time), in order.
    let mut keys: Vec<(String, Span)> = Vec::new();
    for (k, _) in node.as_map().unwrap_or_default() {
        let Some(name) = k.key_text() else { continue };
        if !keys.iter().any(|(n, _)| n == name) {
            // A quoted key's span is its name, without the quotes.
            let quoted = k
                .as_scalar()
                .is_some_and(|s| s.style != portolan_yaml::Style::Plain);
            let trim = usize::from(quoted && k.span.len() >= 2);
            keys.push((
                name.to_string(),
                Span::new(
                    file,
                    raw.start + k.span.start + trim,
                    raw.start + k.span.end - trim,
                ),
            ));
        }
    }
    let key_at = |k: &str| {
        keys.iter()
            .find(|(name, _)| name == k)
            .map_or(Span::new(file, raw.start, raw.start), |(_, s)| *s)
    };
    for (k, _) in &keys {
        if KNOWN_KEYS.contains(&k.as_str()) || KONG_KEYS.contains(&k.as_str()) {
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
    let node = match defaults {
        Some(d) => with_defaults(node, d),
        None => node,
    };
    let mut front: FrontMatter = match portolan_yaml::from_node(&node) {
        Ok(f) => f,
        Err(e) => {
            diags.push(error_at(e.offset, &e.message).with_hint("see the frontmatter keys in docs/content/dialect.md: lists such as `breadcrumbs` and `faqs` hold `- ` items"));
            return None;
        }
    };
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
        .map(|b| match b {
            Breadcrumb::Url(u) => u.as_str(),
            Breadcrumb::Index { index, .. } => index.as_str(),
        })
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
    front.raw = node;
    Some(front)
}

/// A page titled by its first heading (no frontmatter), with its collection's defaults.
pub(crate) fn heading_page_with_defaults(
    front: FrontMatter,
    defaults: &portolan_yaml::Node,
) -> FrontMatter {
    let node = with_defaults(front.raw.clone(), defaults);
    match portolan_yaml::from_node::<FrontMatter>(&node) {
        Ok(mut typed) => {
            typed.title = front.title;
            typed.spans = front.spans;
            typed.raw = node;
            typed
        }
        // Defaults are the site's settings, read when the site is: they fit.
        Err(_) => front,
    }
}

/// `node` with every top-level key of `defaults` it does not have (Jekyll's front matter
/// defaults: what a page writes wins, a list included). The defaults are placed at the
/// frontmatter's start: they are not written in this file.
fn with_defaults(
    mut node: portolan_yaml::Node,
    defaults: &portolan_yaml::Node,
) -> portolan_yaml::Node {
    let at = node.span.start;
    for (k, v) in defaults.as_map().unwrap_or_default() {
        let Some(key) = k.key_text() else { continue };
        if node.get(key).is_none() {
            let mut v = v.clone();
            place_at(&mut v, at);
            node.set(key, v);
        }
    }
    node
}

/// Every span of `node` set to `at`.
fn place_at(node: &mut portolan_yaml::Node, at: usize) {
    let mut todo = vec![node];
    while let Some(n) = todo.pop() {
        n.span = at..at;
        match &mut n.kind {
            portolan_yaml::Kind::Scalar(_) => {}
            portolan_yaml::Kind::Seq(items) => todo.extend(items.iter_mut()),
            portolan_yaml::Kind::Map(entries) => {
                for (k, v) in entries.iter_mut() {
                    todo.push(k);
                    todo.push(v);
                }
            }
        }
    }
}

/// Renders the Liquid of the frontmatter's text values (as Kong's site does), each placed
/// where it is written for its errors: title, short title, subtitle, description, related
/// resources, next steps, FAQs.
pub(crate) fn render_values(
    front: &mut FrontMatter,
    p: &PageEnv<'_>,
    file: FileId,
    text: &str,
    diags: &mut Vec<Diagnostic>,
) {
    // A page without frontmatter has its title in its first line: look there.
    let yaml = front
        .spans
        .yaml
        .clone()
        .unwrap_or(0..front.spans.body_start);
    let key_start = |k: &str| front.spans.key(k).map_or(yaml.start, |s| s.start);
    // Values of one key are found one after another, each after the one before.
    let render = |from: &mut usize, value: &str, diags: &mut Vec<Diagnostic>| -> String {
        if !value.contains("{{") && !value.contains("{%") {
            return value.to_string();
        }
        let map = ValueMap::locate(text, *from, yaml.end, value);
        *from = map.end().unwrap_or(*from);
        render_value(p, file, text, &map, value, diags)
    };
    let mut at = key_start("title");
    front.title = render(&mut at, &front.title, diags).trim().to_string();
    for (key, value) in [
        ("short_title", &mut front.short_title),
        ("subtitle", &mut front.subtitle),
        ("description", &mut front.description),
    ] {
        if let Some(v) = value {
            let mut at = key_start(key);
            *v = render(&mut at, v, diags);
        }
    }
    for (key, list) in [
        ("related_resources", &mut front.related_resources),
        ("next_steps", &mut front.next_steps),
    ] {
        let mut at = key_start(key);
        for r in list.iter_mut() {
            r.text = render(&mut at, &r.text, diags).trim().to_string();
            r.url = render(&mut at, &r.url, diags).trim().to_string();
        }
    }
    let mut at = key_start("faqs");
    for f in &mut front.faqs {
        f.q = render(&mut at, &f.q, diags);
        f.a = render(&mut at, &f.a, diags);
    }
    // Text other pages show of this one (a plugin's `notes` in a table of plugins): its
    // Liquid rendered once, here, where its positions are known.
    for key in RENDERED_RAW_KEYS {
        let Some(value) = front
            .raw
            .get(key)
            .and_then(|n| n.as_scalar())
            .map(|s| s.text.clone())
        else {
            continue;
        };
        let mut at = key_start(key);
        let rendered = render(&mut at, &value, diags);
        if rendered != value {
            front.raw.set(key, portolan_yaml::Node::text(rendered));
        }
    }
}

/// Frontmatter keys kept as written (`raw`) whose text has its Liquid rendered.
const RENDERED_RAW_KEYS: [&str; 1] = ["notes"];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::line_col;

    #[test]
    fn a_page_without_frontmatter_is_titled_by_its_first_heading() {
        let t = "\n  # Hello, *world* ##\n\nBody\n";
        let f = from_heading(0, t, 0).unwrap();
        assert_eq!(f.title, "Hello, *world*");
        assert_eq!(&t[f.spans.body_start..], "\nBody\n");
        let span = f.spans.key("title").unwrap();
        assert_eq!(&t[span.start..span.end], "Hello, *world*");
        assert_eq!(
            f.raw.get("title").and_then(|v| v.key_text()),
            Some("Hello, *world*")
        );
        // A `#` that ends the text without a space before it is text.
        assert_eq!(from_heading(0, "# C#\n", 0).unwrap().title, "C#");
        assert_eq!(from_heading(0, "# Title", 0).unwrap().spans.body_start, 7);
    }

    #[test]
    fn a_page_without_frontmatter_or_leading_heading_has_no_title() {
        for t in [
            "",
            "\n\n",
            "Some text\n# Later\n",
            "## Second level\n",
            "#No space\n",
            "    # indented code\n",
            "# ##\n",
        ] {
            let e = from_heading(0, t, 0).unwrap_err();
            assert_eq!(e.message, "page has no title", "{t:?}");
        }
        let t = "\nIntro\n";
        let e = from_heading(0, t, 0).unwrap_err();
        let span = e.span.unwrap();
        assert_eq!(&t[span.start..span.end], "Intro");
    }

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
        let f = parse(0, t, s.front.unwrap(), s.body_start, None, &mut d).unwrap();
        assert_eq!(f.title, "A");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].hint.as_deref(), Some("did you mean `description`?"));
        assert_eq!(line_col(t, d[0].span.unwrap().start), (3, 1));
    }

    #[test]
    fn collection_defaults_fill_what_the_page_leaves_out() {
        let t = "---\ntitle: A\nlayout: mine\n---\n";
        let s = split(0, t).unwrap();
        let defaults = portolan_yaml::load(
            "layout: how-to\nbreadcrumbs: [/how-to/]\nproducts: [gateway]\n",
            portolan_yaml::Limits::default(),
        )
        .unwrap();
        let mut d = Vec::new();
        let f = parse(
            0,
            t,
            s.front.unwrap(),
            s.body_start,
            Some(&defaults),
            &mut d,
        )
        .unwrap();
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(f.layout.as_deref(), Some("mine"));
        assert_eq!(f.products, ["gateway"]);
        assert_eq!(f.breadcrumbs, [Breadcrumb::Url("/how-to/".into())]);
        // Not written in the page: placed at the start of its frontmatter, never elsewhere.
        assert_eq!(f.spans.key("products"), None);
        assert_eq!(f.raw.get("products").unwrap().span, 0..0);
    }

    #[test]
    fn spans_of_keys_and_breadcrumbs() {
        let t = "---\ntitle: A\nbreadcrumbs:\n  - /a/\n  - /b/\n  - /a/\n\"layout\": x\n---\nbody";
        let s = split(0, t).unwrap();
        let f = parse(0, t, s.front.unwrap(), s.body_start, None, &mut Vec::new()).unwrap();
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

    #[test]
    fn kong_frontmatter_reads() {
        let t = "---\ntitle: A\nbreadcrumbs:\n  - /gateway/\n  - index: kubernetes-ingress-controller\n    section: How To\nmin_version:\n  gateway: '3.4'\n  mesh: '2.10'\n  operator: 2\ntags: [ai]\nprereqs: {x: 1}\nrelated_resources:\n  - text: R\n    url: /r/\n    icon: r.svg\n---\n";
        let s = split(0, t).unwrap();
        let mut d = Vec::new();
        let f = parse(0, t, s.front.unwrap(), s.body_start, None, &mut d).unwrap();
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(
            f.breadcrumbs[1].url(),
            "/index/kubernetes-ingress-controller/#how-to"
        );
        assert_eq!(f.min_version["gateway"], "3.4");
        assert_eq!(f.min_version["mesh"], "2.10");
        assert_eq!(f.min_version["operator"], "2");
        assert_eq!(f.tags, ["ai"]);
    }

    /// A version keeps the text its author wrote, quoted or not: `3.10` is not 3.1.
    #[test]
    fn unquoted_versions_keep_their_text() {
        for t in [
            "---\ntitle: A\nmin_version: {gateway: 3.10}\nmax_version:\n  gateway: 3.11\n  mesh: 2.10.0\n---\n",
            "---\ntitle: A\nmin_version:\n  gateway: '3.10'\nmax_version: {gateway: \"3.11\", mesh: 2.10.0}\n---\n",
        ] {
            let s = split(0, t).unwrap();
            let mut d = Vec::new();
            let f = parse(0, t, s.front.unwrap(), s.body_start, None, &mut d).unwrap();
            assert!(d.is_empty(), "{d:?}");
            assert_eq!(f.min_version["gateway"], "3.10", "{t}");
            assert_eq!(f.max_version["gateway"], "3.11", "{t}");
            assert_eq!(f.max_version["mesh"], "2.10.0", "{t}");
        }
    }
}
