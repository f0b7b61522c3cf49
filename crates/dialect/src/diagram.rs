//! Diagrams: what a ```` ```mermaid ```` fence (and so a `{% mermaid %}` block, which the
//! theme writes as one) becomes. The dialect finds them and places the result; drawing is
//! the caller's (the site draws with a renderer and caches the pictures), through
//! [`crate::Diagrams`].

use std::sync::Arc;

/// What a diagram became.
#[derive(Debug, Clone)]
pub enum Drawing {
    /// An inline SVG, checked and ready to place in the page.
    Svg(Arc<str>),
    /// Left to the browser: the page shows the source until mermaid.js draws it. With a
    /// reason when its author did not ask for it (the page then warns).
    Browser(Option<String>),
}

/// Why a diagram could not be drawn: a mistake in its source, at its line and column
/// (1-based, within the diagram; `None` when the parser does not say).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiagramError {
    /// The parser's message.
    pub message: String,
    /// The line of the source it is about.
    pub line: Option<usize>,
    /// The column (in characters) on that line.
    pub column: Option<usize>,
    /// What to do about it.
    pub hint: Option<String>,
}
