//! The one HTML escaper and the one decoder of character references.

use std::borrow::Cow;

/// Escapes text for HTML content and attribute values (quoted with `"` or `'`).
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    escape_html_into(&mut out, s);
    out
}

/// [`escape_html`], appending to `out` (for writers that build one string from many
/// pieces, such as a highlighted code block's tokens).
pub fn escape_html_into(out: &mut String, s: &str) {
    // Runs of text without a special character are copied whole: most text has none, and
    // this runs for every value a template prints.
    let bytes = s.as_bytes();
    let mut run = 0;
    let mut i = 0;
    while i < bytes.len() {
        if !NEEDS_ESCAPE[bytes[i] as usize] {
            i += 1;
            continue;
        }
        let entity = match bytes[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#39;",
        };
        out.push_str(&s[run..i]);
        out.push_str(entity);
        i += 1;
        run = i;
    }
    out.push_str(&s[run..]);
}

/// The bytes [`escape_html`] replaces.
const NEEDS_ESCAPE: [bool; 256] = {
    let mut t = [false; 256];
    t[b'&' as usize] = true;
    t[b'<' as usize] = true;
    t[b'>' as usize] = true;
    t[b'"' as usize] = true;
    t[b'\'' as usize] = true;
    t
};

/// Named references this decoder knows (matched ASCII case-insensitively, `;` required):
/// the ones markup escapes with, the no-break space, and those that can spell a URL scheme
/// or split one (`&colon;`, `&tab;`, `&newline;`).
const NAMED: &[(&str, char)] = &[
    ("amp;", '&'),
    ("lt;", '<'),
    ("gt;", '>'),
    ("quot;", '"'),
    ("apos;", '\''),
    ("nbsp;", '\u{a0}'),
    ("colon;", ':'),
    ("tab;", '\t'),
    ("newline;", '\n'),
];

/// Decodes character references as a browser reads them where it matters to Portolan:
/// numeric ones (`&#106;`, `&#x6A`, with or without `;`; every digit counts, so
/// `&#0000000106;` is `j`; a value that is no character is U+FFFD) and the named ones in
/// [`NAMED`]. Other text, and `&` that starts no reference, is kept. Used for attribute
/// values before their URLs are checked (so `jav&#x09;ascript&colon;` is seen as
/// `javascript:`) and for text taken out of HTML (search).
pub fn decode_references(v: &str) -> Cow<'_, str> {
    if !v.contains('&') {
        return Cow::Borrowed(v);
    }
    let mut out = String::with_capacity(v.len());
    let mut rest = v;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
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
        } else {
            let after = &rest.as_bytes()[1..];
            let named = NAMED.iter().find(|(name, _)| {
                after.len() >= name.len()
                    && after[..name.len()].eq_ignore_ascii_case(name.as_bytes())
            });
            if let Some((name, c)) = named {
                out.push(*c);
                rest = &rest[1 + name.len()..];
                continue;
            }
        }
        out.push('&');
        rest = &rest[1..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_decode_as_a_browser_decodes_them() {
        assert_eq!(decode_references("&#0000000106;&#x0000006a&#X6A;"), "jjj");
        // No character: zero, a surrogate, past U+10FFFF, or a number too big for u32.
        assert_eq!(
            decode_references("&#0;&#xD800;&#x110000;&#99999999999999999999;x"),
            "\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}x"
        );
        assert_eq!(decode_references("a&#;b&#x;c&amp;"), "a&#;b&#x;c&");
        assert_eq!(decode_references("&COLON;&Tab;&NewLine;"), ":\t\n");
        assert_eq!(
            decode_references("&lt;b&gt; &quot;&apos; a&nbsp;b &amp &copy;"),
            "<b> \"' a\u{a0}b &amp &copy;"
        );
        assert!(matches!(decode_references("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn escaping_covers_text_and_both_quotes() {
        assert_eq!(
            escape_html("<a href=\"x\" title='y'>&</a>"),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;"
        );
    }
}
