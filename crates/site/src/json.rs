//! JSON that is safe wherever the site writes it: in a `<script>` element (the calculator's
//! spec, JSON-LD) or as a `.json` file (page models, the search index).

use serde::Serialize;

/// JSON for a `<script>` element or a `.json` file: `<`, `>` and `&` escaped (the same data),
/// so no text can close the element and no file holds markup a sniffing client could run.
pub(crate) fn script_json(v: &impl Serialize) -> String {
    html_safe_json(serde_json::to_string(v).unwrap_or_else(|_| "null".into()))
}

/// Escapes `<`, `>`, `&`, U+2028 and U+2029 in serialized JSON as `\uXXXX`. In JSON they can
/// only be inside strings, where the escape means the same character.
pub(crate) fn html_safe_json(s: String) -> String {
    let bytes = s.as_bytes();
    // U+2028 and U+2029 are E2 80 A8 / E2 80 A9 in UTF-8: only text with an 0xE2 byte can
    // hold them.
    let separators = memchr::memchr(0xE2, bytes).is_some();
    let next = |from: usize| {
        let markup = memchr::memchr3(b'<', b'>', b'&', &bytes[from..]).map(|k| from + k);
        if !separators {
            return markup;
        }
        let end = markup.unwrap_or(bytes.len());
        memchr::memmem::find_iter(&bytes[from..end], b"\xE2\x80")
            .map(|k| from + k)
            .find(|&k| matches!(bytes.get(k + 2), Some(0xA8 | 0xA9)))
            .or(markup)
    };
    let Some(mut at) = next(0) else { return s };
    let mut out = String::with_capacity(s.len() + 64);
    let mut run = 0;
    loop {
        let (escaped, len) = match bytes[at] {
            b'<' => ("\\u003c", 1),
            b'>' => ("\\u003e", 1),
            b'&' => ("\\u0026", 1),
            _ if bytes[at + 2] == 0xA8 => ("\\u2028", 3),
            _ => ("\\u2029", 3),
        };
        out.push_str(&s[run..at]);
        out.push_str(escaped);
        run = at + len;
        match next(run) {
            Some(n) => at = n,
            None => break,
        }
    }
    out.push_str(&s[run..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_holds_no_markup() {
        assert_eq!(
            html_safe_json("{\"a\":\"</script><b>&\u{2028}\u{2029}—é\"}".to_string()),
            "{\"a\":\"\\u003c/script\\u003e\\u003cb\\u003e\\u0026\\u2028\\u2029—é\"}"
        );
        assert_eq!(html_safe_json("plain".to_string()), "plain");
    }
}
