//! The Liquid engine's host for one page: what the dialect adds to Liquid (`{% table %}`,
//! `{% hostname_calculator %}` and the theme's components in `tags.rs`, its filters in
//! `filters.rs`), where includes come from, what `page` is, and what rendering gathers for
//! the markdown pass.

use std::cell::{Cell, OnceCell};
use std::collections::HashMap;

use portolan_liquid::{
    BodyMode, Buf, Exceeded, Flow, Host, HostFilterCall, IncludeError, Included, Renderer, Syntax,
    TagCall, TagShape, Value,
};

use crate::component::{BodyKind, ComponentRef};
use crate::expanded::Gathered;
use crate::host::{Components, IncludeResolver, LinkRewriter};
use crate::limits::MAX_TABLE_CELLS_PER_PAGE;
use crate::place;

mod filters;
mod tags;

/// The dialect's own tags, besides the theme's components.
pub(crate) const TAGS: [&str; 2] = ["hostname_calculator", "table"];

/// The dialect's syntax: its tags, the theme's components, its filters.
pub(crate) struct DialectSyntax<'a> {
    pub(crate) components: &'a dyn Components,
}

impl Syntax for DialectSyntax<'_> {
    fn tag(&self, name: &str) -> Option<TagShape> {
        let body = match name {
            "table" => Some(BodyMode::Data),
            "hostname_calculator" => None,
            _ => match self.components.body(name)? {
                BodyKind::None => None,
                BodyKind::Markdown | BodyKind::Text => Some(BodyMode::Text),
                BodyKind::Yaml => Some(BodyMode::Data),
            },
        };
        Some(TagShape { body })
    }

    fn unknown_tag_hint(&self, name: &str, built_in: &[&str]) -> String {
        let mut tags: Vec<&str> = built_in.iter().copied().chain(TAGS).collect();
        tags.sort_unstable();
        // Only tags: a name with a `/` (a landing page's block) cannot be written as one.
        let components: Vec<String> = self
            .components
            .names()
            .into_iter()
            .filter(|n| !n.contains('/'))
            .collect();
        let lists = if components.is_empty() {
            format!(
                "Liquid's tags are {}; the theme has no components (theme/components/NAME.html)",
                tags.join(", ")
            )
        } else {
            format!(
                "Liquid's tags are {}; the theme's components are {}",
                tags.join(", "),
                components.join(", ")
            )
        };
        let known = tags
            .iter()
            .copied()
            .chain(components.iter().map(String::as_str));
        match crate::diag::did_you_mean(name, known) {
            Some(s) => format!("did you mean `{s}`? {lists}"),
            None => lists,
        }
    }

    fn has_filter(&self, name: &str) -> bool {
        filters::lookup(name).is_some()
    }

    fn filter_names(&self) -> Vec<&'static str> {
        filters::names().collect()
    }
}

/// A component whose markdown body is being rendered: its children are collected for it.
pub(crate) struct Frame {
    pub(crate) this: ComponentRef,
    pub(crate) children: Vec<ComponentRef>,
    pub(crate) counts: HashMap<String, usize>,
}

/// One page's host.
pub(crate) struct PageHost<'a> {
    pub(crate) syntax: DialectSyntax<'a>,
    pub(crate) includes: &'a dyn IncludeResolver,
    pub(crate) links: &'a dyn LinkRewriter,
    /// The page's frontmatter (with `url` and `path`), as written.
    page_yaml: &'a portolan_yaml::Node,
    /// `page` as Liquid sees it and as components receive it, converted on first use: most
    /// frontmatter values, and many pages, never look at `page`.
    page: OnceCell<Value>,
    page_json: OnceCell<serde_json::Value>,
    /// What rendering gathered for the markdown pass.
    pub(crate) gathered: Gathered,
    /// Table cells the page may still have.
    pub(crate) cells_left: Cell<usize>,
    /// Components with a markdown body being rendered, innermost last.
    pub(crate) frames: Vec<Frame>,
    /// Components with a body being rendered, innermost last (their calls, made when the
    /// body opened).
    pub(crate) open: Vec<ComponentRef>,
    /// How many calls of each component the page made (for their ids).
    pub(crate) ids: HashMap<String, usize>,
}

impl<'a> PageHost<'a> {
    pub(crate) fn new(
        components: &'a dyn Components,
        includes: &'a dyn IncludeResolver,
        links: &'a dyn LinkRewriter,
        page_yaml: &'a portolan_yaml::Node,
    ) -> Self {
        PageHost {
            syntax: DialectSyntax { components },
            includes,
            links,
            page_yaml,
            page: OnceCell::new(),
            page_json: OnceCell::new(),
            gathered: Gathered::default(),
            cells_left: Cell::new(MAX_TABLE_CELLS_PER_PAGE),
            frames: Vec::new(),
            open: Vec::new(),
            ids: HashMap::new(),
        }
    }

    /// `page` as JSON, for components.
    pub(crate) fn page_json(&self) -> &serde_json::Value {
        self.page_json.get_or_init(|| self.page().to_json_tree())
    }
}

impl Host for PageHost<'_> {
    fn syntax(&self) -> &dyn Syntax {
        &self.syntax
    }

    fn include(&self, path: &str) -> Result<Included, IncludeError> {
        self.includes.resolve(path)
    }

    fn page(&self) -> Value {
        self.page
            .get_or_init(|| crate::yaml::to_value(self.page_yaml))
            .clone()
    }

    fn open_tag(r: &mut Renderer<'_, '_, Self>, call: &TagCall) {
        if !TAGS.contains(&call.name.as_str()) {
            tags::open_component(r, call);
        }
    }

    fn tag(
        r: &mut Renderer<'_, '_, Self>,
        call: TagCall,
        body: Option<(Buf, Flow)>,
        out: &mut Buf,
    ) -> Flow {
        match call.name.as_str() {
            "table" => tags::table(r, &call, body, out),
            "hostname_calculator" => tags::calculator(r, &call, out),
            _ => tags::component(r, call, body, out),
        }
    }

    fn filter(r: &mut Renderer<'_, '_, Self>, call: HostFilterCall) -> Result<Value, Exceeded> {
        match filters::lookup(call.name) {
            Some(f) => f(r, call),
            None => Ok(call.input),
        }
    }

    /// An HTML include is markup, indented as markup is: its own lines lose their
    /// indentation, which markdown would read as code (kramdown reads HTML whole).
    fn reflows_include(&self, path: &str) -> bool {
        path.ends_with(".html")
    }

    fn splice_include(
        &self,
        file: crate::diag::FileId,
        rendered: &Buf,
        at_line_start: bool,
        out: &mut Buf,
    ) {
        place::dedent_own_lines(rendered, file, at_line_start, out);
    }
}
