//! Index pages (Kong's `_indices/NAME.yaml`, at `/index/NAME/`): a `title`, a `description`
//! and `sections:` of `items:`, or `groups:` of them. An item is a page by its `path` (a
//! glob such as `/gateway/**/*` stands for every page under it), a link of its own
//! (`title`, `description`, `url`), or a query (`type: how-to` with `products`, `tags`...).
//! A group is the theme's `index/group` component, a section `index/section`, given its
//! items as data (Liquid rendered in every string); the theme lists the pages they name.
//! Sections have the ids breadcrumbs to an index use: `GROUP--SECTION`, slugged as Jekyll
//! does. A `hidden` group or section is left out.

use std::collections::BTreeMap;
use std::ops::Range;

use portolan_htmlscan::{text as html_text, unsafe_html};
use portolan_yaml::{Kind, Node};
use serde_json::Value;

use crate::component::{ComponentBody, ComponentCall, ComponentRef, BODY_MARKER};
use crate::diag::{push_limited, Diagnostic};
use crate::landing::LandingBody;
use crate::markdown;
use crate::model::{Heading, SectionText};
use crate::slug::{jekyll_slugify, UniqueIds, RESERVED_IDS};
use crate::yaml_tree::{Markdown, TreeRenderer};

/// The keys of an index besides its frontmatter's.
pub(crate) const BODY_KEYS: [&str; 2] = ["sections", "groups"];

/// Renders the groups and sections of index `doc`.
pub(crate) fn render(values: TreeRenderer<'_, '_>, doc: &Node) -> LandingBody {
    let page_json = crate::yaml::to_value(values.tools.env.page).to_json_tree();
    let mut r = Index {
        values,
        page_json,
        ids: UniqueIds::default(),
        counts: BTreeMap::new(),
        headings: Vec::new(),
        sections: Vec::new(),
    };
    for id in RESERVED_IDS {
        r.ids.reserve(id);
    }
    let mut html = String::new();
    match (doc.get("groups"), doc.get("sections")) {
        (Some(groups), _) => {
            for g in seq(groups) {
                html.push_str(&r.group(g));
            }
        }
        (None, Some(sections)) => {
            for s in seq(sections) {
                html.push_str(&r.section(s, None));
            }
        }
        (None, None) => {}
    }
    LandingBody {
        html,
        headings: r.headings,
        sections: r.sections,
        gathered: r.values.gathered,
    }
}

fn seq(node: &Node) -> &[Node] {
    match &node.kind {
        Kind::Seq(items) => items,
        _ => &[],
    }
}

fn hidden(node: &Node) -> bool {
    node.get("hidden")
        .and_then(Node::as_scalar)
        .is_some_and(|s| s.resolve() == portolan_yaml::Resolved::Bool(true))
}

struct Index<'t, 'd> {
    values: TreeRenderer<'t, 'd>,
    page_json: Value,
    ids: UniqueIds,
    counts: BTreeMap<String, usize>,
    headings: Vec<Heading>,
    sections: Vec<SectionText>,
}

impl Index<'_, '_> {
    /// A title's text (Liquid rendered) and HTML.
    fn title(&mut self, node: &Node) -> Option<(String, String)> {
        let t = node.get("title").filter(|t| t.as_scalar().is_some())?;
        Some(self.values.markdown(t, Markdown::Inline))
    }

    fn group(&mut self, group: &Node) -> String {
        if hidden(group) {
            return String::new();
        }
        let title = self.title(group);
        let slug = title.as_ref().map(|(t, _)| jekyll_slugify(t));
        // The group's heading comes before its sections', in the page and its contents.
        let id = title.as_ref().map(|(text, _)| {
            let id = self.ids.unique(slug.as_deref().unwrap_or_default());
            self.heading(2, &id, text);
            id
        });
        let mut inner = String::new();
        for s in seq(group.get("sections").unwrap_or(group)) {
            inner.push_str(&self.section(s, slug.as_deref()));
        }
        let (Some((_, html)), Some(id)) = (title, id) else {
            return inner;
        };
        let mut params = BTreeMap::new();
        params.insert("id".to_string(), Value::String(id));
        params.insert("title_html".to_string(), Value::String(html));
        self.call(
            "index/group",
            params,
            ComponentBody::Markdown,
            &group.span,
            Some(&inner),
        )
        .unwrap_or(inner)
    }

    fn section(&mut self, section: &Node, group: Option<&str>) -> String {
        if hidden(section) {
            return String::new();
        }
        let title = self.title(section);
        let mut params = BTreeMap::new();
        if let Some((text, html)) = &title {
            // Breadcrumbs name a section of an index as `GROUP--SECTION`.
            let slug = jekyll_slugify(text);
            let base = match group {
                Some(g) => format!("{g}--{slug}"),
                None => slug,
            };
            let id = self.ids.unique(&base);
            self.heading(3, &id, text);
            params.insert("id".to_string(), Value::String(id));
            params.insert("title_html".to_string(), Value::String(html.clone()));
        }
        let items = match section.get("items") {
            Some(items) => self.values.tree(items, &[], &mut Vec::new()),
            None => Value::Array(Vec::new()),
        };
        let html = self
            .call(
                "index/section",
                params,
                ComponentBody::Data(items),
                &section.span,
                None,
            )
            .unwrap_or_default();
        // For search: a titled section's text under its heading; an untitled one's under
        // the heading before it.
        let text = html_text(&html);
        match (title.is_some(), self.sections.last_mut()) {
            (true, Some(s)) => s.text = text,
            (false, Some(s)) => {
                s.text.push(' ');
                s.text.push_str(&text);
            }
            (_, None) => self.sections.push(SectionText {
                heading: String::new(),
                anchor: String::new(),
                text,
            }),
        }
        html
    }

    fn heading(&mut self, level: u8, id: &str, text: &str) {
        let text = markdown::collapse(text);
        self.values.gathered.anchors.push(id.to_string());
        self.sections.push(SectionText {
            heading: text.clone(),
            anchor: id.to_string(),
            text: String::new(),
        });
        self.headings.push(Heading {
            level,
            id: id.to_string(),
            text,
        });
    }

    fn call(
        &mut self,
        name: &str,
        params: BTreeMap<String, Value>,
        body: ComponentBody,
        at: &Range<usize>,
        inner: Option<&str>,
    ) -> Option<String> {
        let span = self.values.span(&(at.start..at.start));
        let components = self.values.tools.env.components;
        if components.body(name).is_none() {
            push_limited(
                self.values.diags,
                Diagnostic::error(span, format!("the theme has no `components/{name}.html`"))
                    .with_label("for this index")
                    .with_hint("an index's groups and sections are drawn by the theme's `index/group` and `index/section`"),
            );
            return None;
        }
        let this = ComponentRef::numbered(&mut self.counts, name, params);
        let call = ComponentCall {
            this: &this,
            body,
            parent: None,
            children: &[],
            page: &self.page_json,
        };
        let written = match components.render(&call) {
            Ok(w) => w,
            Err(e) => {
                let mut d = Diagnostic::error(span, format!("component `{name}`: {}", e.message))
                    .with_label("for this index");
                if let Some(h) = e.hint {
                    d = d.with_hint(h);
                }
                push_limited(self.values.diags, d);
                return None;
            }
        };
        for w in &written.warnings {
            push_limited(
                self.values.diags,
                Diagnostic::warning(span, format!("component `{name}`: {w}")).with_label("here"),
            );
        }
        if let Some(found) = unsafe_html(&written.text.replace(BODY_MARKER, ""))
            .into_iter()
            .next()
        {
            push_limited(
                self.values.diags,
                markdown::unsafe_html_error(span, &found.what).with_label("written for this index"),
            );
            return None;
        }
        self.values.gathered.components.insert(name.to_string());
        Some(match inner {
            Some(inner) => written.text.replacen(BODY_MARKER, inner, 1),
            None => written.text,
        })
    }
}
