//! How code blocks are highlighted: through the caller, so that a site can keep what it
//! highlighted between builds (syntax highlighting is the costliest step of rendering a
//! page full of code), with [`DirectHighlighter`] for callers that keep nothing.

pub use portolan_highlight::Highlighted;

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
