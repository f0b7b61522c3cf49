//! The scanner every check reads documents with: tags, attributes, comments and text, found
//! where a browser (or, for XML, an XML parser) finds them.

use std::ops::Range;

use crate::url::attribute_problem;
use crate::{decode_references, Finding};

/// Elements that run or embed code, or change what every link on the page means.
pub(crate) const CODE_ELEMENTS: &[&str] = &[
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "meta", "portal",
];

/// Elements refused in HTML: the [`CODE_ELEMENTS`] (first, in the same order) and the
/// raw-text ones.
pub(crate) const DENIED_ELEMENTS: &[&str] = &[
    "script",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "base",
    "meta",
    "portal",
    // Raw-text and RCDATA elements: a browser reads their content as text up to the closing
    // tag, even inside what looks like an attribute value, so `<title><img title="</title>
    // <img onerror=...>">` hides a live tag from any scan that reads it as markup. None is
    // needed in a page's content (inline <style> is also blocked by the pages' CSP).
    "style",
    "textarea",
    "title",
    "noscript",
    "xmp",
    "noembed",
    "noframes",
    "plaintext",
];

/// What a scan reports besides its findings. Every method has a default that ignores it.
pub(crate) trait Visitor {
    /// A comment, ended where a browser ends it (an unterminated one runs to the end).
    fn comment(&mut self, _range: Range<usize>) {}
    /// Text between constructs (character references not decoded).
    fn text(&mut self, _range: Range<usize>) {}
    /// A start or end tag, its name lowercase as written (with any prefix), its `<` at
    /// byte `_at`.
    fn tag(&mut self, _name: &str, _closing: bool, _at: usize) {}
    /// An attribute of a start or end tag: element and attribute names lowercase, the value
    /// as written (character references not decoded).
    fn attribute(&mut self, _element: &str, _attr: &str, _value: Option<&str>) {}
}

/// A visitor that wants nothing but the findings.
pub(crate) struct Findings;

impl Visitor for Findings {}

/// What one scan found.
pub(crate) struct Scan {
    /// What could run script, in document order.
    pub(crate) found: Vec<Finding>,
    /// True when the document ends inside a tag, comment or bogus comment.
    pub(crate) open: bool,
}

/// Scans `html` (with XML's rules when `xml`), telling `visit` what it holds.
pub(crate) fn scan(html: &str, xml: bool, visit: &mut impl Visitor) -> Scan {
    let b = html.as_bytes();
    let n = b.len();
    let mut found = Vec::new();
    let mut open = false;
    let mut i = 0;
    // Where the text since the last construct starts.
    let mut text_from = 0;
    // The end of a construct that runs to the first `pat` at or after `from` (or to the
    // end, left open).
    let until = |from: usize, pat: &str, open: &mut bool| match html[from..].find(pat) {
        Some(k) => from + k + pat.len(),
        None => {
            *open = true;
            n
        }
    };
    while let Some(rel) = html[i..].find('<') {
        let lt = i + rel;
        let mut j = lt + 1;
        if xml && html[j..].starts_with("!--") {
            // XML: a comment ends at the first `-->` after `<!--` (`<!-->` does not end one).
            i = until(j + 3, "-->", &mut open);
            flush(visit, &mut text_from, lt, i);
            visit.comment(lt..i);
            continue;
        }
        if xml && html[j..].starts_with('?') {
            // XML: a processing instruction ends at `?>`.
            i = until(j + 1, "?>", &mut open);
            flush(visit, &mut text_from, lt, i);
            continue;
        }
        if xml && html[j..].starts_with('!') && !html[j..].starts_with("![CDATA[") {
            // XML: a declaration (`<!DOCTYPE ...>`) ends at the first `>` outside its quoted
            // literals, which may hold `>`.
            let mut quote = None;
            let end = b[j..].iter().position(|&c| match quote {
                Some(q) => {
                    if c == q {
                        quote = None;
                    }
                    false
                }
                None if c == b'"' || c == b'\'' => {
                    quote = Some(c);
                    false
                }
                None => c == b'>',
            });
            i = match end {
                Some(k) => j + k + 1,
                None => {
                    open = true;
                    n
                }
            };
            flush(visit, &mut text_from, lt, i);
            continue;
        }
        if html[j..].starts_with("!--") {
            // Where a browser ends the comment: `<!-->` and `<!--->` are whole comments,
            // and `--!>` closes one too.
            let body = &html[j + 3..];
            i = if body.starts_with('>') {
                j + 4
            } else if body.starts_with("->") {
                j + 5
            } else {
                let a = body.find("-->").map(|k| k + 3);
                let b = body.find("--!>").map(|k| k + 4);
                match a.into_iter().chain(b).min() {
                    Some(k) => j + 3 + k,
                    None => {
                        open = true;
                        n
                    }
                }
            };
            flush(visit, &mut text_from, lt, i);
            visit.comment(lt..i);
            continue;
        }
        if xml && b.len() >= j + 8 && b[j..j + 8].eq_ignore_ascii_case(b"![CDATA[") {
            // XML: text up to `]]>`.
            i = until(j, "]]>", &mut open);
            flush(visit, &mut text_from, lt, i);
            continue;
        }
        if matches!(b.get(j), Some(b'!' | b'?')) {
            // A doctype, `<?...` or `<!...` is a (bogus) comment that ends at the first `>`,
            // even inside quotes; in SVG and MathML `<![CDATA[` is text up to `]]>` instead,
            // so what it hides depends on where it is: refused.
            if b.len() >= j + 8 && b[j..j + 8].eq_ignore_ascii_case(b"![CDATA[") {
                found.push(Finding::new(lt, "a `<![CDATA[` section"));
            }
            i = until(j, ">", &mut open);
            flush(visit, &mut text_from, lt, i);
            continue;
        }
        let closing = b.get(j) == Some(&b'/');
        if closing {
            j += 1;
        }
        // A tag name starts with an ASCII letter in HTML; in XML also with `_`, `:` or any
        // non-ASCII letter (`<_ onclick=...>` is an element there).
        let name_start =
            |c: &u8| c.is_ascii_alphabetic() || (xml && (matches!(c, b'_' | b':') || *c >= 0x80));
        if !b.get(j).is_some_and(name_start) {
            // `</>` is dropped and `</` followed by anything else but a letter is a bogus
            // comment up to the first `>`; `<` followed by anything else is text.
            if closing && j < n {
                i = until(j, ">", &mut open);
                flush(visit, &mut text_from, lt, i);
            } else {
                i = lt + 1;
            }
            continue;
        }
        flush(visit, &mut text_from, lt, lt);
        let name_end = b[j..]
            .iter()
            .position(|c| c.is_ascii_whitespace() || matches!(c, b'/' | b'>'))
            .map_or(n, |k| j + k);
        let name = html[j..name_end].to_ascii_lowercase();
        // `svg:script` and `html:script` are scripts in an XML document.
        let local = name.rsplit(':').next().unwrap_or_default();
        let denied = if xml {
            CODE_ELEMENTS.contains(&local)
        } else {
            DENIED_ELEMENTS.contains(&local)
        };
        if denied && !closing {
            found.push(Finding::new(lt, format!("a `<{name}>` element")));
        }
        visit.tag(&name, closing, lt);
        j = name_end;
        loop {
            while j < n && (b[j].is_ascii_whitespace() || b[j] == b'/') {
                j += 1;
            }
            if j >= n {
                // A tag left open would take the markup after it as its attributes.
                let slash = if closing { "/" } else { "" };
                found.push(Finding::new(
                    lt,
                    format!("a `<{slash}{name}` tag that is never closed with `>`"),
                ));
                open = true;
                break;
            }
            if b[j] == b'>' {
                j += 1;
                break;
            }
            let start = j;
            j += 1; // an attribute name may start with `=`
            while j < n && !b[j].is_ascii_whitespace() && !matches!(b[j], b'/' | b'>' | b'=') {
                j += 1;
            }
            let attr = html[start..j].to_ascii_lowercase();
            while j < n && b[j].is_ascii_whitespace() {
                j += 1;
            }
            let mut value = None;
            if j < n && b[j] == b'=' {
                j += 1;
                while j < n && b[j].is_ascii_whitespace() {
                    j += 1;
                }
                match b.get(j) {
                    Some(&q @ (b'"' | b'\'')) => {
                        let end = b[j + 1..]
                            .iter()
                            .position(|&c| c == q)
                            .map_or(n, |k| j + 1 + k);
                        value = Some(&html[j + 1..end]);
                        if xml && html[j + 1..end].contains('<') {
                            // XML forbids it, and parsers that let it pass read `<!--` or
                            // `<![CDATA[` there as the start of a comment or CDATA section
                            // that runs past the closing quote.
                            found.push(Finding::new(
                                start,
                                "a `<` inside an attribute value, which XML forbids",
                            ));
                        }
                        j = (end + 1).min(n);
                    }
                    _ => {
                        let end = b[j..]
                            .iter()
                            .position(|c| c.is_ascii_whitespace() || *c == b'>')
                            .map_or(n, |k| j + k);
                        value = Some(&html[j..end]);
                        if xml {
                            found.push(Finding::new(
                                start,
                                "an attribute value without quotes, which XML forbids",
                            ));
                        }
                        j = end;
                    }
                }
            }
            visit.attribute(&name, &attr, value);
            if let Some(what) = attribute_problem(&name, &attr, value, decode_references) {
                found.push(Finding::new(start, what));
            }
        }
        i = j.clamp(lt + 1, n);
        text_from = i;
    }
    emit_text(visit, text_from, n);
    Scan { found, open }
}

/// Reports the text before a construct at `lt`, and that text resumes at `end`.
fn flush(visit: &mut impl Visitor, text_from: &mut usize, lt: usize, end: usize) {
    emit_text(visit, *text_from, lt);
    *text_from = end;
}

fn emit_text(visit: &mut impl Visitor, from: usize, to: usize) {
    if from < to {
        visit.text(from..to);
    }
}
