//! The dialect's filters, added to Liquid's: the ones that need the site (`markdownify` and
//! `markdown` with the dialect's markdown and links, `relative_url`/`absolute_url` with the
//! site's link map) and Kong's own (`liquify`, `indent`, `escape_env_variables`,
//! `json_prettify`, `to_check`, `base64`). One table, [`FILTERS`], from each name to its code.
//!
//! Like Liquid's, they are lenient (odd input comes back as it is) and take what they build
//! from the page's budget before building it.

use std::sync::Arc;

use portolan_liquid::{Bounded, BoundedWriter, Exceeded, HostFilterCall, Renderer, Value};

use super::PageHost;
use crate::markdown::{render_fragment_in, render_inline_in};
use crate::place::indent_mapped;

type R<'r, 'a, 'd> = Renderer<'a, 'd, PageHost<'r>>;

/// A dialect filter.
pub(crate) type DialectFilter = fn(&mut R<'_, '_, '_>, HostFilterCall) -> Result<Value, Exceeded>;

/// Every filter the dialect adds, by name.
const FILTERS: &[(&str, DialectFilter)] = &[
    ("absolute_url", site_url),
    ("base64", base64),
    ("escape_env_variables", escape_env_variables),
    ("indent", indent),
    ("json_prettify", json_prettify),
    ("liquify", liquify),
    ("markdown", markdown),
    ("markdownify", markdownify),
    ("relative_url", site_url),
    ("to_check", to_check),
];

/// The dialect's filter called `name`.
pub(crate) fn lookup(name: &str) -> Option<DialectFilter> {
    FILTERS.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
}

/// The names of the dialect's filters.
pub(crate) fn names() -> impl Iterator<Item = &'static str> {
    FILTERS.iter().map(|(n, _)| *n)
}

/// The text of `v`, its walk charged.
fn text(r: &mut R<'_, '_, '_>, v: &Value) -> Result<String, Exceeded> {
    v.render_within(r.budget())
}

fn built(
    r: &mut R<'_, '_, '_>,
    build: impl FnOnce(&mut Bounded<'_>) -> Result<(), Exceeded>,
) -> Result<Value, Exceeded> {
    let mut out = Bounded::new(r.budget());
    build(&mut out)?;
    Ok(Value::str(out.finish()))
}

/// `markdownify`: a block fragment of the dialect's markdown, its problems reported at the
/// filter.
fn markdownify(r: &mut R<'_, '_, '_>, call: HostFilterCall) -> Result<Value, Exceeded> {
    to_html(r, call, false)
}

/// Kong's `markdown`: one paragraph's worth, without its `<p>`.
fn markdown(r: &mut R<'_, '_, '_>, call: HostFilterCall) -> Result<Value, Exceeded> {
    to_html(r, call, true)
}

fn to_html(r: &mut R<'_, '_, '_>, call: HostFilterCall, inline: bool) -> Result<Value, Exceeded> {
    let source = text(r, &call.input)?;
    r.budget().work(source.len() as u64)?;
    let rendered = {
        let host = &r.host;
        if inline {
            render_inline_in(&source, host.links, &host.cells_left)
        } else {
            render_fragment_in(&source, host.links, &host.cells_left)
        }
    };
    let mut found = Vec::new();
    rendered.report(&mut |_| call.span, "", &mut found);
    for d in found {
        r.error(d);
    }
    r.budget().bytes(rendered.html.len())?;
    Ok(Value::str(rendered.html))
}

/// `relative_url` and `absolute_url`: where the site's link map sends the path.
fn site_url(r: &mut R<'_, '_, '_>, call: HostFilterCall) -> Result<Value, Exceeded> {
    let url = text(r, &call.input)?;
    let href = r.host.links.rewrite(&url).unwrap_or(url);
    r.budget().bytes(href.len())?;
    Ok(Value::str(href))
}

/// Kong's `liquify`: the text rendered as Liquid, at the filter's place.
fn liquify(r: &mut R<'_, '_, '_>, call: HostFilterCall) -> Result<Value, Exceeded> {
    Ok(r.render_liquid(call.span, &call.input))
}

/// Kong's `indent`: every line that is not blank prefixed by N spaces (3 by default, at
/// most 64); a captured text keeps where its lines were written.
fn indent(r: &mut R<'_, '_, '_>, call: HostFilterCall) -> Result<Value, Exceeded> {
    let n = call
        .args
        .first()
        .and_then(Value::as_number)
        .map_or(3, |n| n.as_f64().clamp(0.0, 64.0) as usize);
    if let Value::Str(s, Some(map)) = &call.input {
        let lines = s.split('\n').count();
        r.budget().bytes(s.len() + lines.saturating_mul(n))?;
        let source = portolan_liquid::Buf::new(s.to_string(), (**map).clone());
        let (text, map) = indent_mapped(&source, n, call.span).into_parts();
        return Ok(Value::Str(text.into(), Some(Arc::new(map))));
    }
    let s = text(r, &call.input)?;
    let pad = " ".repeat(n);
    built(r, |out| {
        for (i, line) in s.split('\n').enumerate() {
            if i > 0 {
                out.push('\n')?;
            }
            if !line.trim().is_empty() {
                out.push_str(&pad)?;
            }
            out.push_str(line)?;
        }
        Ok(())
    })
}

/// Kong's `escape_env_variables`: `$NAME` written so a shell leaves it alone in a
/// double-quoted string (`\$NAME`).
fn escape_env_variables(r: &mut R<'_, '_, '_>, call: HostFilterCall) -> Result<Value, Exceeded> {
    let s = text(r, &call.input)?;
    built(r, |out| {
        let mut prev = '\0';
        for c in s.chars() {
            if c == '$' && prev != '\\' {
                out.push('\\')?;
            }
            out.push(c)?;
            prev = c;
        }
        Ok(())
    })
}

/// Kong's `json_prettify`: text that is JSON is reformatted; anything else is written as
/// JSON.
fn json_prettify(r: &mut R<'_, '_, '_>, call: HostFilterCall) -> Result<Value, Exceeded> {
    let json = match &call.input {
        Value::Str(s, _) => match serde_json::from_str(s) {
            Ok(j) => j,
            Err(_) => call.input.to_json_within(r.budget())?,
        },
        other => other.to_json_within(r.budget())?,
    };
    let mut out = BoundedWriter::new(r.budget());
    serde_json::to_writer_pretty(&mut out, &json).map_err(|_| Exceeded::Bytes)?;
    Ok(Value::str(out.into_string()))
}

/// Kong's `base64`: the text's UTF-8 bytes in standard base64, padded (what a Basic
/// `Authorization` header holds).
fn base64(r: &mut R<'_, '_, '_>, call: HostFilterCall) -> Result<Value, Exceeded> {
    let s = text(r, &call.input)?;
    built(r, |out| {
        for c in base64_chars(s.as_bytes()) {
            out.push(c)?;
        }
        Ok(())
    })
}

/// `bytes` in standard base64 (RFC 4648, with padding).
fn base64_chars(bytes: &[u8]) -> impl Iterator<Item = char> + '_ {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    bytes.chunks(3).flat_map(|chunk| {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        (0..4).map(move |i| {
            if i > chunk.len() {
                '='
            } else {
                char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize])
            }
        })
    })
}

/// Kong's `to_check`: a check mark for a truthy value, a cross otherwise.
fn to_check(_: &mut R<'_, '_, '_>, call: HostFilterCall) -> Result<Value, Exceeded> {
    Ok(Value::str(if call.input.truthy() { "✓" } else { "✗" }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_is_rfc_4648() {
        let enc = |s: &str| base64_chars(s.as_bytes()).collect::<String>();
        assert_eq!(enc(""), "");
        assert_eq!(enc("f"), "Zg==");
        assert_eq!(enc("fo"), "Zm8=");
        assert_eq!(enc("foo"), "Zm9v");
        assert_eq!(enc("foobar"), "Zm9vYmFy");
        assert_eq!(enc("kong:secret"), "a29uZzpzZWNyZXQ=");
        assert_eq!(enc("é"), "w6k=");
    }
}
