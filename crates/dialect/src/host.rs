//! What the caller (the site) gives the dialect: where includes come from, where links go,
//! the components tags call, what draws diagrams and what highlights code. The dialect is
//! pure; everything that touches files, templates or caches comes through these traits.

pub use portolan_liquid::{IncludeError, IncludeResolver, Included};

use crate::component::{BodyKind, ComponentCall, ComponentError, ComponentOutput};
use crate::diagram::{DiagramError, Drawing};
pub use portolan_highlight::Highlighted;

/// Decides what a link written in content points at in the output: the site adds its base
/// path to links to its own pages and sends links to pages it does not own upstream.
pub trait LinkRewriter: Sync {
    /// The href to emit for `url` as written, or `None` to keep it.
    fn rewrite(&self, url: &str) -> Option<String>;
}

/// Keeps every link as written.
pub struct KeepLinks;

impl LinkRewriter for KeepLinks {
    fn rewrite(&self, _: &str) -> Option<String> {
        None
    }
}

/// The components a page can call.
pub trait Components: Sync {
    /// How component `name` takes its body; `None` when there is no such component.
    fn body(&self, name: &str) -> Option<BodyKind>;
    /// Every component's name, for "did you mean" and the list an unknown tag shows.
    fn names(&self) -> Vec<String>;
    /// Renders one call.
    fn render(&self, call: &ComponentCall<'_>) -> Result<ComponentOutput, ComponentError>;
}

/// No components: every tag that is not built in is unknown.
pub struct NoComponents;

impl Components for NoComponents {
    fn body(&self, _: &str) -> Option<BodyKind> {
        None
    }

    fn names(&self) -> Vec<String> {
        Vec::new()
    }

    fn render(&self, call: &ComponentCall<'_>) -> Result<ComponentOutput, ComponentError> {
        Err(ComponentError {
            message: format!("no component `{}`", call.this.name),
            hint: None,
        })
    }
}

/// Draws diagrams from their source.
pub trait Diagrams: Sync {
    /// Draws one diagram written in Mermaid; `id` is unique in the page (the drawing's own
    /// ids start with it).
    fn draw(&self, source: &str, id: &str) -> Result<Drawing, DiagramError>;
}

/// Draws nothing: every diagram is left to the browser.
pub struct BrowserDiagrams;

impl Diagrams for BrowserDiagrams {
    fn draw(&self, _: &str, _: &str) -> Result<Drawing, DiagramError> {
        Ok(Drawing::Browser(None))
    }
}

/// Highlights a code block.
pub trait Highlighter: Sync {
    /// `code` written in a fence labelled `lang`, as [`portolan_highlight::highlight`]
    /// does it.
    fn highlight(&self, lang: &str, code: &str) -> Highlighted;
}

/// Highlights every block anew.
pub struct DirectHighlighter;

impl Highlighter for DirectHighlighter {
    fn highlight(&self, lang: &str, code: &str) -> Highlighted {
        portolan_highlight::highlight(lang, code)
    }
}
