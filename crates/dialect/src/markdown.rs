//! Markdown after Liquid: pulldown-cmark events with Kong's transforms applied.
//!
//! Transforms on the event stream (never regexes over HTML): heading ids and anchor links,
//! kramdown attribute lists on the following block (callouts), link collection with source
//! spans, unsafe URL schemes refused, and plain-text blocks for search and the calculator.

use std::cell::Cell;
use std::fmt::Write as _;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;

use crate::diag::{push_limited, Diagnostic, Span};
use crate::limits::{MAX_BLOCK_NESTING, MAX_BLOCK_TEXT_BYTES, MAX_TABLE_CELLS_PER_PAGE};
use crate::liquid::{Attrs, Expanded, SourceMap};
use crate::slug::{slugify, UniqueIds};
use crate::LinkRewriter;

/// A heading of the body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Heading {
    /// 1 to 6.
    pub level: u8,
    /// Anchor id.
    pub id: String,
    /// Plain text.
    pub text: String,
}

/// Where a link was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkOrigin {
    /// Markdown body.
    Body,
    /// An image source in the body.
    Image,
    /// A `{% table %}` cell.
    Table,
    /// An FAQ answer.
    Faq,
    /// `related_resources:` in the frontmatter.
    RelatedResource,
}

/// A link found in the page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Link {
    /// The target as written.
    pub url: String,
    /// The link text.
    pub text: String,
    /// Where it is written.
    #[serde(skip)]
    pub span: Span,
    /// What kind of place it is in.
    pub origin: LinkOrigin,
}

/// What kind of text block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    /// A heading.
    Heading,
    /// A paragraph.
    Paragraph,
    /// A list item (its nested content included).
    ListItem,
}

/// Plain text of one block of the body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TextBlock {
    /// Heading, paragraph or list item.
    pub kind: BlockKind,
    /// The text, inline code reduced to its content.
    pub text: String,
    /// The inline code spans in the block, in order.
    pub code_spans: Vec<String>,
}

pub(crate) struct Body {
    pub(crate) html: String,
    pub(crate) headings: Vec<Heading>,
    pub(crate) links: Vec<Link>,
    pub(crate) blocks: Vec<TextBlock>,
}

/// Inline (or fragment) markdown rendered on its own.
pub struct Inline {
    /// HTML.
    pub html: String,
    /// Plain text.
    pub text: String,
    /// Links, with spans that the caller must set (they are not from a file).
    pub links: Vec<Link>,
    /// URLs refused as unsafe (the caller reports them where they are written).
    pub rejected: Vec<String>,
    /// Raw HTML refused by [`unsafe_html`]: (the text as written, what it is). The caller
    /// reports each with [`unsafe_html_error`].
    pub unsafe_html: Vec<(String, String)>,
    /// Set when the markdown exceeds a limit and was not rendered (or not all of it); the
    /// caller reports it where the text is written, with [`Refusal::error`].
    pub refused: Option<Refusal>,
}

/// Why markdown was not rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Lists and block quotes nest deeper than [`MAX_BLOCK_NESTING`].
    TooDeep,
    /// Pipe tables would make more cells than the page has left (see
    /// [`MAX_TABLE_CELLS_PER_PAGE`]).
    TooManyCells,
}

impl Refusal {
    /// The error to report at `span`.
    pub fn error(self, span: Span) -> Diagnostic {
        match self {
            Refusal::TooDeep => Diagnostic::error(span, format!("lists and block quotes nest more than {MAX_BLOCK_NESTING} levels deep"))
                .with_label("one level too deep")
                .with_hint("flatten the list; a line starting with `- - -` or `> > >` nests once per marker"),
            Refusal::TooManyCells => Diagnostic::error(span, format!("too many table cells: a page may have {MAX_TABLE_CELLS_PER_PAGE} in all (rows × columns)"))
                .with_label("this table")
                .with_hint("split the page; note that every row of a pipe table gets a cell for every column, written or not"),
        }
    }
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

/// Escapes text for HTML content and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// True for URLs that must never reach a reader's browser: `javascript:`, `vbscript:`,
/// and `data:` (except images in image sources).
pub fn is_unsafe_url(url: &str, image: bool) -> bool {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    let Some(colon) = cleaned.find(':') else {
        return false;
    };
    if cleaned[..colon].contains(['/', '?', '#']) {
        return false;
    }
    match &cleaned[..colon] {
        "javascript" | "vbscript" => true,
        "data" => {
            !(image && cleaned.starts_with("data:image/") && !cleaned.starts_with("data:image/svg"))
        }
        _ => false,
    }
}

/// Elements that run or embed code, or change what every link on the page means.
const CODE_ELEMENTS: &[&str] = &[
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "meta", "portal",
];

/// Elements refused in HTML: the [`CODE_ELEMENTS`] (first, in the same order) and the
/// raw-text ones.
const DENIED_ELEMENTS: &[&str] = &[
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

/// Attributes whose value is a URL a browser may navigate to or load (and SVG animation
/// values, which can set an `href`).
pub(crate) const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "poster",
    "background",
    "cite",
    "codebase",
    "dynsrc",
    "lowsrc",
    "ping",
    "manifest",
    "icon",
    "longdesc",
    "srcdoc",
    "xlink:href",
    "values",
    "to",
    "from",
    "by",
    "xml:base",
];

/// Raw HTML that could run script in a reader's browser: an element in [`DENIED_ELEMENTS`],
/// an event handler attribute (`on...`), or an unsafe URL ([`is_unsafe_url`], character
/// references decoded) in a URL attribute. Tags are found the way browsers find them (`<`
/// and a letter; attributes up to blanks, `/`, `>` or `=`; values quoted or not), so what a
/// browser would read as a tag is never missed. Returns (byte offset, what) for each.
pub fn unsafe_html(html: &str) -> Vec<(usize, String)> {
    scan_html(html, false, |_| {}).0
}

/// True when `html` ends in text: not inside a tag, a comment or a bogus comment. What
/// follows it is then read as markup of its own (the site checks this before it puts the
/// calculator's widget after it).
pub fn ends_in_text(html: &str) -> bool {
    !scan_html(html, false, |_| {}).1
}

/// [`unsafe_html`] for an XML document (an SVG or XML file the site serves as it is, which a
/// reader can open on the site's origin). An XML parser has no raw-text elements and reads
/// `<![CDATA[` as text, so those are not refused; what XML adds is refused instead: entity
/// declarations (an entity can expand to a `<script>` the scan never sees), default
/// attributes (`<!ATTLIST svg onload CDATA "...">`), so any DOCTYPE with an internal subset,
/// and `<?xml-stylesheet` (an XSLT stylesheet can write script).
pub fn unsafe_xml(xml: &str) -> Vec<(usize, String)> {
    let mut found = scan_html(xml, true, |_| {}).0;
    // `needle` (lowercase), ASCII case-insensitively, at or after `from`.
    let find = |from: usize, needle: &str| {
        xml.as_bytes()
            .get(from..)?
            .windows(needle.len())
            .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
            .map(|k| from + k)
    };
    for (needle, what) in [
        ("<!entity", "an `<!ENTITY` declaration"),
        ("<!attlist", "an `<!ATTLIST` declaration"),
        ("<?xml-stylesheet", "an `<?xml-stylesheet` instruction"),
    ] {
        if let Some(at) = find(0, needle) {
            found.push((at, what.to_string()));
        }
    }
    // The scan reads the file as UTF-8, so a browser must too: no other declared encoding,
    // and none of the control characters XML forbids (UTF-16 without a byte order mark is
    // valid UTF-8 full of NULs; ISO-2022-JP switches with ESC).
    if let Some((at, c)) = xml.char_indices().find(|&(_, c)| {
        (c.is_control() && c < ' ' && !matches!(c, '\t' | '\n' | '\r'))
            || matches!(c, '\u{fffe}' | '\u{ffff}')
    }) {
        found.push((
            at,
            format!(
                "a control character (U+{:04X}), which XML forbids",
                c as u32
            ),
        ));
    }
    let decl_at = xml.strip_prefix('\u{feff}').map_or(0, |_| 3);
    if xml[decl_at..].starts_with("<?xml") {
        let decl = &xml[decl_at..xml[decl_at..].find("?>").map_or(xml.len(), |e| decl_at + e)];
        if let Some(k) = decl.find("encoding") {
            let value: String = decl[k + 8..]
                .trim_start()
                .trim_start_matches('=')
                .trim_start()
                .chars()
                .skip(1)
                .take_while(|c| !matches!(c, '"' | '\''))
                .collect();
            if !value.eq_ignore_ascii_case("utf-8") && !value.eq_ignore_ascii_case("utf8") {
                found.push((
                    decl_at + k,
                    format!("an XML declaration with encoding `{value}`: the file must be UTF-8"),
                ));
            }
        }
    }
    // Only a plain DOCTYPE (a name, `PUBLIC`/`SYSTEM` and double-quoted ids without `>`):
    // then every parser ends it at its first `>`, as the scan does.
    let mut from = 0;
    while let Some(at) = find(from, "<!doctype") {
        let decl = &xml[at..xml[at..].find('>').map_or(xml.len(), |e| at + e)];
        if decl.contains('[') {
            found.push((
                at,
                "a DOCTYPE with an internal subset (`[...]`)".to_string(),
            ));
        } else if decl[1..].contains(['\'', '<'])
            || decl.matches('"').count() % 2 == 1
            || at + decl.len() == xml.len()
        {
            found.push((
                at,
                "a DOCTYPE other than a plain `<!DOCTYPE name PUBLIC \"id\" \"url\">`".to_string(),
            ));
        }
        from = at + 9;
    }
    // The parsed tree, where the checks above saw nothing at the same place.
    for (at, what) in unsafe_xml_tree(xml) {
        if !found.iter().any(|&(f, _)| f == at) {
            found.push((at, what));
        }
    }
    found.sort_by_key(|(at, _)| *at);
    found
}

/// The byte ranges of HTML comments in `html`, ended where a browser ends them (an
/// unterminated one runs to the end).
pub fn comment_ranges(html: &str) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    scan_html(html, false, |r| ranges.push(r));
    ranges
}

/// [`unsafe_html`], also telling `comment` where each comment is, and whether the text ends
/// inside a tag, comment or bogus comment.
fn scan_html(
    html: &str,
    xml: bool,
    mut comment: impl FnMut(std::ops::Range<usize>),
) -> (Vec<(usize, String)>, bool) {
    let b = html.as_bytes();
    let n = b.len();
    let mut found = Vec::new();
    let mut open = false;
    let mut i = 0;
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
            comment(lt..i);
            continue;
        }
        if xml && html[j..].starts_with('?') {
            // XML: a processing instruction ends at `?>`.
            i = until(j + 1, "?>", &mut open);
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
            comment(lt..i);
            continue;
        }
        if xml && b.len() >= j + 8 && b[j..j + 8].eq_ignore_ascii_case(b"![CDATA[") {
            // XML: text up to `]]>`.
            i = until(j, "]]>", &mut open);
            continue;
        }
        if matches!(b.get(j), Some(b'!' | b'?')) {
            // A doctype, `<?...` or `<!...` is a (bogus) comment that ends at the first `>`,
            // even inside quotes; in SVG and MathML `<![CDATA[` is text up to `]]>` instead,
            // so what it hides depends on where it is: refused.
            if b.len() >= j + 8 && b[j..j + 8].eq_ignore_ascii_case(b"![CDATA[") {
                found.push((lt, "a `<![CDATA[` section".to_string()));
            }
            i = until(j, ">", &mut open);
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
            i = if closing && j < n {
                until(j, ">", &mut open)
            } else {
                lt + 1
            };
            continue;
        }
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
            found.push((lt, format!("a `<{name}>` element")));
        }
        j = name_end;
        loop {
            while j < n && (b[j].is_ascii_whitespace() || b[j] == b'/') {
                j += 1;
            }
            if j >= n {
                // A tag left open would take the markup after it as its attributes.
                found.push((
                    lt,
                    format!(
                        "a `<{}{name}` tag that is never closed with `>`",
                        if closing { "/" } else { "" }
                    ),
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
                            found.push((
                                start,
                                "a `<` inside an attribute value, which XML forbids".to_string(),
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
                            found.push((
                                start,
                                "an attribute value without quotes, which XML forbids".to_string(),
                            ));
                        }
                        j = end;
                    }
                }
            }
            if let Some(what) = attribute_problem(&name, &attr, value, |v| {
                std::borrow::Cow::Owned(decode_references(v))
            }) {
                found.push((start, what));
            }
        }
        i = j.clamp(lt + 1, n);
    }
    (found, open)
}

/// What makes attribute `attr` of element `element` (both lowercase, as written) unsafe, if
/// anything: an event handler (`on...`, also after a prefix: what a prefix means depends on
/// namespace declarations), an SVG animation that would set one, or an unsafe URL
/// ([`is_unsafe_url`]) in a URL attribute (with any prefix; `values` is a `;`-separated
/// list). `decode` turns the value as written into the value a parser reads (character
/// references), only where it is looked at. Shared by the scan and the XML tree check.
fn attribute_problem<'v>(
    element: &str,
    attr: &str,
    value: Option<&'v str>,
    decode: impl Fn(&'v str) -> std::borrow::Cow<'v, str>,
) -> Option<String> {
    let local = attr.rsplit(':').next().unwrap_or_default();
    if attr.starts_with("on") || local.starts_with("on") {
        return Some(format!("an `{attr}` event handler attribute"));
    }
    let animation = local == "attributename";
    let url = URL_ATTRIBUTES.contains(&attr) || URL_ATTRIBUTES.contains(&local) || local == "base";
    if !(animation || url) {
        return None;
    }
    let value = decode(value?);
    if animation {
        return value
            .trim()
            .to_ascii_lowercase()
            .starts_with("on")
            .then(|| "an animation of an `on...` attribute".to_string());
    }
    let url = value
        .split(';')
        .find(|u| is_unsafe_url(u, is_image_url(element, attr)))?;
    let scheme: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take_while(|&c| c != ':')
        .collect();
    Some(format!(
        "a `{}:` URL in `{attr}`",
        scheme.to_ascii_lowercase()
    ))
}

/// True when attribute `attr` of element `name` (both lowercase) loads an image, where a
/// `data:image/...` URL is harmless: `<img src>`, `<video poster>`, SVG's `<image href>`.
fn is_image_url(name: &str, attr: &str) -> bool {
    let local = name.rsplit(':').next().unwrap_or_default();
    (matches!(
        local,
        "img" | "source" | "video" | "input" | "audio" | "track"
    ) && matches!(attr, "src" | "poster"))
        || (matches!(local, "image" | "feimage") && (attr == "href" || attr.ends_with(":href")))
}

/// What a strict XML parser makes of `xml`, checked node by node: the second opinion in
/// [`unsafe_xml`]. A file that is not well-formed is refused, so what passes is read the
/// same way by every XML parser, lenient ones included.
fn unsafe_xml_tree(xml: &str) -> Vec<(usize, String)> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        nodes_limit: 1_000_000,
    };
    let doc = match roxmltree::Document::parse_with_options(xml, options) {
        Ok(doc) => doc,
        Err(e) => {
            let pos = e.pos();
            let line_start = xml
                .split_inclusive('\n')
                .take(pos.row.saturating_sub(1) as usize)
                .map(str::len)
                .sum::<usize>()
                .min(xml.len());
            let at = xml[line_start..]
                .char_indices()
                .nth(pos.col.saturating_sub(1) as usize)
                .map_or(xml.len(), |(k, _)| line_start + k);
            return vec![(at, format!("not well-formed XML: {e}"))];
        }
    };
    let qname = |at: usize| -> String {
        xml[at..]
            .chars()
            .take_while(|c| !c.is_whitespace() && !matches!(c, '>' | '/' | '='))
            .collect()
    };
    let mut found = Vec::new();
    for node in doc.descendants() {
        if let Some(pi) = node.pi() {
            if pi.target.eq_ignore_ascii_case("xml-stylesheet") {
                found.push((
                    node.range().start,
                    "an `<?xml-stylesheet` instruction".to_string(),
                ));
            }
        }
        if !node.is_element() {
            continue;
        }
        let at = node.range().start;
        let name = qname(at + 1).to_ascii_lowercase();
        if CODE_ELEMENTS.contains(&node.tag_name().name().to_ascii_lowercase().as_str()) {
            found.push((at, format!("a `<{name}>` element")));
        }
        for a in node.attributes() {
            // The parser has decoded the value already.
            if let Some(what) = attribute_problem(
                &name,
                &xml[a.range_qname()].to_ascii_lowercase(),
                Some(a.value()),
                std::borrow::Cow::Borrowed,
            ) {
                found.push((a.range().start, what));
            }
        }
    }
    found
}

/// Decodes the character references that can spell a URL scheme in an attribute value:
/// numeric ones (`&#106;`, `&#x6A`, with or without `;`) and `&colon;`, `&tab;`,
/// `&newline;`. Other text is kept.
fn decode_references(v: &str) -> String {
    if !v.contains('&') {
        return v.to_string();
    }
    let mut out = String::with_capacity(v.len());
    let mut rest = v;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let lower = rest.get(..10).unwrap_or(rest).to_ascii_lowercase();
        if let Some(num) = rest.strip_prefix("&#") {
            let (hex, digits) = match num.strip_prefix(['x', 'X']) {
                Some(h) => (true, h),
                None => (false, num),
            };
            let len = digits
                .bytes()
                .take_while(|c| {
                    if hex {
                        c.is_ascii_hexdigit()
                    } else {
                        c.is_ascii_digit()
                    }
                })
                .count();
            if len > 0 {
                // As a browser reads it: every digit counts (`&#0000000106;` is `j`), and a
                // value that is no character (zero, a surrogate, past U+10FFFF) is U+FFFD.
                let radix = if hex { 16 } else { 10 };
                let code = digits[..len].chars().fold(0u32, |acc, d| {
                    acc.saturating_mul(radix)
                        .saturating_add(d.to_digit(radix).unwrap_or(0))
                });
                let c = Some(code)
                    .filter(|&c| c != 0)
                    .and_then(char::from_u32)
                    .unwrap_or(char::REPLACEMENT_CHARACTER);
                out.push(c);
                let skip = rest.len() - digits.len() + len;
                rest = &rest[skip..];
                rest = rest.strip_prefix(';').unwrap_or(rest);
                continue;
            }
        } else if let Some((name, c)) = [("&colon;", ':'), ("&tab;", '\t'), ("&newline;", '\n')]
            .iter()
            .find(|(name, _)| lower.starts_with(name))
        {
            out.push(*c);
            rest = &rest[name.len()..];
            continue;
        }
        out.push('&');
        rest = &rest[1..];
    }
    out.push_str(rest);
    out
}

/// `html` without its comments (see [`comment_ranges`]), or `None` when it has none.
fn without_comments(html: &str) -> Option<String> {
    let ranges = comment_ranges(html);
    if ranges.is_empty() {
        return None;
    }
    let mut kept = String::with_capacity(html.len());
    let mut at = 0;
    for r in ranges {
        kept.push_str(&html[at..r.start]);
        at = r.end;
    }
    kept.push_str(&html[at..]);
    // A block that held only a comment leaves no blank line behind.
    if kept.trim().is_empty() {
        kept.clear();
    }
    Some(kept)
}

/// The error for raw HTML refused by [`unsafe_html`].
pub fn unsafe_html_error(span: Span, what: &str) -> Diagnostic {
    Diagnostic::error(span, format!("raw HTML that can run script: {what}"))
        .with_label("not allowed in content")
        .with_hint("raw HTML may format (`<br>`, `<span>`, `<details>`, `<img>`), not run script: no `<script>` or `<iframe>`, no `on...` attributes, no `javascript:` URLs")
}

/// The error for a URL refused as unsafe.
pub fn unsafe_url_error(span: Span, url: &str) -> Diagnostic {
    let shown: String = url.chars().take(40).collect();
    Diagnostic::error(span, format!("unsafe link target `{shown}`"))
        .with_label("this URL scheme can run script")
        .with_hint("link to an http(s) URL or a page of the site; `javascript:`, `vbscript:` and `data:` links are refused")
}

/// The start of the first line that could open containers (list items, block quotes,
/// footnotes) more than four times [`MAX_BLOCK_NESTING`] deep, counted before parsing.
///
/// pulldown-cmark matches every open container on every line, so `- - - - ...` (a
/// container for two bytes) followed by many lines takes time proportional to their
/// product, before any event reaches the renderer's own exact check. The innermost of the
/// containers open on any line was opened on a line holding the prefix of each of them: a
/// marker (`>`, `-`, `1.`, `[^x]:`) or at least two columns of indentation. So the number of
/// markers plus half the indentation of the lines that hold markers bounds the depth.
fn too_deep_line(text: &str) -> Option<usize> {
    const BOUND: usize = 4 * MAX_BLOCK_NESTING;
    let b = text.as_bytes();
    let mut ls = 0;
    while ls < b.len() {
        let le = b[ls..]
            .iter()
            .position(|&c| c == b'\n')
            .map_or(b.len(), |i| ls + i);
        let (mut markers, mut columns, mut i) = (0usize, 0usize, ls);
        while i < le {
            let ws_after = |j: usize| j >= le || matches!(b[j], b' ' | b'\t' | b'\r');
            match b[i] {
                b' ' | b'\r' => columns += 1,
                b'\t' => columns += 4,
                b'>' => markers += 1,
                b'-' | b'+' | b'*' if ws_after(i + 1) => markers += 1,
                b'0'..=b'9' => {
                    let digits = b[i..le].iter().take_while(|c| c.is_ascii_digit()).count();
                    let j = i + digits;
                    if digits <= 9 && j < le && matches!(b[j], b'.' | b')') && ws_after(j + 1) {
                        markers += 1;
                        i = j;
                    } else {
                        break;
                    }
                }
                b'[' if b.get(i + 1) == Some(&b'^') => {
                    match b[i..le].windows(2).position(|w| w == b"]:") {
                        Some(k) => {
                            markers += 1;
                            i += k + 1;
                        }
                        None => break,
                    }
                }
                _ => break,
            }
            i += 1;
        }
        if markers > 0 && markers + columns / 2 > BOUND {
            return Some(ls);
        }
        ls = le + 1;
    }
    None
}

/// The start of the first pipe-table delimiter row (`|---|---|`) at which the tables of
/// `text` would have more cells than `cells` allows, counted before parsing: every row gets
/// a cell for every column, so a wide header over many one-byte rows would make hundreds
/// of bytes of HTML per byte of markdown (pulldown-cmark bounds this per table only).
/// Counts generously: any line of dashes, pipes and colons (after container prefixes) is a
/// delimiter row, and its rows are every non-blank line until a blank one. Takes the cells counted from `cells`.
fn too_many_cells(text: &str, cells: &Cell<usize>) -> Option<usize> {
    let mut left = cells.get();
    let mut columns: Option<usize> = None;
    let mut delimiter_at = 0;
    let mut ls = 0;
    while ls < text.len() {
        let le = text[ls..].find('\n').map_or(text.len(), |i| ls + i);
        let line = &text[ls..le];
        if line.trim().is_empty() {
            columns = None;
        } else {
            let n = match columns {
                Some(c) => c,
                None => {
                    // Generous: container prefixes (`> `, `- `, `1. `, indentation) may come
                    // before the row; a line of dashes and digits costs one cell per line.
                    let shaped = line.contains('-')
                        && line.chars().all(|c| {
                            matches!(
                                c,
                                '|' | '-' | ':' | ' ' | '\t' | '\r' | '>' | '+' | '*' | '.' | ')'
                            ) || c.is_ascii_digit()
                        });
                    if shaped {
                        // `|a|b|` is two cells: outer pipes are optional.
                        let t = line.trim();
                        let t = t.strip_prefix('|').unwrap_or(t);
                        let c = t.strip_suffix('|').unwrap_or(t).matches('|').count() + 1;
                        columns = Some(c);
                        delimiter_at = ls;
                        c // the header row's
                    } else {
                        0
                    }
                }
            };
            if n > left {
                return Some(delimiter_at);
            }
            left -= n;
        }
        ls = le + 1;
    }
    cells.set(left);
    None
}

/// Renders the expanded body of a page; its pipe tables take their cells from `cells`.
pub(crate) fn render_body(
    ex: &Expanded,
    links: &dyn LinkRewriter,
    cells: &Cell<usize>,
    diags: &mut Vec<Diagnostic>,
) -> Body {
    let mut r = Renderer::new(&ex.text, Some(&ex.map), true, links, cells);
    r.ials = ex.ials.iter().collect();
    let html = r.run(diags);
    Body {
        html,
        headings: r.headings,
        links: r.links,
        blocks: r.blocks,
    }
}

/// Renders inline markdown (a table cell, an FAQ question): one paragraph's worth, without
/// the `<p>` around it.
pub fn render_inline(s: &str, links: &dyn LinkRewriter) -> Inline {
    render_inline_in(s, links, &Cell::new(MAX_TABLE_CELLS_PER_PAGE))
}

/// [`render_inline`] taking table cells from a page's budget.
pub(crate) fn render_inline_in(s: &str, links: &dyn LinkRewriter, cells: &Cell<usize>) -> Inline {
    let mut r = Renderer::new(s, None, false, links, cells);
    r.strip_paragraph = true;
    let mut diags = Vec::new();
    let html = r.run(&mut diags);
    r.into_inline(html)
}

/// Renders a block-level fragment (an FAQ answer) without heading anchors.
pub fn render_fragment(s: &str, links: &dyn LinkRewriter) -> Inline {
    render_fragment_in(s, links, &Cell::new(MAX_TABLE_CELLS_PER_PAGE))
}

/// [`render_fragment`] taking table cells from a page's budget.
pub(crate) fn render_fragment_in(s: &str, links: &dyn LinkRewriter, cells: &Cell<usize>) -> Inline {
    let mut r = Renderer::new(s, None, false, links, cells);
    let mut diags = Vec::new();
    let html = r.run(&mut diags);
    r.into_inline(html)
}

/// An HTML block being read: it arrives line by line and a tag may span lines. (Its text,
/// [(offset in the text, offset in the source)], the index of its first event in the output.)
type HtmlBlock = (String, Vec<(usize, usize)>, usize);

struct Renderer<'a> {
    text: &'a str,
    rewriter: &'a dyn LinkRewriter,
    map: Option<&'a SourceMap>,
    anchors: bool,
    strip_paragraph: bool,
    ials: Vec<&'a crate::liquid::PendingIal>,
    headings: Vec<Heading>,
    links: Vec<Link>,
    rejected: Vec<String>,
    blocks: Vec<TextBlock>,
    plain: String,
    unsafe_html: Vec<(String, String)>,
    cells: &'a Cell<usize>,
    refused: Option<Refusal>,
}

impl<'a> Renderer<'a> {
    fn new(
        text: &'a str,
        map: Option<&'a SourceMap>,
        anchors: bool,
        rewriter: &'a dyn LinkRewriter,
        cells: &'a Cell<usize>,
    ) -> Self {
        Renderer {
            text,
            rewriter,
            map,
            anchors,
            strip_paragraph: false,
            ials: Vec::new(),
            headings: Vec::new(),
            links: Vec::new(),
            rejected: Vec::new(),
            blocks: Vec::new(),
            plain: String::new(),
            unsafe_html: Vec::new(),
            cells,
            refused: None,
        }
    }

    fn into_inline(self, html: String) -> Inline {
        Inline {
            html,
            text: self.plain.trim().to_string(),
            links: self.links,
            rejected: self.rejected,
            unsafe_html: self.unsafe_html,
            refused: self.refused,
        }
    }

    fn span(&self, start: usize, end: usize) -> Span {
        self.map
            .and_then(|m| m.locate_range(start, end))
            .unwrap_or(Span::new(0, start, end))
    }

    fn run(&mut self, diags: &mut Vec<Diagnostic>) -> String {
        let text = self.text;
        let refused = match too_deep_line(text) {
            Some(at) => Some((at, Refusal::TooDeep)),
            None => too_many_cells(text, self.cells).map(|at| (at, Refusal::TooManyCells)),
        };
        if let Some((at, why)) = refused {
            self.refused = Some(why);
            if self.map.is_some() {
                push_limited(diags, why.error(self.span(at, at)));
            }
            return String::new();
        }
        let mut out: Vec<Event<'a>> = Vec::with_capacity(text.len() / 8);
        let mut ids = UniqueIds::default();
        for id in crate::RESERVED_IDS {
            ids.reserve(id);
        }
        let mut heading: Option<(Vec<Event<'a>>, String, Tag<'a>)> = None;
        let mut open_blocks: Vec<usize> = Vec::new();
        let mut link: Option<usize> = None;
        let mut depth = 0usize;
        let mut close_div_at: Vec<usize> = Vec::new();
        let mut next_ial = 0usize;
        let mut top_paragraphs = 0usize;
        let mut nesting = 0usize;
        let mut html_block: Option<HtmlBlock> = None;

        for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
            // Every text is added to each open block, so nesting is bounded; past the limit
            // the page fails, and rendering stops here.
            match &event {
                Event::Start(Tag::BlockQuote(_) | Tag::Item | Tag::FootnoteDefinition(_)) => {
                    nesting += 1;
                    if nesting > MAX_BLOCK_NESTING {
                        self.refused = Some(Refusal::TooDeep);
                        if self.map.is_some() {
                            push_limited(
                                diags,
                                Refusal::TooDeep.error(self.span(range.start, range.start)),
                            );
                        }
                        break;
                    }
                }
                Event::End(TagEnd::BlockQuote(_) | TagEnd::Item | TagEnd::FootnoteDefinition) => {
                    nesting = nesting.saturating_sub(1)
                }
                _ => {}
            }
            // Attribute lists apply to the block that starts on the very next line.
            let mut attrs: Option<&Attrs> = None;
            if let Event::Start(tag) = &event {
                if is_block(tag) {
                    while let Some(ial) = self.ials.get(next_ial) {
                        if ial.offset > range.start {
                            break;
                        }
                        next_ial += 1;
                        if text[ial.offset.min(range.start)..range.start].contains('\n') {
                            push_limited(diags, not_followed(ial.span));
                        } else {
                            attrs = Some(&ial.attrs);
                        }
                    }
                }
            }

            // Refused raw HTML is also written out as text, so that it never runs even
            // where the errors are not looked at.
            let mut neutralize = false;
            match &event {
                Event::Start(Tag::HtmlBlock) => {
                    html_block = Some((String::new(), Vec::new(), out.len()))
                }
                Event::Html(h) => match &mut html_block {
                    Some((text, starts, _)) => {
                        starts.push((text.len(), range.start));
                        text.push_str(h);
                    }
                    None => neutralize = self.check_html(h, &[(0, range.start)], diags),
                },
                Event::End(TagEnd::HtmlBlock) => {
                    if let Some((text, starts, first)) = html_block.take() {
                        if self.check_html(&text, &starts, diags) {
                            for ev in out.iter_mut().skip(first) {
                                if let Event::Html(h) = ev {
                                    *ev = Event::Text(std::mem::replace(h, CowStr::Borrowed("")));
                                }
                            }
                        } else if let Some(kept) = without_comments(&text) {
                            // The block's lines are separate events: the first carries the
                            // block without its comments, the others are emptied.
                            let mut kept = Some(kept);
                            for ev in out.iter_mut().skip(first) {
                                if let Event::Html(h) = ev {
                                    *h = kept.take().map_or(CowStr::Borrowed(""), CowStr::from);
                                }
                            }
                        }
                    }
                }
                Event::InlineHtml(h) => neutralize = self.check_html(h, &[(0, range.start)], diags),
                _ => {}
            }
            let event = match event {
                Event::Html(h) | Event::InlineHtml(h) if neutralize => Event::Text(h),
                // Comments are notes for authors: not published.
                Event::InlineHtml(h) => {
                    Event::InlineHtml(without_comments(&h).map_or(h, CowStr::from))
                }
                Event::Html(h) if html_block.is_none() => {
                    Event::Html(without_comments(&h).map_or(h, CowStr::from))
                }
                other => other,
            };
            match &event {
                Event::Text(t) => {
                    self.push_text(t, &open_blocks, heading.as_mut().map(|h| &mut h.1), link)
                }
                Event::Code(t) => {
                    self.push_text(t, &open_blocks, heading.as_mut().map(|h| &mut h.1), link);
                    for &b in &open_blocks {
                        let spans = &mut self.blocks[b].code_spans;
                        // Bounded like the text (a block's spans are also in its text).
                        if spans.len() < MAX_BLOCK_TEXT_BYTES / 16 {
                            spans.push(t.to_string());
                        }
                    }
                }
                Event::SoftBreak => {
                    self.push_text(" ", &open_blocks, heading.as_mut().map(|h| &mut h.1), link)
                }
                Event::HardBreak => {
                    self.push_text("\n", &open_blocks, heading.as_mut().map(|h| &mut h.1), link)
                }
                Event::InlineHtml(h) if is_br(h) => {
                    self.push_text("\n", &open_blocks, heading.as_mut().map(|h| &mut h.1), link)
                }
                _ => {}
            }

            let event = match event {
                Event::Start(Tag::Paragraph) => {
                    open_blocks.push(self.open_block(BlockKind::Paragraph));
                    if depth == 0 {
                        top_paragraphs += 1;
                    }
                    match attrs {
                        Some(a) => Event::Html(format!("<p{}>", attr_string(a, None)).into()),
                        None => Event::Start(Tag::Paragraph),
                    }
                }
                Event::Start(Tag::Item) => {
                    open_blocks.push(self.open_block(BlockKind::ListItem));
                    Event::Start(Tag::Item)
                }
                Event::End(TagEnd::Paragraph) | Event::End(TagEnd::Item) => {
                    if let Some(b) = open_blocks.pop() {
                        let t = self.blocks[b].text.trim().to_string();
                        self.blocks[b].text = t;
                    }
                    event
                }
                Event::Start(Tag::Heading {
                    level,
                    id,
                    mut classes,
                    attrs: mut hattrs,
                }) => {
                    let mut id = id;
                    if let Some(a) = attrs {
                        if let Some(i) = &a.id {
                            id = Some(i.clone().into());
                        }
                        classes.extend(a.classes.iter().map(|c| CowStr::from(c.clone())));
                        hattrs.extend(a.pairs.iter().map(|(k, v)| {
                            (CowStr::from(k.clone()), Some(CowStr::from(v.clone())))
                        }));
                    }
                    if let Some((k, _)) = hattrs
                        .iter()
                        .find(|(k, _)| k.to_ascii_lowercase().starts_with("on"))
                    {
                        let what = format!("an `{k}` event handler attribute");
                        if self.map.is_some() {
                            push_limited(
                                diags,
                                unsafe_html_error(self.span(range.start, range.end), &what),
                            );
                        } else {
                            self.unsafe_html.push((k.to_string(), what));
                        }
                        hattrs.retain(|(k, _)| !k.to_ascii_lowercase().starts_with("on"));
                    }
                    open_blocks.push(self.open_block(BlockKind::Heading));
                    heading = Some((
                        Vec::new(),
                        String::new(),
                        Tag::Heading {
                            level,
                            id,
                            classes,
                            attrs: hattrs,
                        },
                    ));
                    depth += 1;
                    continue;
                }
                Event::End(TagEnd::Heading(level)) => {
                    depth -= 1;
                    if let Some(b) = open_blocks.pop() {
                        let t = self.blocks[b].text.trim().to_string();
                        self.blocks[b].text = t;
                    }
                    let Some((
                        inner,
                        plain,
                        Tag::Heading {
                            id, classes, attrs, ..
                        },
                    )) = heading.take()
                    else {
                        continue;
                    };
                    let plain = plain.trim().to_string();
                    let id = match id {
                        Some(id) => ids.unique(&id),
                        None => ids.unique(&slugify(&plain)),
                    };
                    self.headings.push(Heading {
                        level: level as u8,
                        id: id.clone(),
                        text: plain,
                    });
                    out.push(Event::Start(Tag::Heading {
                        level,
                        id: Some(id.clone().into()),
                        classes,
                        attrs,
                    }));
                    out.extend(inner);
                    if self.anchors {
                        out.push(Event::Html(
                            format!("<a class=\"anchor\" href=\"#{0}\"><span class=\"sr-only\">Link to this section</span><span aria-hidden=\"true\">#</span></a>", escape_html(&id)).into(),
                        ));
                    }
                    out.push(Event::End(TagEnd::Heading(level)));
                    continue;
                }
                Event::Start(Tag::BlockQuote(kind)) if attrs.is_some() => {
                    let extra = kind.map(|k| format!("markdown-alert-{}", alert_name(k)));
                    Event::Html(
                        format!(
                            "<blockquote{}>\n",
                            attr_string(attrs.unwrap_or(&Attrs::default()), extra.as_deref())
                        )
                        .into(),
                    )
                }
                Event::Start(Tag::List(start)) if attrs.is_some() => {
                    let a = attr_string(attrs.unwrap_or(&Attrs::default()), None);
                    Event::Html(
                        match start {
                            None => format!("<ul{a}>\n"),
                            Some(1) => format!("<ol{a}>\n"),
                            Some(n) => format!("<ol start=\"{n}\"{a}>\n"),
                        }
                        .into(),
                    )
                }
                Event::Start(tag) if attrs.is_some() => {
                    out.push(Event::Html(
                        format!(
                            "<div{}>\n",
                            attr_string(attrs.unwrap_or(&Attrs::default()), None)
                        )
                        .into(),
                    ));
                    close_div_at.push(depth);
                    Event::Start(tag)
                }
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => {
                    let dest_url = self.check_url(dest_url, false, range.start, range.end, diags);
                    self.links.push(Link {
                        url: dest_url.to_string(),
                        text: String::new(),
                        span: self.span(range.start, range.end),
                        origin: LinkOrigin::Body,
                    });
                    link = Some(self.links.len() - 1);
                    let dest_url = self
                        .rewriter
                        .rewrite(&dest_url)
                        .map_or(dest_url, CowStr::from);
                    Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    })
                }
                Event::End(TagEnd::Link) => {
                    if let Some(l) = link.take() {
                        let t = self.links[l].text.trim().to_string();
                        self.links[l].text = t;
                    }
                    event
                }
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => {
                    let dest_url = self.check_url(dest_url, true, range.start, range.end, diags);
                    self.links.push(Link {
                        url: dest_url.to_string(),
                        text: String::new(),
                        span: self.span(range.start, range.end),
                        origin: LinkOrigin::Image,
                    });
                    let dest_url = self
                        .rewriter
                        .rewrite(&dest_url)
                        .map_or(dest_url, CowStr::from);
                    Event::Start(Tag::Image {
                        link_type,
                        dest_url,
                        title,
                        id,
                    })
                }
                other => other,
            };

            let is_end = matches!(event, Event::End(_));
            if matches!(event, Event::Start(_))
                || matches!(&event, Event::Html(h) if h.starts_with('<') && !h.starts_with("</") && attrs.is_some())
            {
                depth += 1;
            }
            if is_end {
                depth = depth.saturating_sub(1);
            }
            match &mut heading {
                Some((buf, _, _)) => buf.push(event),
                None => out.push(event),
            }
            if is_end && close_div_at.last() == Some(&depth) {
                close_div_at.pop();
                out.push(Event::Html("</div>\n".into()));
            }
        }
        if self.refused.is_none() {
            for ial in &self.ials[next_ial.min(self.ials.len())..] {
                push_limited(diags, not_followed(ial.span));
                if crate::diag::is_full(diags) {
                    break;
                }
            }
        }

        if self.strip_paragraph && top_paragraphs == 1 {
            if let (Some(Event::Start(Tag::Paragraph)), Some(Event::End(TagEnd::Paragraph))) =
                (out.first(), out.last())
            {
                out.remove(0);
                out.pop();
            }
        }
        let mut html = String::with_capacity(text.len() * 3 / 2);
        pulldown_cmark::html::push_html(&mut html, out.into_iter());
        html
    }

    fn open_block(&mut self, kind: BlockKind) -> usize {
        self.blocks.push(TextBlock {
            kind,
            text: String::new(),
            code_spans: Vec::new(),
        });
        self.blocks.len() - 1
    }

    fn push_text(
        &mut self,
        t: &str,
        open: &[usize],
        heading: Option<&mut String>,
        link: Option<usize>,
    ) {
        self.plain.push_str(t);
        for &b in open {
            let text = &mut self.blocks[b].text;
            let room = MAX_BLOCK_TEXT_BYTES.saturating_sub(text.len());
            if room >= t.len() {
                text.push_str(t);
            } else if room > 0 {
                text.push_str(&t[..crate::diag::floor_char_boundary(t, room)]);
            }
        }
        if let Some(h) = heading {
            h.push_str(t);
        }
        if let Some(l) = link {
            self.links[l].text.push_str(t);
        }
    }

    /// Refuses raw HTML that can run script (see [`unsafe_html`]). `starts` maps offsets in
    /// `html` to offsets in the text. HTML that the Liquid pass generated (tables, the
    /// calculator) was checked where it was written; variables' values are checked here.
    fn check_html(
        &mut self,
        html: &str,
        starts: &[(usize, usize)],
        diags: &mut Vec<Diagnostic>,
    ) -> bool {
        let mut refused = false;
        for (at, what) in unsafe_html(html) {
            let k = starts.partition_point(|&(o, _)| o <= at).saturating_sub(1);
            let (o, src) = starts.get(k).copied().unwrap_or((0, 0));
            let off = (src + (at - o)).min(self.text.len());
            match self.map {
                Some(map) => {
                    if map.is_checked_html(off) {
                        continue;
                    }
                    refused = true;
                    let end = crate::diag::ceil_char_boundary(self.text, off + 1);
                    push_limited(diags, unsafe_html_error(self.span(off, end), &what));
                }
                None => {
                    let end = crate::diag::ceil_char_boundary(html, (at + 40).min(html.len()));
                    let written = html[at..end]
                        .split(['\n', '>'])
                        .next()
                        .unwrap_or_default()
                        .to_string();
                    self.unsafe_html.push((written, what));
                    refused = true;
                }
            }
        }
        refused
    }

    fn check_url(
        &mut self,
        url: CowStr<'a>,
        image: bool,
        start: usize,
        end: usize,
        diags: &mut Vec<Diagnostic>,
    ) -> CowStr<'a> {
        if !is_unsafe_url(&url, image) {
            return url;
        }
        if self.map.is_some() {
            push_limited(diags, unsafe_url_error(self.span(start, end), &url));
        } else {
            self.rejected.push(url.to_string());
        }
        CowStr::from("#")
    }
}

fn not_followed(span: Span) -> Diagnostic {
    Diagnostic::warning(span, "attribute list is not directly followed by a block")
        .with_label("applies to nothing")
        .with_hint("put the attribute list on the line right above the paragraph, blockquote, list or heading it styles, with no blank line between")
}

fn is_block(tag: &Tag<'_>) -> bool {
    !matches!(
        tag,
        Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Link { .. }
            | Tag::Image { .. }
            | Tag::Superscript
            | Tag::Subscript
    )
}

fn is_br(h: &str) -> bool {
    let t = h.trim().to_ascii_lowercase();
    t == "<br>" || t == "<br/>" || t == "<br />"
}

fn alert_name(k: pulldown_cmark::BlockQuoteKind) -> &'static str {
    use pulldown_cmark::BlockQuoteKind::*;
    match k {
        Note => "note",
        Tip => "tip",
        Important => "important",
        Warning => "warning",
        Caution => "caution",
    }
}

fn attr_string(a: &Attrs, extra_class: Option<&str>) -> String {
    let mut s = String::new();
    if let Some(id) = &a.id {
        let _ = write!(s, " id=\"{}\"", escape_html(id));
    }
    let classes: Vec<&str> = extra_class
        .into_iter()
        .chain(a.classes.iter().map(String::as_str))
        .collect();
    if !classes.is_empty() {
        let _ = write!(s, " class=\"{}\"", escape_html(&classes.join(" ")));
    }
    for (k, v) in &a.pairs {
        let _ = write!(s, " {}=\"{}\"", k, escape_html(v));
    }
    s
}

/// Level of a heading as a number.
pub fn level_number(l: HeadingLevel) -> u8 {
    l as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_cells_render_without_paragraph() {
        let r = render_inline("TCP<br>HTTPS", &crate::KeepLinks);
        assert_eq!(r.html, "TCP<br>HTTPS");
        assert_eq!(r.text, "TCP\nHTTPS");
        let r = render_inline("`443`", &crate::KeepLinks);
        assert_eq!(r.html, "<code>443</code>");
        assert_eq!(r.text, "443");
    }

    #[test]
    fn unsafe_urls_are_refused() {
        assert!(is_unsafe_url("javascript:alert(1)", false));
        assert!(is_unsafe_url(" JaVa\tScript:alert(1)", false));
        assert!(is_unsafe_url("data:text/html,<script>", false));
        assert!(is_unsafe_url("data:image/svg+xml,<svg onload=x>", true));
        assert!(!is_unsafe_url("data:image/png;base64,AAAA", true));
        assert!(!is_unsafe_url("/gateway/network/#a:b", false));
        assert!(!is_unsafe_url("https://konghq.com", false));
        let r = render_inline("[x](javascript:alert(1))", &crate::KeepLinks);
        assert_eq!(r.rejected, ["javascript:alert(1)"]);
        assert!(!r.html.contains("javascript"), "{}", r.html);
    }

    #[test]
    fn raw_html_that_runs_script_is_found() {
        let whats = |h: &str| {
            unsafe_html(h)
                .into_iter()
                .map(|(_, w)| w)
                .collect::<Vec<_>>()
        };
        for ok in [
            "<br>",
            "<br/>",
            "<span class=\"x\">a</span>",
            "<img src=\"/a.png\" alt=\"on\">",
            "<a href=\"/x/\">x</a>",
            "<details><summary>S</summary>x</details>",
            "<!-- <script> -->",
            "a < b > c",
            "<img src=\"data:image/png;base64,AA\">",
            "<a title='javascript:x' href=\"#on\">",
            "<p data-onx=1>",
            "</script>",
            "<!DOCTYPE html>",
            "<?xml version=\"1.0\"?>",
            "</>",
            "a </ b",
            "x <",
            "<div\n  class=\"x\">",
        ] {
            assert!(whats(ok).is_empty(), "{ok}: {:?}", whats(ok));
        }
        for (bad, what) in [
            ("<script>alert(1)</script>", "a `<script>` element"),
            ("<ScRiPt src=//x>", "a `<script>` element"),
            (
                "<img src=x onerror=alert(1)>",
                "an `onerror` event handler attribute",
            ),
            (
                "<img/onerror=alert(1) src=x>",
                "an `onerror` event handler attribute",
            ),
            (
                "<svg><a xlink:href=\"javascript:alert(1)\">",
                "a `javascript:` URL in `xlink:href`",
            ),
            (
                "<a href=\" JaVaScRiPt:alert(1)\">",
                "a `javascript:` URL in `href`",
            ),
            (
                "<a href=\"jav&#x09;ascript&colon;alert(1)\">",
                "a `javascript:` URL in `href`",
            ),
            (
                "<a href=&#106;&#97;vascript:x>",
                "a `javascript:` URL in `href`",
            ),
            // Leading zeros count for nothing, however many.
            (
                "<a href=\"&#0000000106;avascript:alert(1)\">",
                "a `javascript:` URL in `href`",
            ),
            (
                "<a href=\"&#x000000000000006A;avascript:alert(1)\">",
                "a `javascript:` URL in `href`",
            ),
            (
                "<a href=\"javascript&#00000000000000000000000000000000000058;x\">",
                "a `javascript:` URL in `href`",
            ),
            ("<a href='data:text/html,<b>'>", "a `data:` URL in `href`"),
            (
                "<form action=\"vbscript:x\">",
                "a `vbscript:` URL in `action`",
            ),
            ("<iframe srcdoc=\"x\">", "a `<iframe>` element"),
            (
                "<div\nonclick=\"x\">",
                "an `onclick` event handler attribute",
            ),
            (
                "<a title=\"x>\" onmouseover=x>",
                "an `onmouseover` event handler attribute",
            ),
            (
                "<!--><img src=x onerror=alert(1)>-->",
                "an `onerror` event handler attribute",
            ),
            (
                "<!---><img src=x onerror=alert(1)>-->",
                "an `onerror` event handler attribute",
            ),
            (
                "<!-- x --!><img src=x onerror=alert(1)>-->",
                "an `onerror` event handler attribute",
            ),
            (
                "<svg><a><animate attributeName=href values=\"/x;javascript:alert(1)\"/>",
                "a `javascript:` URL in `values`",
            ),
            // What a browser reads as a comment or as text ends where the browser ends it.
            (
                "<?x <img title=\"?><img src=x onerror=alert(1)>\">",
                "an `onerror` event handler attribute",
            ),
            (
                "<!x <img title=\"><img src=x onerror=alert(1)>\">",
                "an `onerror` event handler attribute",
            ),
            (
                "</3 <img title=\"><img src=x onerror=alert(1)>\">",
                "an `onerror` event handler attribute",
            ),
            (
                "<svg><![CDATA[<img title=\"]]><img src=x onerror=alert(1)>\">]]></svg>",
                "a `<![CDATA[` section",
            ),
            (
                "<title><img title=\"</title><img src=x onerror=alert(1)>\">",
                "a `<title>` element",
            ),
            (
                "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
                "a `<noscript>` element",
            ),
            (
                "<style><img title=\"</style><img src=x onerror=alert(1)>\">",
                "a `<style>` element",
            ),
            (
                "<details open title=\"",
                "a `<details` tag that is never closed with `>`",
            ),
            (
                "<div\n  class=\"x\"",
                "a `<div` tag that is never closed with `>`",
            ),
        ] {
            assert!(
                whats(bad).iter().any(|w| w == what),
                "{bad}: {:?}",
                whats(bad)
            );
        }
    }

    #[test]
    fn xml_files_are_scanned_as_xml() {
        let whats = |x: &str| {
            unsafe_xml(x)
                .into_iter()
                .map(|(_, w)| w)
                .collect::<Vec<_>>()
        };
        assert!(DENIED_ELEMENTS.starts_with(CODE_ELEMENTS));
        // What a drawing holds: titles, styles, CDATA, foreign objects, links, comments.
        let drawing = "<?xml version=\"1.0\"?>\n<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\"><title>A &lt;b&gt;</title><image href=\"data:image/png;base64,AA\"/><style><![CDATA[ .a > b { fill: red } ]]></style><!-- x --><a xlink:href=\"https://konghq.com\"><text>T</text></a><foreignObject><div>x</div></foreignObject><animate attributeName=\"opacity\" to=\"1\"/></svg>";
        assert_eq!(whats(drawing), Vec::<String>::new());
        assert_eq!(
            whats("\u{feff}<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<svg>\t</svg>"),
            Vec::<String>::new()
        );
        for (bad, what) in [
            ("<svg><script>alert(1)</script></svg>", "a `<script>` element"),
            ("<svg:svg xmlns:svg=\"http://www.w3.org/2000/svg\"><svg:script>alert(1)</svg:script></svg:svg>", "a `<svg:script>` element"),
            ("<x><html:script xmlns:html=\"http://www.w3.org/1999/xhtml\">alert(1)</html:script></x>", "a `<html:script>` element"),
            ("<svg onload=\"alert(1)\"/>", "an `onload` event handler attribute"),
            ("<svg xmlns:h=\"http://www.w3.org/1999/xhtml\"><h:a h:onclick=\"alert(1)\">x</h:a></svg>", "an `h:onclick` event handler attribute"),
            ("<svg><a href=\"&#0000106;avascript:alert(1)\">x</a></svg>", "a `javascript:` URL in `href`"),
            ("<svg><set attributeName=\"onmouseover\" to=\"alert(1)\"/></svg>", "an animation of an `on...` attribute"),
            ("<svg><a xml:base=\"javascript:alert(1)//\" href=\"x\">x</a></svg>", "a `javascript:` URL in `xml:base`"),
            ("<!DOCTYPE svg [<!ENTITY x \"&#60;script>alert(1)&#60;/script>\">]><svg>&x;</svg>", "an `<!ENTITY` declaration"),
            ("<?xml-stylesheet type=\"text/xsl\" href=\"x.xsl\"?><svg/>", "an `<?xml-stylesheet` instruction"),
            ("<!DOCTYPE svg [<!ATTLIST svg onload CDATA \"alert(1)\">]><svg/>", "an `<!ATTLIST` declaration"),
            ("<!DOCTYPE svg [<!ATTLIST svg onload CDATA \"alert(1)\">]><svg/>", "a DOCTYPE with an internal subset (`[...]`)"),
            ("<svg><style>@keyframes k{}</style><_ style=\"animation:k 1s\" onanimationstart=\"alert(1)\"/></svg>", "an `onanimationstart` event handler attribute"),
            ("<svg><ñ onclick=\"alert(1)\"/><:x onclick=\"alert(2)\"/></svg>", "an `onclick` event handler attribute"),
            // Comments, instructions and declarations end where an XML parser ends them.
            ("<svg><!--><a title=\"--><script>alert(1)</script><a title=\"x\"/></svg>", "a `<script>` element"),
            ("<svg><!---><a title=\"--><script>alert(1)</script><a title=\"x\"/></svg>", "a `<script>` element"),
            ("<svg><!-- x --!><a title=\"--><script>alert(1)</script><a title=\"x\"/></svg>", "a `<script>` element"),
            ("<svg><?x ><a title=\"?><script>alert(1)</script><a title=\"x\"/></svg>", "a `<script>` element"),
            ("<!DOCTYPE svg SYSTEM \"x><a title='\"><script>alert(1)</script><a title='x'/>", "a `<script>` element"),
            // What XML forbids in attribute values, and parsers disagree on.
            ("<svg><g a=\"<!--\" b='-->\"/><script>alert(1)</script><g c='x'/></svg>", "a `<` inside an attribute value, which XML forbids"),
            ("<svg><g a=\"<![CDATA[\" b=']]>\"/><script>alert(1)</script><g c='x'/></svg>", "a `<` inside an attribute value, which XML forbids"),
            ("<svg><g a=x/></svg>", "an attribute value without quotes, which XML forbids"),
            ("<!DOCTYPE svg SYSTEM \">\" [ <!-- ' --> ]><svg/>", "a DOCTYPE other than a plain `<!DOCTYPE name PUBLIC \"id\" \"url\">`"),
            ("<!DOCTYPE svg SYSTEM 'x'><svg/>", "a DOCTYPE other than a plain `<!DOCTYPE name PUBLIC \"id\" \"url\">`"),
            ("<!DOCTYPE svg SYSTEM \"x><svg/>", "a DOCTYPE other than a plain `<!DOCTYPE name PUBLIC \"id\" \"url\">`"),
            // Only UTF-8, as the scan reads it.
            ("<\0?\0x\0m\0l\0>\0", "a control character (U+0000), which XML forbids"),
            ("<?xml version=\"1.0\" encoding=\"ISO-2022-JP\"?>\n<svg>\u{1b}$B<!--\u{1b}(B<script>x</script>--></svg>", "an XML declaration with encoding `ISO-2022-JP`: the file must be UTF-8"),
            ("<?xml version='1.0' encoding = 'utf-16'?><svg/>", "an XML declaration with encoding `utf-16`: the file must be UTF-8"),
        ] {
            assert!(whats(bad).iter().any(|w| w == what), "{bad}: {:?}", whats(bad));
        }
    }

    #[test]
    fn the_parsed_tree_is_a_second_opinion() {
        let whats = |x: &str| {
            unsafe_xml_tree(x)
                .into_iter()
                .map(|(_, w)| w)
                .collect::<Vec<_>>()
        };
        assert_eq!(whats("<svg xmlns=\"http://www.w3.org/2000/svg\"><image href=\"data:image/png;base64,AA\"/><a href=\"/x/\"/></svg>"), Vec::<String>::new());
        assert_eq!(
            whats("<svg><h:SCRIPT xmlns:h=\"http://www.w3.org/1999/xhtml\"/></svg>"),
            ["a `<h:script>` element"]
        );
        assert_eq!(whats("<svg><a x:href=\"&#106;avascript:alert(1)\" xmlns:x=\"http://www.w3.org/1999/xlink\"/></svg>"), ["a `javascript:` URL in `x:href`"]);
        assert_eq!(
            whats("<svg><set attributeName=\" onclick\" to=\"alert(1)\"/></svg>"),
            ["an animation of an `on...` attribute"]
        );
        // Entities are expanded before the check.
        let entity = "<!DOCTYPE x [<!ENTITY s \"<svg onload='alert(1)'/>\">]><x>&s;</x>";
        assert!(
            whats(entity)
                .iter()
                .any(|w| w == "an `onload` event handler attribute"),
            "{:?}",
            whats(entity)
        );
        // Not well-formed: refused, at the parser's position.
        let broken = "<svg>\n  <g a=\"<\"/></svg>";
        let found = unsafe_xml_tree(broken);
        assert!(found[0].1.starts_with("not well-formed XML"), "{found:?}");
        assert_eq!(&broken[found[0].0..found[0].0 + 1], "<", "{found:?}");
    }

    #[test]
    fn where_html_ends() {
        for text in [
            "",
            "<p>a</p>",
            "<img title='<x'>",
            "a < b",
            "<!-- c -->",
            "<? x >",
            "</3 x>",
            "<br/>",
        ] {
            assert!(ends_in_text(text), "{text:?}");
        }
        for open in [
            "<img title='",
            "<img title=",
            "<img",
            "<!-- c",
            "<!x",
            "<?x",
            "</3",
            "<div\n  class=\"a\"\n",
        ] {
            assert!(!ends_in_text(open), "{open:?}");
        }
    }

    #[test]
    fn references_decode_as_a_browser_decodes_them() {
        assert_eq!(decode_references("&#0000000106;&#x0000006a&#X6A;"), "jjj");
        // No character: zero, a surrogate, past U+10FFFF, or a number too big for u32.
        assert_eq!(
            decode_references("&#0;&#xD800;&#x110000;&#99999999999999999999;x"),
            "\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}x"
        );
        assert_eq!(decode_references("a&#;b&#x;c&amp;"), "a&#;b&#x;c&amp;");
        assert_eq!(decode_references("&COLON;&Tab;&NewLine;"), ":\t\n");
    }

    #[test]
    fn comments_are_not_published() {
        let r = render_fragment("A <!-- note --> b.\n\n<!-- a block\ncomment <script>x</script> -->\n\n<div>\n<!-- in a block --> kept\n</div>\n\n<a title=\"<!-- not a comment -->\">t</a>", &crate::KeepLinks);
        assert!(r.unsafe_html.is_empty(), "{:?}", r.unsafe_html);
        assert!(
            !r.html.contains("note")
                && !r.html.contains("block\ncomment")
                && !r.html.contains("in a block")
                && !r.html.contains("script"),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("<p>A  b.</p>")
                && r.html.contains("kept")
                && r.html.contains("title=\"<!-- not a comment -->\""),
            "{}",
            r.html
        );
        assert_eq!(
            without_comments("x <!--> y <!-- a --!> z"),
            Some("x  y  z".to_string())
        );
        assert_eq!(without_comments("<!-- open"), Some(String::new()));
        assert_eq!(without_comments("<b>no comment</b>"), None);
    }

    #[test]
    fn refused_raw_html_is_written_as_text() {
        let r = render_inline("a <img src=x onerror=alert(1)> <br> b", &crate::KeepLinks);
        assert_eq!(r.unsafe_html.len(), 1, "{:?}", r.unsafe_html);
        assert!(
            r.html.contains("&lt;img src=x onerror=alert(1)&gt;") && r.html.contains("<br>"),
            "{}",
            r.html
        );
        let r = render_fragment(
            "<div>\n<script>alert(1)</script>\n</div>\n\ntext",
            &crate::KeepLinks,
        );
        assert!(
            !r.html.contains("<script") && r.html.contains("&lt;script&gt;"),
            "{}",
            r.html
        );
        let r = render_fragment("# Title {onclick=alert(1) .c}", &crate::KeepLinks);
        assert!(
            !r.html.contains("onclick") && r.unsafe_html.len() == 1,
            "{}",
            r.html
        );
    }
}
