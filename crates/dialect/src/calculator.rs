//! The hostname calculator's place in a page, and the last check of a rendered page.
//!
//! `{% hostname_calculator %}` leaves [`CALCULATOR_MARKER`] in the body and the site swaps
//! it for the widget. So the marker must be the tag's own (raw HTML that spells it could
//! put the widget inside an attribute's value) and must stand where markup of its own may
//! start (not inside a tag or comment).

use portolan_htmlscan::{ends_in_text, unsafe_html};

use crate::diag::{ceil_char_boundary, push_limited, Diagnostic, FileId, Span};
use crate::expanded::Expanded;
use crate::markdown::unsafe_html_error;

/// The HTML marker that `{% hostname_calculator %}` leaves in the body; the site replaces
/// it with the calculator widget.
pub const CALCULATOR_MARKER: &str = "<div data-portolan-calculator></div>";

/// The attribute that makes the marker, as raw HTML might write it.
const MARKER_ATTRIBUTE: &str = "data-portolan-calculator";

/// Refuses a marker the tag did not place, and a placed one that would land inside a tag
/// or comment of the HTML before it.
pub(crate) fn check_marker(
    file: FileId,
    text: &str,
    body_start: usize,
    body_html: &str,
    faq_html: &[&str],
    expanded: &Expanded,
    diags: &mut Vec<Diagnostic>,
) {
    let markers = std::iter::once(body_html)
        .chain(faq_html.iter().copied())
        .map(|h| h.matches(CALCULATOR_MARKER).count())
        .sum::<usize>();
    if markers > usize::from(expanded.gathered.has_calculator) {
        let (at, len) = match text.find(CALCULATOR_MARKER) {
            Some(at) => (at, CALCULATOR_MARKER.len()),
            None => text
                .find(MARKER_ATTRIBUTE)
                .map_or((body_start, 0), |at| (at, MARKER_ATTRIBUTE.len())),
        };
        let end = ceil_char_boundary(text, at + len);
        push_limited(
            diags,
            Diagnostic::error(Span::new(file, at, end), "raw HTML that spells the calculator's marker `<div data-portolan-calculator></div>`")
                .with_label("reserved for the calculator")
                .with_hint("place the calculator with `{% hostname_calculator %}`"),
        );
    }
    if markers == 1 && expanded.gathered.has_calculator {
        let at = body_html.find(CALCULATOR_MARKER).unwrap_or(0);
        if !ends_in_text(&body_html[..at]) {
            if let Some(span) = expanded.gathered.calculator_span {
                push_limited(
                    diags,
                    Diagnostic::error(span, "`{% hostname_calculator %}` inside raw HTML that is still open")
                        .with_label("the calculator would land inside a tag or comment")
                        .with_hint("put the tag on a line of its own, after the raw HTML before it is closed with `>`"),
                );
            }
        }
    }
}

/// Raw HTML is checked where it is written. This pass over the page as rendered is the
/// backstop for what only appears when raw HTML and markdown combine, so a page that builds
/// never holds live script, whatever the checks before it missed.
pub(crate) fn check_rendered(
    file: FileId,
    body_start: usize,
    body_html: &str,
    faq_html: &[&str],
    diags: &mut Vec<Diagnostic>,
) {
    if diags.iter().any(Diagnostic::is_error) {
        return;
    }
    let found = std::iter::once(body_html)
        .chain(faq_html.iter().copied())
        .find_map(|h| unsafe_html(h).into_iter().next());
    if let Some(found) = found {
        let at = Span::new(file, body_start, body_start);
        push_limited(
            diags,
            unsafe_html_error(at, &found.what)
                .with_label("in the page as rendered")
                .with_hint("raw HTML and the markdown around it combine into this; look for raw HTML that is left open"),
        );
    }
}
