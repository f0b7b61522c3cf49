//! What hosting needs beyond the pages: fingerprinted asset names for long caching, the
//! sitemap and robots.txt, and HTML minification.

use std::collections::BTreeMap;

/// Files every build writes besides the pages, the theme's assets and the search index.
pub(crate) const GENERATED_FILES: [&str; 3] = ["sitemap.xml", "robots.txt", "404.html"];

/// FNV-1a, 64 bits: a stable content hash (std's hasher may change between releases).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Whether an asset may refer to others by name. A vendored bundle (`*.min.js`, such as
/// mermaid.js) refers to none of the theme's, and at megabytes is not worth the search.
fn is_text(name: &str) -> bool {
    (name.ends_with(".js") || name.ends_with(".css")) && !name.contains(".min.")
}

/// A theme asset: its path under `assets/` and its bytes.
pub(crate) type Asset = (String, Vec<u8>);

/// Gives every asset a name with its content hash (`style.css` → `style.3f9a1c2e.css`),
/// rewriting references between assets (a loader importing `./calculator.js`, a bundle
/// fetching `calculator_bg.wasm`) so the names stay consistent. Returns the renamed assets
/// and the map from original to new name.
pub(crate) fn fingerprint(assets: &[Asset]) -> (Vec<Asset>, BTreeMap<String, String>) {
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    let mut contents: BTreeMap<String, Vec<u8>> = assets.iter().cloned().collect();
    // References form a shallow acyclic chain; each pass settles one more level.
    for _ in 0..4 {
        let mut next = BTreeMap::new();
        for (name, _) in assets {
            let original = &assets.iter().find(|(n, _)| n == name).expect("listed").1;
            let bytes = if is_text(name) {
                let text = String::from_utf8_lossy(original);
                substitute(&text, name, &names).into_bytes()
            } else {
                original.clone()
            };
            let hashed = hashed_name(name, &bytes);
            next.insert(name.clone(), hashed);
            contents.insert(name.clone(), bytes);
        }
        if next == names {
            break;
        }
        names = next;
    }
    let out = assets
        .iter()
        .map(|(n, _)| (names[n].clone(), contents[n].clone()))
        .collect();
    (out, names)
}

fn hashed_name(name: &str, bytes: &[u8]) -> String {
    let h = format!("{:016x}", fnv1a(bytes));
    match name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{}.{ext}", &h[..10]),
        None => format!("{name}.{}", &h[..10]),
    }
}

/// Replaces references to other assets' names in `text`, where the name starts after a
/// path or quote character (so `loader.js` inside `calculator-loader.js` is left alone).
fn substitute(text: &str, own: &str, names: &BTreeMap<String, String>) -> String {
    let mut out = text.to_string();
    for (from, to) in names {
        if from == own || !out.contains(from.as_str()) {
            continue;
        }
        let mut result = String::with_capacity(out.len());
        let mut rest = out.as_str();
        while let Some(i) = rest.find(from.as_str()) {
            result.push_str(&rest[..i]);
            let prev = result.chars().last();
            result.push_str(
                if matches!(prev, None | Some('/' | '"' | '\'' | '(' | '`' | ' ')) {
                    to
                } else {
                    from
                },
            );
            rest = &rest[i + from.len()..];
        }
        result.push_str(rest);
        out = result;
    }
    out
}

/// sitemap.xml for the given page URLs (already with the base path); `origin` makes them
/// absolute as the sitemap protocol asks.
pub(crate) fn sitemap(origin: Option<&str>, urls: &[String]) -> String {
    let origin = origin.unwrap_or("").trim_end_matches('/');
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for u in urls {
        s.push_str("  <url><loc>");
        s.push_str(&portolan_htmlscan::escape_html(&format!("{origin}{u}")));
        s.push_str("</loc></url>\n");
    }
    s.push_str("</urlset>\n");
    s
}

/// robots.txt pointing at the sitemap.
/// (The sitemap line needs an absolute URL, so it is there only when `url` is configured.)
pub(crate) fn robots(origin: Option<&str>, base: &str) -> String {
    match origin {
        Some(o) => format!(
            "User-agent: *\nAllow: {base}\nSitemap: {}{base}sitemap.xml\n",
            o.trim_end_matches('/')
        ),
        None => format!("User-agent: *\nAllow: {base}\n"),
    }
}

/// Removes indentation and blank lines outside `<pre>`, `<textarea>`, `<script>` and
/// `<style>`. Whitespace at a line start is never significant in HTML flow content (it
/// collapses with the line break before it), so the page renders the same.
pub(crate) fn minify(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut verbatim = 0i32;
    for line in html.split_inclusive('\n') {
        if verbatim > 0 {
            out.push_str(line);
        } else {
            // HTML's whitespace only (which is ASCII's): a no-break space (or any other
            // Unicode space) is part of what follows it, e.g. of an attribute's name.
            let t = line.trim_start_matches(|c: char| c.is_ascii_whitespace());
            if !t.trim_matches(|c: char| c.is_ascii_whitespace()).is_empty() {
                out.push_str(t);
            }
        }
        verbatim = (verbatim + verbatim_delta(line.as_bytes())).max(0);
    }
    out
}

/// Opening minus closing `<pre>`, `<textarea>`, `<script>` and `<style>` tags in a line,
/// ASCII case-insensitively, in one pass over its `<`s. An opening tag must be followed by
/// `>` or whitespace (so `<prefix>` is not `<pre`).
fn verbatim_delta(line: &[u8]) -> i32 {
    const NAMES: [&[u8]; 4] = [b"pre", b"textarea", b"script", b"style"];
    let mut delta = 0;
    for lt in memchr::memchr_iter(b'<', line) {
        let at = lt + 1;
        let (closing, start) = if line.get(at) == Some(&b'/') {
            (true, at + 1)
        } else {
            (false, at)
        };
        for name in NAMES {
            let end = start + name.len();
            if end <= line.len() && line[start..end].eq_ignore_ascii_case(name) {
                let next = line.get(end).copied();
                if closing && next == Some(b'>') {
                    delta -= 1;
                } else if !closing
                    && matches!(next, Some(b'>' | b' ' | b'\t' | b'\n' | b'\r') | None)
                {
                    delta += 1;
                }
                break;
            }
        }
    }
    delta
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_follow_references() {
        let assets = vec![
            (
                "calculator-loader.js".to_string(),
                b"import init from \"./calculator.js\"; init(\"calculator_bg.wasm\");".to_vec(),
            ),
            (
                "calculator.js".to_string(),
                b"fetch('calculator_bg.wasm')".to_vec(),
            ),
            ("calculator_bg.wasm".to_string(), vec![0, 97, 115, 109]),
            ("style.css".to_string(), b"body{}".to_vec()),
        ];
        let (out, names) = fingerprint(&assets);
        let wasm = &names["calculator_bg.wasm"];
        assert!(wasm.starts_with("calculator_bg.") && wasm.ends_with(".wasm"));
        let loader = out
            .iter()
            .find(|(n, _)| n == &names["calculator-loader.js"])
            .unwrap();
        let loader = String::from_utf8(loader.1.clone()).unwrap();
        assert!(
            loader.contains(&format!("./{}", names["calculator.js"])),
            "{loader}"
        );
        assert!(loader.contains(wasm.as_str()));
        // Changing the wasm changes the name of everything that refers to it.
        let mut changed = assets.clone();
        changed[2].1.push(1);
        let (_, names2) = fingerprint(&changed);
        assert_ne!(names["calculator.js"], names2["calculator.js"]);
        assert_ne!(
            names["calculator-loader.js"],
            names2["calculator-loader.js"]
        );
        assert_eq!(names["style.css"], names2["style.css"]);
    }

    #[test]
    fn minify_keeps_preformatted_text() {
        let html = "<div>\n    <p>a\n    b</p>\n\n<pre><code>  keep\n    this\n</code></pre>\n  <p>x</p>\n";
        assert_eq!(
            minify(html),
            "<div>\n<p>a\nb</p>\n<pre><code>  keep\n    this\n</code></pre>\n<p>x</p>\n"
        );
        let upper = "<PRE class=x>\n  a\n</PRE>\n  <prefix>\n  b\n";
        assert_eq!(minify(upper), "<PRE class=x>\n  a\n</PRE>\n<prefix>\nb\n");
    }

    #[test]
    fn minify_never_changes_what_a_tag_holds() {
        // `\u{a0}onerror` is an attribute named `\u{a0}onerror` (no handler); trimming the
        // no-break space as if it were whitespace would make it `onerror`.
        for space in [
            '\u{a0}', '\u{b}', '\u{2028}', '\u{3000}', '\u{feff}', '\u{85}',
        ] {
            let html = format!("<div>\n<img src=\"x\"\n{space}onerror=\"alert(1)\">\n</div>\n");
            assert!(
                portolan_htmlscan::unsafe_html(&html).is_empty(),
                "{space:?}"
            );
            let min = minify(&html);
            assert!(
                portolan_htmlscan::unsafe_html(&min).is_empty(),
                "{space:?}: {min}"
            );
        }
        assert_eq!(minify("  <p>\t\x0c\r\n\n"), "<p>\t\x0c\r\n");
    }

    #[test]
    fn sitemap_is_absolute_and_escaped() {
        let s = sitemap(
            Some("https://intranet.example/"),
            &["/docs/a/".into(), "/docs/b&c/".into()],
        );
        assert!(s.contains("<loc>https://intranet.example/docs/a/</loc>"));
        assert!(s.contains("b&amp;c"));
    }
}
