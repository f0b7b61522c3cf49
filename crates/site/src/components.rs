//! Components: the Liquid tags a theme defines, each a Tera template in
//! `theme/components/`, rendered for the dialect (see `portolan_dialect::Components`).
//! `NAME.html` writes HTML (autoescaped, and checked like raw HTML); `NAME.md` writes
//! markdown, rendered with the page (a code block, say; not autoescaped, since markdown is
//! not HTML). Files named `_NAME.*` are partials: macros that components import.
//!
//! A template may start with a comment that says how it takes its body, then (after a
//! blank line) what it is for:
//!
//! ```text
//! {#- component
//!     body: markdown      (none, markdown, yaml or text; default none)
//!
//!     `{% navtab "Title" %}`: one tab of a `navtabs`.
//! -#}
//! ```
//!
//! (Tera takes `{% import %}`s only after a single leading comment: keep it one.)
//!
//! It is rendered with `name`, `id` (unique on the page), `index` (among its parent's
//! children of that name), `args` (positional arguments), `params` (`key=value`
//! arguments), `body` (a markdown body goes where `{{ body | safe }}` is; a text body is its
//! text), `data` (a YAML body), `parent`, `children` (components called in its body), `page`
//! (the frontmatter, `url`, `path`), `site` and `assets` (as in every template). Filters and
//! functions for them are in `template_fns.rs`. Tera escapes what an HTML component
//! prints; the dialect checks the HTML it writes like raw HTML, so a component cannot ship
//! script. theme/README.md (and docs/content/components.md) says how to write one.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use portolan_dialect::{
    BodyKind, ComponentBody, ComponentCall, ComponentError, ComponentOutput, Components,
    OutputKind, BODY_MARKER,
};
use serde::Serialize;

use crate::theme::{component_name, error_chain, Theme};

/// How one component takes its body and what it writes, from its template's header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Kind {
    body: BodyKind,
    output: OutputKind,
}

/// Reads a component template's header comment (its output kind is its file's: `.md` is
/// markdown); an error names what it cannot read.
fn kind_of(file: &str, source: &str) -> Result<Kind, String> {
    let name = file;
    let mut kind = Kind {
        body: BodyKind::None,
        output: if file.ends_with(".md") {
            OutputKind::Markdown
        } else {
            OutputKind::Html
        },
    };
    let t = source.trim_start();
    let Some(rest) = t.strip_prefix("{#").map(|r| r.trim_start_matches('-')) else {
        return Ok(kind);
    };
    let Some(end) = rest.find("#}") else {
        return Ok(kind);
    };
    let header = rest[..end].trim_end_matches('-');
    let mut lines = header.lines();
    if lines.next().map(str::trim) != Some("component") {
        return Ok(kind);
    }
    for line in lines {
        let line = line.split('(').next().unwrap_or("").trim();
        if line.is_empty() {
            break; // the settings end at a blank line; what follows is prose
        }
        let Some((k, v)) = line.split_once(':') else {
            return Err(format!(
                "component {name}: cannot read `{line}` in its header (write `body: markdown`)"
            ));
        };
        match (k.trim(), v.trim()) {
            ("body", "none") => kind.body = BodyKind::None,
            ("body", "markdown") => kind.body = BodyKind::Markdown,
            ("body", "yaml") => kind.body = BodyKind::Yaml,
            ("body", "text") => kind.body = BodyKind::Text,
            (k, v) => return Err(format!("component {name}: `{k}: {v}` in its header; `body:` is none, markdown, yaml or text (the output is HTML for a .html file, markdown for .md)")),
        }
    }
    Ok(kind)
}

thread_local! {
    /// What the component being rendered on this thread said with `warn(message=)`: Tera
    /// functions have no other way back to the call.
    static WARNINGS: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Records a warning for the component being rendered on this thread (`warn(message=)`).
pub(crate) fn warn(message: String) {
    WARNINGS.with(|w| w.borrow_mut().push(message));
}

/// What Tera's error says before the message of a template's `throw`.
const THROWN: &str = "Function call 'throw' failed: ";

/// The theme's components, rendered with its Tera instance.
pub(crate) struct ThemeComponents {
    tera: Arc<tera::Tera>,
    /// By name: how each takes its body, what it writes, and its template's name.
    kinds: BTreeMap<String, (Kind, String)>,
    base: tera::Context,
    /// The components that show other pages' cards.
    read_pages: BTreeSet<String>,
}

impl ThemeComponents {
    pub(crate) fn new(
        theme: &Theme,
        tera: Arc<tera::Tera>,
        base: tera::Context,
    ) -> Result<Self, String> {
        let mut kinds = BTreeMap::new();
        let lists = |source: &str| LISTING_FUNCTIONS.iter().any(|f| source.contains(f));
        // Partials that list pages: a component importing one lists them too.
        let listing_partials: Vec<&str> = theme
            .components
            .iter()
            .filter(|(file, source)| file.starts_with('_') && lists(source))
            .map(|(file, _)| file.as_str())
            .collect();
        let mut read_pages = BTreeSet::new();
        for (file, source) in &theme.components {
            let name = component_name(file);
            if name.starts_with('_') {
                continue; // a partial
            }
            if lists(source) || listing_partials.iter().any(|p| source.contains(p)) {
                read_pages.insert(name.to_string());
            }
            kinds.insert(
                name.to_string(),
                (kind_of(file, source)?, format!("components/{file}")),
            );
        }
        Ok(ThemeComponents {
            tera,
            kinds,
            base,
            read_pages,
        })
    }

    /// True when one of `components` shows other pages' cards (calls `pages()`,
    /// `page_card()` or `collection_page()`): a page that calls it is rendered again when a
    /// card changes.
    pub(crate) fn read_pages(&self, components: &[String]) -> bool {
        components.iter().any(|c| self.read_pages.contains(c))
    }
}

/// The template functions that read other pages' cards.
const LISTING_FUNCTIONS: [&str; 3] = ["pages(", "page_card(", "collection_page("];

#[derive(Serialize)]
struct CallContext<'a> {
    name: &'a str,
    id: &'a str,
    index: usize,
    args: &'a [serde_json::Value],
    params: &'a BTreeMap<String, serde_json::Value>,
    body: String,
    data: serde_json::Value,
    parent: Option<&'a portolan_dialect::ComponentRef>,
    children: &'a [portolan_dialect::ComponentRef],
    page: &'a serde_json::Value,
}

impl Components for ThemeComponents {
    fn body(&self, name: &str) -> Option<BodyKind> {
        self.kinds.get(name).map(|(k, _)| k.body)
    }

    fn names(&self) -> Vec<String> {
        self.kinds.keys().cloned().collect()
    }

    fn render(&self, call: &ComponentCall<'_>) -> Result<ComponentOutput, ComponentError> {
        let this = call.this;
        let Some((kind, template)) = self.kinds.get(&this.name) else {
            return Err(ComponentError {
                message: format!("the theme has no `components/{}.html`", this.name),
                hint: None,
            });
        };
        let (body, data) = match &call.body {
            ComponentBody::None => (String::new(), serde_json::Value::Null),
            ComponentBody::Markdown => (BODY_MARKER.to_string(), serde_json::Value::Null),
            ComponentBody::Text(t) => (t.clone(), serde_json::Value::Null),
            ComponentBody::Data(d) => (String::new(), d.clone()),
        };
        let context = CallContext {
            name: &this.name,
            id: &this.id,
            index: this.index,
            args: &this.args,
            params: &this.params,
            body,
            data,
            parent: call.parent,
            children: call.children,
            page: call.page,
        };
        WARNINGS.with(|w| w.borrow_mut().clear());
        let mut ctx = self.base.clone();
        let extra = tera::Context::from_serialize(&context).map_err(|e| ComponentError {
            message: error_chain(&e),
            hint: None,
        })?;
        ctx.extend(extra);
        let text = self.tera.render(template, &ctx).map_err(|e| {
            let chain = error_chain(&e);
            // `{{ throw(message="...") }}`: the template refuses the call, and says why.
            match chain.split_once(THROWN) {
                Some((_, message)) => ComponentError {
                    message: message.to_string(),
                    hint: None,
                },
                None => ComponentError {
                    message: format!("its template failed: {chain}"),
                    hint: Some(format!("see theme/{template}")),
                },
            }
        })?;
        Ok(ComponentOutput {
            text,
            kind: kind.output,
            warnings: WARNINGS.with(|w| std::mem::take(&mut *w.borrow_mut())),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_say_how_a_component_takes_its_body() {
        let k = kind_of(
            "x.html",
            "{#- component\n    body: markdown   (wrapped)\n-#}\n<div>",
        )
        .unwrap();
        assert_eq!(
            k,
            Kind {
                body: BodyKind::Markdown,
                output: OutputKind::Html
            }
        );
        let k = kind_of("x.md", "{# component\nbody: yaml #}").unwrap();
        assert_eq!(
            k,
            Kind {
                body: BodyKind::Yaml,
                output: OutputKind::Markdown
            }
        );
        assert_eq!(kind_of("x.html", "<span>").unwrap().body, BodyKind::None);
        assert!(kind_of("x.html", "{# component\nbody: tables #}").is_err());
        assert!(kind_of("x.html", "{# component\noutput: html #}").is_err());
        let k = kind_of(
            "x.html",
            "{#- component\n    body: yaml\n\n    Prose: with a colon.\n-#}",
        )
        .unwrap();
        assert_eq!(k.body, BodyKind::Yaml);
    }
}
