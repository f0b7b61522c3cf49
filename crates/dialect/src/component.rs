//! Components: Liquid tags that are not built in, rendered by the caller (the site renders
//! them with the theme's templates, `theme/components/NAME.html`). The dialect parses the
//! call, renders its arguments and body, and splices what the component writes back into
//! the page: HTML (checked like raw HTML, so a component cannot ship script) or markdown
//! (rendered with the page). A component with a markdown body wraps it: the body is
//! rendered in place, between the two halves of the component's output, so its headings,
//! links and text stay the page's own (in the table of contents, link checks, search).

use std::collections::BTreeMap;

/// How a component takes its body, as its template declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// No body: `{% name args %}`.
    None,
    /// Markdown, rendered in place between the halves of the output (`navtab`, `html_tag`).
    Markdown,
    /// YAML, after Liquid, given to the template as data (`feature_table`, `konnect_api_request`).
    Yaml,
    /// Text, after Liquid, given as it is (`mermaid`).
    Text,
}

/// What a component's output is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputKind {
    /// HTML, placed as a block when the tag stands on a line of its own, else inline.
    Html,
    /// Markdown, rendered with the page (a code block, say).
    Markdown,
}

/// Where a markdown body goes in a component's output: the template writes it once, and the
/// dialect splits the output there.
pub const BODY_MARKER: &str = "\u{1}portolan-component-body\u{1}";

/// The body given to a component.
#[derive(Debug, Clone, PartialEq)]
pub enum ComponentBody {
    /// None.
    None,
    /// A markdown body: the template writes [`BODY_MARKER`] where it goes.
    Markdown,
    /// The body's text after Liquid.
    Text(String),
    /// The body read as YAML, after Liquid.
    Data(serde_json::Value),
}

/// A component call as seen by its parent or children: name, arguments and id.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ComponentRef {
    /// The tag's name.
    pub name: String,
    /// Unique on the page, e.g. `navtabs-1`.
    pub id: String,
    /// Its place among its parent's children of the same name, from 0.
    pub index: usize,
    /// Positional arguments.
    pub args: Vec<serde_json::Value>,
    /// `key=value` arguments.
    pub params: BTreeMap<String, serde_json::Value>,
}

impl ComponentRef {
    /// The next call of component `name` in a document drawn from YAML (a landing page, an
    /// index), whose calls of each name are counted in `counts`: its id (`landing-card-3`)
    /// unique on the page, its index its place among the calls of that name.
    pub(crate) fn numbered(
        counts: &mut BTreeMap<String, usize>,
        name: &str,
        params: BTreeMap<String, serde_json::Value>,
    ) -> ComponentRef {
        let n = counts.entry(name.to_string()).or_insert(0);
        *n += 1;
        ComponentRef {
            name: name.to_string(),
            id: format!("{}-{n}", name.replace(['_', '/'], "-")),
            index: *n - 1,
            args: Vec::new(),
            params,
        }
    }
}

/// One call of a component.
#[derive(Debug, Clone)]
pub struct ComponentCall<'a> {
    /// The call itself: name, id, index, arguments.
    pub this: &'a ComponentRef,
    /// The body.
    pub body: ComponentBody,
    /// The component the call is inside, if any.
    pub parent: Option<&'a ComponentRef>,
    /// Components called directly inside this one's body, in order (a `navtabs` gets its
    /// `navtab`s, each rendered already).
    pub children: &'a [ComponentRef],
    /// The page: its frontmatter, `url` and `path`.
    pub page: &'a serde_json::Value,
}

/// What a component wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComponentOutput {
    /// The output; holds [`BODY_MARKER`] once for a markdown body.
    pub text: String,
    /// HTML or markdown.
    pub kind: OutputKind,
    /// What the reader of the build should know (data a component went without, say):
    /// each a warning at the tag.
    pub warnings: Vec<String>,
}

/// Why a component could not render; reported at its tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComponentError {
    /// What went wrong.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
}
