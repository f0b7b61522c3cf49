//! kramdown attribute lists: the inside of `{:.info #id key="value"}`, as authors may write
//! them. Event handlers (`on...`) and script URLs in URL attributes are refused here, where
//! they are written.

use std::fmt::Write as _;

use portolan_htmlscan::{escape_html, is_unsafe_url, URL_ATTRIBUTES};

use crate::model::Attrs;

/// Parses the inside of `{: ... }`.
pub(crate) fn parse_attrs(s: &str) -> Result<Attrs, String> {
    let mut attrs = Attrs::default();
    let mut rest = s.trim();
    while !rest.is_empty() {
        let word_end = |r: &str| r.find(char::is_whitespace).unwrap_or(r.len());
        if let Some(r) = rest.strip_prefix('.') {
            let n = word_end(r).min(r.find(['.', '#']).unwrap_or(r.len()));
            let class = &r[..n];
            if class.is_empty()
                || !class
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
            {
                return Err(format!("`.{class}` is not a class name"));
            }
            attrs.classes.push(class.to_string());
            rest = r[n..].trim_start();
        } else if let Some(r) = rest.strip_prefix('#') {
            let n = word_end(r).min(r.find(['.', '#']).unwrap_or(r.len()));
            let id = &r[..n];
            if id.is_empty()
                || !id
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '-' || c == '_' || c == ':')
            {
                return Err(format!("`#{id}` is not an id"));
            }
            attrs.id = Some(id.to_string());
            rest = r[n..].trim_start();
        } else if let Some(eq) = rest.find('=') {
            let key = rest[..eq].trim();
            if key.is_empty()
                || !key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                || key.to_ascii_lowercase().starts_with("on")
            {
                return Err(format!("`{key}` is not an attribute name authors may set"));
            }
            let r = rest[eq + 1..].trim_start();
            let (value, next) = match r.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let close = r[1..]
                        .find(q)
                        .ok_or_else(|| format!("the value of `{key}` has no closing {q}"))?;
                    (&r[1..1 + close], &r[close + 2..])
                }
                _ => {
                    let n = word_end(r);
                    (&r[..n], &r[n..])
                }
            };
            let lower = key.to_ascii_lowercase();
            if URL_ATTRIBUTES.contains(&lower.as_str()) && is_unsafe_url(value, false) {
                return Err(format!("`{key}` may not hold the URL `{value}`: `javascript:`, `vbscript:` and `data:` URLs are refused"));
            }
            attrs.pairs.push((key.to_string(), value.to_string()));
            rest = next.trim_start();
        } else {
            return Err(format!("cannot read `{rest}`"));
        }
    }
    Ok(attrs)
}

/// ` id="…" class="…" k="v"` for an attribute list, `extra_class` first among the classes.
pub(crate) fn attr_string(a: &Attrs, extra_class: Option<&str>) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_lists() {
        let a = parse_attrs(".info").unwrap();
        assert_eq!(a.classes, ["info"]);
        let a = parse_attrs(" .a.b #x title=\"Hi there\" data-k=v").unwrap();
        assert_eq!(a.classes, ["a", "b"]);
        assert_eq!(a.id.as_deref(), Some("x"));
        assert_eq!(
            a.pairs,
            [
                ("title".into(), "Hi there".into()),
                ("data-k".into(), "v".into())
            ]
        );
        assert!(parse_attrs("onclick=\"alert(1)\"").is_err());
        assert!(parse_attrs("ONCLICK=\"alert(1)\"").is_err());
        assert!(parse_attrs("OnMouseOver=x").is_err());
        assert!(parse_attrs("href=\"javascript:alert(1)\"").is_err());
        assert!(parse_attrs("HREF=' JaVaScript:alert(1)'").is_err());
        assert!(parse_attrs("href=\"/ok/\" data-x=\"javascript:is-text\"").is_ok());
        assert!(parse_attrs(".<script>").is_err());
    }
}
