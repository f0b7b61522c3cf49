//! A drawn diagram's SVG made fit to inline in a page, in two steps:
//!
//! - [`finish`], once per drawing (what the cache keeps): `style="…"` attributes become
//!   presentation attributes and `<style>` elements go (the pages' Content-Security-Policy
//!   would refuse both), `!important` leaves colour values (Kong's `linkStyle` lines carry
//!   it, and it makes a presentation attribute invalid), unsafe link targets go, and the
//!   root gets `role="img"`, a title (`aria-label`; a `<title>` element is RCDATA to the
//!   HTML scanner, which refuses it) and a `<desc>` for screen readers, and a class the
//!   theme sizes it by (at most the column's width, its own height ratio).
//! - [`place`], per use: every id (and every reference to one) gets the page's prefix, so
//!   two diagrams on a page keep their markers apart.
//!
//! Colours are the renderer's light theme; the theme's stylesheet maps them to dark ones
//! (CSS outranks presentation attributes).

use std::fmt::Write as _;

use portolan_htmlscan::{escape_html, is_unsafe_url, unsafe_html};

/// Properties a `style` attribute may carry over as presentation attributes.
const PRESENTATION: &[&str] = &[
    "fill",
    "fill-opacity",
    "stroke",
    "stroke-width",
    "stroke-dasharray",
    "stroke-opacity",
    "stroke-linecap",
    "stroke-linejoin",
    "opacity",
    "font-family",
    "font-size",
    "font-weight",
    "font-style",
    "text-anchor",
    "dominant-baseline",
    "text-decoration",
];

/// The SVG, finished; `Err` (why) when it would still run script after all this.
pub(crate) fn finish(svg: &str, title: &str, desc: Option<&str>) -> Result<String, String> {
    let mut out = String::with_capacity(svg.len() + 256);
    let mut root_done = false;
    let mut rest = svg;
    while let Some(tag) = next_tag(&mut rest, &mut out) {
        let tag = tag.map_err(|_| "an SVG tag does not end".to_string())?;
        if tag.starts_with("<style") && !tag.ends_with("/>") {
            rest = rest
                .find("</style>")
                .map_or("", |i| &rest[i + "</style>".len()..]);
            continue;
        }
        match Tag::read(tag) {
            Some(mut t) if !t.closing => {
                t.restyle();
                if !root_done && t.name == "svg" {
                    root_done = true;
                    t.set("role", "img");
                    t.set("aria-label", &escape_html(title));
                    if desc.is_some() {
                        t.set("aria-describedby", "desc");
                    }
                    t.set("class", "diagram-svg");
                    t.write(&mut out);
                    if let Some(d) = desc {
                        let _ = write!(out, "<desc id=\"desc\">{}</desc>", escape_html(d));
                    }
                } else {
                    t.write(&mut out);
                }
            }
            _ => out.push_str(tag),
        }
    }
    out.push_str(rest);
    if let Some(found) = unsafe_html(&out).into_iter().next() {
        return Err(format!("the drawing holds {}", found.what));
    }
    Ok(out)
}

/// `svg` (as [`finish`] wrote it) with every id and reference prefixed with `prefix-`.
pub(crate) fn place(svg: &str, prefix: &str) -> String {
    let mut out = String::with_capacity(svg.len() + 512);
    let mut rest = svg;
    while let Some(tag) = next_tag(&mut rest, &mut out) {
        // An unended tag (finish refuses those) is copied as it is.
        let tag = tag.unwrap_or_else(|unended| unended);
        match Tag::read(tag) {
            Some(mut t) if !t.closing && t.attrs.iter().any(|(k, v)| refers(k, v)) => {
                for (k, v) in &mut t.attrs {
                    *v = match k.as_str() {
                        "id" => format!("{prefix}-{v}"),
                        "aria-describedby" => v
                            .split(' ')
                            .map(|i| format!("{prefix}-{i}"))
                            .collect::<Vec<_>>()
                            .join(" "),
                        "href" | "xlink:href" if v.starts_with('#') => {
                            format!("#{prefix}-{}", &v[1..])
                        }
                        _ => v.replace("url(#", &format!("url(#{prefix}-")),
                    };
                }
                t.write(&mut out);
            }
            _ => out.push_str(tag),
        }
    }
    out.push_str(rest);
    out
}

/// The next tag (or comment) in `rest`, the text before it copied to `out` and `rest` moved
/// past it; `Err` with the rest of the text when the tag does not end; `None` at the end
/// (the text after the last tag is the caller's).
fn next_tag<'a>(rest: &mut &'a str, out: &mut String) -> Option<Result<&'a str, &'a str>> {
    let at = rest.find('<')?;
    out.push_str(&rest[..at]);
    let from_tag = &rest[at..];
    match tag_end(from_tag) {
        Some(end) => {
            *rest = &from_tag[end..];
            Some(Ok(&from_tag[..end]))
        }
        None => {
            *rest = "";
            Some(Err(from_tag))
        }
    }
}

/// Whether attribute `k="v"` names or refers to an id.
fn refers(k: &str, v: &str) -> bool {
    k == "id" || k == "aria-describedby" || v.contains("url(#") || v.starts_with('#')
}

/// Where the tag (or comment) `text` starts with ends; quotes respected.
fn tag_end(text: &str) -> Option<usize> {
    if text.starts_with("<!--") {
        return text.find("-->").map(|i| i + 3);
    }
    let mut quote = None;
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(i + 1),
            _ => {}
        }
    }
    None
}

/// A start or end tag, read.
struct Tag {
    name: String,
    closing: bool,
    self_closing: bool,
    attrs: Vec<(String, String)>,
}

impl Tag {
    fn read(tag: &str) -> Option<Tag> {
        let inner = tag.strip_prefix('<')?.strip_suffix('>')?;
        if inner.starts_with(['!', '?']) {
            return None;
        }
        let (closing, inner) = match inner.strip_prefix('/') {
            Some(i) => (true, i),
            None => (false, inner),
        };
        let (self_closing, inner) = match inner.trim_end().strip_suffix('/') {
            Some(i) => (true, i),
            None => (false, inner),
        };
        let name_len = inner.find(char::is_whitespace).unwrap_or(inner.len());
        let name = inner[..name_len].to_string();
        let mut attrs = Vec::new();
        let mut rest = inner[name_len..].trim_start();
        while !rest.is_empty() {
            let key_len = rest
                .find(|c: char| c == '=' || c.is_whitespace())
                .unwrap_or(rest.len());
            let key = rest[..key_len].to_string();
            rest = rest[key_len..].trim_start();
            let value = if let Some(r) = rest.strip_prefix('=') {
                let r = r.trim_start();
                let q = r.chars().next()?;
                if q == '"' || q == '\'' {
                    let close = r[1..].find(q)? + 1;
                    let v = r[1..close].to_string();
                    rest = r[close + 1..].trim_start();
                    v
                } else {
                    let len = r.find(char::is_whitespace).unwrap_or(r.len());
                    let v = r[..len].to_string();
                    rest = r[len..].trim_start();
                    v
                }
            } else {
                String::new()
            };
            if !key.is_empty() {
                attrs.push((key, value));
            }
        }
        Some(Tag {
            name,
            closing,
            self_closing,
            attrs,
        })
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Sets `key` to `value`, as written (escaped).
    fn set(&mut self, key: &str, value: &str) {
        match self.attrs.iter_mut().find(|(k, _)| k == key) {
            Some((_, v)) => *v = value.to_string(),
            None => self.attrs.push((key.to_string(), value.to_string())),
        }
    }

    /// `style` into presentation attributes (the style's value wins, as it would in CSS);
    /// `!important` out of values; unsafe link targets out.
    fn restyle(&mut self) {
        if let Some(style) = self.get("style").map(str::to_string) {
            self.attrs.retain(|(k, _)| k != "style");
            for decl in style.split(';') {
                let Some((prop, value)) = decl.split_once(':') else {
                    continue;
                };
                let prop = prop.trim().to_ascii_lowercase();
                if PRESENTATION.contains(&prop.as_str()) {
                    self.set(&prop, value.trim());
                }
            }
        }
        for (_, v) in &mut self.attrs {
            if let Some(i) = v.find("!important") {
                v.truncate(i);
                let trimmed = v.trim_end().len();
                v.truncate(trimmed);
            }
        }
        self.attrs.retain(|(k, v)| {
            let k = k.to_ascii_lowercase();
            !(k.starts_with("on") || (k.ends_with("href") && is_unsafe_url(v, false)))
        });
    }

    fn write(&self, out: &mut String) {
        out.push('<');
        if self.closing {
            out.push('/');
        }
        out.push_str(&self.name);
        for (k, v) in &self.attrs {
            let _ = write!(out, " {k}=\"{}\"", v.replace('"', "&quot;"));
        }
        if self.self_closing {
            out.push('/');
        }
        out.push('>');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn styles_become_attributes_and_the_root_is_labelled() {
        let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" style=\"max-width: 10px;\"><style>svg{fill:red}</style><text x=\"1\" style=\"text-anchor: middle; font-size: 12px; cursor: pointer\" fill=\"#d44324!important\">a &lt; b</text></svg>";
        let out = finish(svg, "Flowchart: a", Some("what it shows")).expect("finished");
        assert_eq!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" role=\"img\" aria-label=\"Flowchart: a\" aria-describedby=\"desc\" class=\"diagram-svg\"><desc id=\"desc\">what it shows</desc><text x=\"1\" fill=\"#d44324\" text-anchor=\"middle\" font-size=\"12px\">a &lt; b</text></svg>"
        );
    }

    #[test]
    fn ids_and_references_are_prefixed() {
        let svg = "<svg aria-describedby=\"desc\"><desc id=\"desc\">t</desc><marker id=\"arrow-0\"/><path marker-end=\"url(#arrow-0)\" d=\"M 0 0\"/><use href=\"#arrow-0\"/><text>url(#arrow-0)</text></svg>";
        assert_eq!(
            place(svg, "diagram-2"),
            "<svg aria-describedby=\"diagram-2-desc\"><desc id=\"diagram-2-desc\">t</desc><marker id=\"diagram-2-arrow-0\"/><path marker-end=\"url(#diagram-2-arrow-0)\" d=\"M 0 0\"/><use href=\"#diagram-2-arrow-0\"/><text>url(#arrow-0)</text></svg>"
        );
    }

    #[test]
    fn script_does_not_survive() {
        let svg = "<svg><a href=\"javascript:alert(1)\" onclick=\"x()\"><text>t</text></a></svg>";
        let out = finish(svg, "t", None).expect("finished");
        assert!(
            !out.contains("javascript") && !out.contains("onclick"),
            "{out}"
        );
        assert!(finish("<svg><script>alert(1)</script></svg>", "t", None).is_err());
    }
}
