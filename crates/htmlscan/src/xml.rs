//! XML documents (SVG drawings and other XML files a site serves as they are), read as XML:
//! by the scan with XML's rules, and by a strict parser whose tree gets the same checks.

use std::borrow::Cow;

use crate::scan::{scan, Findings, CODE_ELEMENTS};
use crate::url::attribute_problem;
use crate::Finding;

/// [`crate::unsafe_html`] for an XML document (an SVG or XML file the site serves as it
/// is, which a reader can open on the site's origin). An XML parser has no raw-text
/// elements and reads `<![CDATA[` as text, so those are not refused; what XML adds is
/// refused instead: entity declarations (an entity can expand to a `<script>` the scan
/// never sees), default attributes (`<!ATTLIST svg onload CDATA "...">`), so any DOCTYPE
/// with an internal subset, and `<?xml-stylesheet` (an XSLT stylesheet can write script).
/// The document must also be well-formed, and its parsed tree passes the same checks.
pub fn unsafe_xml(xml: &str) -> Vec<Finding> {
    let mut found = scan(xml, true, &mut Findings).found;
    // `needle` (lowercase) found ASCII case-insensitively at or after `from`.
    let find_ignoring_case = |from: usize, needle: &str| {
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
        if let Some(at) = find_ignoring_case(0, needle) {
            found.push(Finding::new(at, what));
        }
    }
    // The scan reads the file as UTF-8, so a browser must too: no other declared encoding,
    // and none of the control characters XML forbids (UTF-16 without a byte order mark is
    // valid UTF-8 full of NULs; ISO-2022-JP switches with ESC).
    if let Some((at, c)) = xml.char_indices().find(|&(_, c)| {
        (c.is_control() && c < ' ' && !matches!(c, '\t' | '\n' | '\r'))
            || matches!(c, '\u{fffe}' | '\u{ffff}')
    }) {
        found.push(Finding::new(
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
                found.push(Finding::new(
                    decl_at + k,
                    format!("an XML declaration with encoding `{value}`: the file must be UTF-8"),
                ));
            }
        }
    }
    // Only a plain DOCTYPE (a name, `PUBLIC`/`SYSTEM` and double-quoted ids without `>`):
    // then every parser ends it at its first `>`, as the scan does.
    let mut from = 0;
    while let Some(at) = find_ignoring_case(from, "<!doctype") {
        let decl = &xml[at..xml[at..].find('>').map_or(xml.len(), |e| at + e)];
        if decl.contains('[') {
            found.push(Finding::new(
                at,
                "a DOCTYPE with an internal subset (`[...]`)",
            ));
        } else if decl[1..].contains(['\'', '<'])
            || decl.matches('"').count() % 2 == 1
            || at + decl.len() == xml.len()
        {
            found.push(Finding::new(
                at,
                "a DOCTYPE other than a plain `<!DOCTYPE name PUBLIC \"id\" \"url\">`",
            ));
        }
        from = at + 9;
    }
    // The parsed tree, where the checks above saw nothing at the same place.
    for f in unsafe_xml_tree(xml) {
        if !found.iter().any(|g| g.at == f.at) {
            found.push(f);
        }
    }
    found.sort_by_key(|f| f.at);
    found
}

/// What a strict XML parser makes of `xml`, checked node by node: the second opinion in
/// [`unsafe_xml`]. A file that is not well-formed is refused, so what passes is read the
/// same way by every XML parser, lenient ones included.
fn unsafe_xml_tree(xml: &str) -> Vec<Finding> {
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
            return vec![Finding::new(at, format!("not well-formed XML: {e}"))];
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
                found.push(Finding::new(
                    node.range().start,
                    "an `<?xml-stylesheet` instruction",
                ));
            }
        }
        if !node.is_element() {
            continue;
        }
        let at = node.range().start;
        let name = qname(at + 1).to_ascii_lowercase();
        if CODE_ELEMENTS.contains(&node.tag_name().name().to_ascii_lowercase().as_str()) {
            found.push(Finding::new(at, format!("a `<{name}>` element")));
        }
        for a in node.attributes() {
            // The parser has decoded the value already.
            let attr = xml[a.range_qname()].to_ascii_lowercase();
            if let Some(what) = attribute_problem(&name, &attr, Some(a.value()), Cow::Borrowed) {
                found.push(Finding::new(a.range().start, what));
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_files_are_scanned_as_xml() {
        let whats = |x: &str| {
            unsafe_xml(x)
                .into_iter()
                .map(|f| f.what)
                .collect::<Vec<_>>()
        };
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
                .map(|f| f.what)
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
        assert!(
            found[0].what.starts_with("not well-formed XML"),
            "{found:?}"
        );
        assert_eq!(&broken[found[0].at..found[0].at + 1], "<", "{found:?}");
    }
}
