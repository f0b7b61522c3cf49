//! URLs that must never reach a reader's browser, and the attributes that hold URLs.

use std::borrow::Cow;

/// Attributes whose value is a URL a browser may navigate to or load (and SVG animation
/// values, which can set an `href`).
pub const URL_ATTRIBUTES: &[&str] = &[
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

/// What makes attribute `attr` of element `element` (both lowercase, as written) unsafe, if
/// anything: an event handler (`on...`, also after a prefix: what a prefix means depends on
/// namespace declarations), an SVG animation that would set one, or an unsafe URL
/// ([`is_unsafe_url`]) in a URL attribute (with any prefix; `values` is a `;`-separated
/// list). `decode` turns the value as written into the value a parser reads (character
/// references), only where it is looked at. Shared by the scan and the XML tree check.
pub(crate) fn attribute_problem<'v>(
    element: &str,
    attr: &str,
    value: Option<&'v str>,
    decode: impl Fn(&'v str) -> Cow<'v, str>,
) -> Option<String> {
    let local = attr.rsplit(':').next().unwrap_or_default();
    // Every event handler is `on` and an event's name; `on` alone is none (prose that a
    // browser reads as attributes after a stray `<` has it: "... on Universal").
    let handler = |name: &str| name.len() > 2 && name.starts_with("on");
    if handler(attr) || handler(local) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_urls_are_refused() {
        assert!(is_unsafe_url("javascript:alert(1)", false));
        assert!(is_unsafe_url(" JaVa\tScript:alert(1)", false));
        assert!(is_unsafe_url("data:text/html,<script>", false));
        assert!(is_unsafe_url("data:image/svg+xml,<svg onload=x>", true));
        assert!(!is_unsafe_url("data:image/png;base64,AAAA", true));
        assert!(!is_unsafe_url("/gateway/network/#a:b", false));
        assert!(!is_unsafe_url("https://konghq.com", false));
    }
}
