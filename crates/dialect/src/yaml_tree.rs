//! YAML values rendered as data for a template: Liquid in every string (errors placed
//! where the string is written), the fields a caller names as markdown rendered as a
//! page's body is (code highlighted, tables, attribute lists, links kept for the link
//! check) and handed over beside their text as `<field>_html`, and Kong's
//! `include_content: a/b` placed as the include `a/b.md` in `content`. Landing pages'
//! blocks and how-tos' prerequisites, cleanup and TL;DR are read this way.

use std::collections::BTreeSet;
use std::ops::Range;

use portolan_liquid::ValueMap;
use portolan_yaml::{Kind, Node, Resolved};
use serde_json::Value;

use crate::diag::{Diagnostic, FileId, Span};
use crate::expand::{self, PageEnv};
use crate::host::{Diagrams, Highlighter, LinkRewriter};
use crate::markdown::{self, render_inline_in, Inline};
use crate::model::{Link, LinkOrigin, Table};
use crate::slug::UniqueIds;

/// How a markdown field is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Markdown {
    /// Paragraphs, lists, code: rendered as a page body is.
    Block,
    /// One line's worth (a title, a table cell): no `<p>` around it.
    Inline,
}

/// A markdown field: its path (keys, `*` for any item or key; empty for the value
/// itself) and how it is written. A path that names a list of strings renders each item
/// (`<field>_html` is then a list).
pub(crate) type Rule<'r> = (Vec<&'r str>, Markdown);

/// Rules from `a.*.b` paths.
pub(crate) fn rules<'r>(fields: &[(&'r str, Markdown)]) -> Vec<Rule<'r>> {
    fields
        .iter()
        .map(|(path, how)| (path.split('.').filter(|p| !p.is_empty()).collect(), *how))
        .collect()
}

/// What the page renders with besides its own environment.
pub(crate) struct Tools<'a> {
    pub(crate) env: PageEnv<'a>,
    pub(crate) links: &'a dyn LinkRewriter,
    pub(crate) diagrams: &'a dyn Diagrams,
    pub(crate) highlighter: &'a dyn Highlighter,
    pub(crate) cells: &'a std::cell::Cell<usize>,
}

/// What rendering the values gathered for the page: links, ids, includes, components,
/// tables, whether a diagram is left to the browser.
#[derive(Debug, Default)]
pub(crate) struct Gathered {
    pub(crate) links: Vec<Link>,
    pub(crate) anchors: Vec<String>,
    pub(crate) includes: Vec<FileId>,
    pub(crate) components: BTreeSet<String>,
    pub(crate) tables: Vec<Table>,
    pub(crate) browser_diagrams: bool,
}

/// Renders the values of one file: `text` is the file, and the nodes' spans are offsets
/// into it from `base`.
pub(crate) struct TreeRenderer<'t, 'd> {
    pub(crate) tools: &'t Tools<'t>,
    pub(crate) file: FileId,
    pub(crate) text: &'t str,
    pub(crate) base: usize,
    /// Ids taken on the page: each part's headings stay unique.
    pub(crate) ids: UniqueIds,
    /// Ids the rest of the page took (its body's headings and anchors).
    pub(crate) taken: Vec<String>,
    pub(crate) gathered: Gathered,
    pub(crate) diags: &'d mut Vec<Diagnostic>,
}

impl TreeRenderer<'_, '_> {
    /// Where `range` (a node's span) is in the file.
    pub(crate) fn at(&self, range: &Range<usize>) -> Range<usize> {
        let end = (self.base + range.end).min(self.text.len());
        (self.base + range.start).min(end)..end
    }

    /// `span` in the file.
    pub(crate) fn span(&self, range: &Range<usize>) -> Span {
        let r = self.at(range);
        Span::new(self.file, r.start, r.end)
    }

    /// `node` as data (see [`TreeRenderer::tree`]); a root rule (an empty path) makes a
    /// string node markdown: its text, with its HTML as the second value.
    pub(crate) fn value(&mut self, node: &Node, rules: &[Rule<'_>]) -> (Value, Option<String>) {
        if let Some((_, how)) = rules.iter().find(|(p, _)| p.is_empty()) {
            if node.as_scalar().is_some() {
                let (text, html) = self.markdown(node, *how);
                return (Value::String(text), Some(html));
            }
        }
        (self.tree(node, rules, &mut Vec::new()), None)
    }

    /// `node` as data: Liquid rendered in every string, the markdown fields `rules` name
    /// rendered beside their text, includes placed. `path` is where `node` is.
    pub(crate) fn tree(
        &mut self,
        node: &Node,
        rules: &[Rule<'_>],
        path: &mut Vec<String>,
    ) -> Value {
        match &node.kind {
            Kind::Scalar(s) => match s.resolve() {
                Resolved::Str(t) => Value::String(self.liquid(t, &node.span)),
                _ => serde_json::to_value(node).unwrap_or(Value::Null),
            },
            Kind::Seq(items) => Value::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| {
                        path.push(i.to_string());
                        let v = self.tree(item, rules, path);
                        path.pop();
                        v
                    })
                    .collect(),
            ),
            Kind::Map(entries) => {
                let mut out = serde_json::Map::new();
                for (k, v) in entries {
                    let Some(key) = k.key_text() else { continue };
                    path.push(key.to_string());
                    let rule = rules.iter().find(|(p, _)| matches(p, path)).map(|r| r.1);
                    match (rule, &v.kind) {
                        (Some(how), Kind::Scalar(s)) if matches!(s.resolve(), Resolved::Str(_)) => {
                            let (text, html) = self.markdown(v, how);
                            out.insert(key.to_string(), Value::String(text));
                            out.insert(format!("{key}_html"), Value::String(html));
                        }
                        (Some(how), Kind::Seq(items))
                            if items.iter().all(|i| i.as_scalar().is_some()) =>
                        {
                            let (texts, htmls): (Vec<Value>, Vec<Value>) = items
                                .iter()
                                .map(|i| {
                                    let (t, h) = self.markdown(i, how);
                                    (Value::String(t), Value::String(h))
                                })
                                .unzip();
                            out.insert(key.to_string(), Value::Array(texts));
                            out.insert(format!("{key}_html"), Value::Array(htmls));
                        }
                        _ => {
                            let value = self.tree(v, rules, path);
                            out.insert(key.to_string(), value);
                        }
                    }
                    path.pop();
                }
                // Kong's `include_content: a/b` is the include `a/b.md`, rendered here.
                if let Some(inc) = node
                    .get("include_content")
                    .filter(|_| !out.contains_key("content"))
                {
                    if let Some(p) = inc.key_text().filter(|p| !p.trim().is_empty()) {
                        let source = format!("{{% include {}.md %}}", p.trim());
                        let (text, html) = self.block_part(&source, &inc.span);
                        out.insert("content".to_string(), Value::String(text));
                        out.insert("content_html".to_string(), Value::String(html));
                    }
                }
                Value::Object(out)
            }
        }
    }

    /// A string with its Liquid rendered, errors placed where it is written.
    pub(crate) fn liquid(&mut self, value: &str, at: &Range<usize>) -> String {
        if !value.contains("{{") && !value.contains("{%") {
            return value.to_string();
        }
        let at = self.at(at);
        let map = ValueMap::locate(self.text, at.start, at.end, value);
        expand::render_value(
            &self.tools.env,
            self.file,
            self.text,
            &map,
            value,
            self.diags,
        )
    }

    /// A markdown scalar: its text after Liquid, and its HTML.
    pub(crate) fn markdown(&mut self, node: &Node, how: Markdown) -> (String, String) {
        let value = node.key_text().unwrap_or("").to_string();
        match how {
            Markdown::Block => self.block_part(&value, &node.span),
            Markdown::Inline => {
                let text = self.liquid(&value, &node.span);
                let html = self.inline(&text, &node.span);
                (text, html)
            }
        }
    }

    /// One line of markdown (Liquid already rendered), written at `at`, as HTML: its
    /// links checked like the page's.
    pub(crate) fn inline(&mut self, text: &str, at: &Range<usize>) -> String {
        let inline: Inline = render_inline_in(text, self.tools.links, self.tools.cells);
        let span = self.span(at);
        for l in &inline.links {
            self.gathered.links.push(Link {
                span,
                origin: LinkOrigin::Body,
                ..l.clone()
            });
        }
        self.gathered.anchors.extend(inline.anchors.iter().cloned());
        Inline::report_all(&[(&inline, text)], &mut |_| span, self.diags);
        inline.html
    }

    /// Markdown with Liquid, written at `at` (a node's span; the text may be made from
    /// it, as an `include_content` is), rendered as a page body is: its text after Liquid,
    /// and its HTML. Its ids stay unique across the page.
    pub(crate) fn block_part(&mut self, value: &str, at: &Range<usize>) -> (String, String) {
        let at = self.at(at);
        let map = ValueMap::locate(self.text, at.start, at.end, value);
        let mut ex = expand::expand_value(
            &self.tools.env,
            self.file,
            self.text,
            &map,
            value,
            self.diags,
        );
        ex.gathered.reserved_ids.extend(self.taken.iter().cloned());
        ex.gathered
            .reserved_ids
            .extend(self.gathered.anchors.iter().cloned());
        let body = markdown::render_body(
            &ex,
            self.tools.links,
            self.tools.diagrams,
            self.tools.highlighter,
            self.tools.cells,
            self.diags,
        );
        for h in &body.headings {
            self.ids.reserve(&h.id);
            self.gathered.anchors.push(h.id.clone());
        }
        for a in &body.anchors {
            self.ids.reserve(a);
        }
        let g = &mut self.gathered;
        g.anchors.extend(body.anchors);
        g.links.extend(ex.gathered.links);
        g.links.extend(body.links);
        g.includes.extend(ex.gathered.includes);
        g.components.extend(ex.gathered.components);
        g.tables.extend(ex.gathered.tables);
        g.browser_diagrams |= body.browser_diagrams;
        (ex.text, body.html)
    }
}

/// True when `path` (keys and item numbers) fits `pattern` (`*` for any one part).
fn matches(pattern: &[&str], path: &[String]) -> bool {
    pattern.len() == path.len() && pattern.iter().zip(path).all(|(p, s)| *p == "*" || p == s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_match_with_wildcards() {
        let path = |p: &[&str]| p.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(matches(
            &["blocks", "*", "text"],
            &path(&["blocks", "0", "text"])
        ));
        assert!(!matches(
            &["blocks", "*", "text"],
            &path(&["blocks", "0", "icon"])
        ));
        assert!(!matches(&["blocks", "*"], &path(&["blocks", "0", "text"])));
        assert!(matches(&[], &path(&[])));
        assert_eq!(
            rules(&[("a.*.b", Markdown::Block), ("", Markdown::Inline)])[1]
                .0
                .len(),
            0
        );
    }
}
