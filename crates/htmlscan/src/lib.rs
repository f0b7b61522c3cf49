//! HTML and XML read the way a browser (or an XML parser) reads them, for one purpose: to
//! refuse what could run script in a reader's browser, and to find what else a document
//! holds (comments, ids, text) without a second, laxer parser.
//!
//! Content is written by many hands, and Portolan publishes its raw HTML, SVG and XML files.
//! Every check here rests on one scanner ([`scan`]), which finds tags, comments, bogus
//! comments and attribute values exactly where a browser does (`<` and a letter starts a
//! tag; `<!-->` is a whole comment; `</3` is a bogus comment to the next `>`), so what a
//! browser would read as a tag is never missed. XML files are scanned with XML's rules and
//! also parsed by a strict parser whose tree gets the same checks ([`unsafe_xml`]).
//!
//! - [`unsafe_html`], [`unsafe_xml`]: what in a document could run script, as [`Finding`]s.
//! - [`ends_in_text`], [`comment_ranges`], [`without_comments`], [`ids`], [`text`]: what a
//!   document holds, read by the same scanner.
//! - [`is_unsafe_url`], [`URL_ATTRIBUTES`]: URL checks shared with markdown links.
//! - [`escape_html`] and [`decode_references`]: the one escaper and the one decoder of
//!   character references that Portolan uses.
//!
//! Pure: no I/O, no dependencies beyond `roxmltree`.

mod entities;
mod html;
mod scan;
mod url;
mod xml;

pub use entities::{decode_references, escape_html, escape_html_into};
pub use html::{
    comment_ranges, ends_in_text, ids, text, top_level_elements, unsafe_html, without_comments,
};
pub use url::{is_unsafe_url, URL_ATTRIBUTES};
pub use xml::unsafe_xml;

/// Something in a document that could run script: where it starts (a byte offset) and what
/// it is, in words ("a `<script>` element").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Byte offset of the tag, attribute or declaration.
    pub at: usize,
    /// What it is, e.g. "an `onerror` event handler attribute".
    pub what: String,
}

impl Finding {
    pub(crate) fn new(at: usize, what: impl Into<String>) -> Self {
        Finding {
            at,
            what: what.into(),
        }
    }
}
