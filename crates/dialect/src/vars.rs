//! Liquid's variables as Kong's pages use them: `{{site.NAME}}` (nested maps as
//! `site.a.b`), `{{include.NAME}}` inside includes, and quoted literals. Evaluated for the
//! expander, and value by value where a whole text is checked first and then expanded
//! (frontmatter, table cells).

use std::collections::BTreeMap;

use crate::diag::{did_you_mean, is_full, push_limited, Diagnostic, FileId, Span};
use crate::syntax::{find_open, line_end, quoted, trim_dashes, NextClose};
use crate::Variables;

/// Include parameters, reachable as `{{include.NAME}}` inside the included file.
pub(crate) type Params = BTreeMap<String, String>;

/// Evaluates a Liquid output expression (`site.x`, `include.x`, or a quoted string).
/// `params` is `None` where `include.*` cannot exist (frontmatter).
pub(crate) fn evaluate(
    site: &Variables,
    params: Option<&Params>,
    expr: &str,
    span: Span,
) -> Result<String, Diagnostic> {
    let expr = expr.trim();
    if expr.is_empty() {
        return Err(Diagnostic::error(span, "empty `{{ }}`")
            .with_label("nothing to output")
            .with_hint("write a variable such as `{{site.konnect_short_name}}`"));
    }
    if let Some(pipe) = expr.find('|') {
        let filter = expr[pipe + 1..].trim();
        return Err(
            Diagnostic::error(span, format!("Liquid filter `{filter}` is not supported"))
                .with_label("filter used here")
                .with_hint("Portolan's Liquid outputs variables as they are; remove the filter"),
        );
    }
    if let Some(lit) = quoted(expr) {
        return Ok(lit.to_string());
    }
    let mut parts = expr.split('.');
    let root = parts.next().unwrap_or_default();
    let path: Vec<&str> = parts.collect();
    if path.iter().chain([&root]).any(|p| {
        p.is_empty()
            || !p
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
    }) {
        return Err(
            Diagnostic::error(span, format!("cannot read `{expr}` as a variable"))
                .with_label("not a variable name")
                .with_hint(
                    "write a dotted name such as `site.konnect_short_name` or `include.name`",
                ),
        );
    }
    match root {
        "site" => lookup_site(site, expr, &path, span),
        "include" => {
            let name = path.join(".");
            match params {
                Some(p) => p.get(&name).cloned().ok_or_else(|| {
                    let d = Diagnostic::error(span, format!("unknown include parameter `include.{name}`")).with_label("not passed to this include");
                    if p.is_empty() {
                        d.with_hint(format!("pass it where the file is included: `{{% include_cached path {name}=\"...\" %}}`"))
                    } else {
                        let names: Vec<_> = p.keys().map(|k| format!("`{k}`")).collect();
                        d.with_hint(format!("this include was given: {}", names.join(", ")))
                    }
                }),
                None => Err(Diagnostic::error(span, format!("`include.{name}` used outside an include")).with_label("no include parameters here")),
            }
        }
        _ => Err(Diagnostic::error(span, format!("unknown variable `{expr}`"))
            .with_label("unknown variable")
            .with_hint("Portolan's Liquid knows `site.NAME` (site variables) and `include.NAME` (include parameters)")),
    }
}

fn lookup_site(
    site: &Variables,
    expr: &str,
    path: &[&str],
    span: Span,
) -> Result<String, Diagnostic> {
    let mut map = site;
    for (n, key) in path.iter().enumerate() {
        let Some(v) = map.get(*key) else {
            let known = map.keys().filter_map(|k| k.as_str());
            let mut d = Diagnostic::error(span, format!("unknown site variable `{expr}`"))
                .with_label("not defined in the site's variables");
            d = match did_you_mean(key, known) {
                Some(s) => {
                    let mut fixed: Vec<&str> = vec!["site"];
                    fixed.extend(&path[..n]);
                    fixed.push(s);
                    d.with_hint(format!("did you mean `{}`?", fixed.join(".")))
                }
                None => d.with_hint("define it under `variables:` in portolan.yaml"),
            };
            return Err(d);
        };
        let last = n + 1 == path.len();
        match v {
            serde_yaml::Value::Mapping(m) if !last => map = m,
            serde_yaml::Value::String(s) if last => return Ok(s.clone()),
            serde_yaml::Value::Number(x) if last => return Ok(x.to_string()),
            serde_yaml::Value::Bool(b) if last => return Ok(b.to_string()),
            serde_yaml::Value::Null if last => return Ok(String::new()),
            _ => {
                return Err(
                    Diagnostic::error(span, format!("`{expr}` is not a text value"))
                        .with_label("cannot be output")
                        .with_hint("output a text, number or boolean variable"),
                )
            }
        }
    }
    Err(Diagnostic::error(span, "`site` alone is not a value")
        .with_label("name a variable")
        .with_hint("write `site.NAME`"))
}

/// Reports every bad `{{ }}` in `text[start..end]` (frontmatter, table bodies), where the
/// text is later expanded value by value with [`expand_lenient`].
/// Stops at the first problem once the page reports as many as it may (they are all errors).
pub(crate) fn check_expressions(
    site: &Variables,
    params: Option<&Params>,
    file: FileId,
    text: &str,
    start: usize,
    end: usize,
    diags: &mut Vec<Diagnostic>,
) {
    let mut i = start;
    let mut tag_close = NextClose::new("%}");
    while let Some(rel) = find_open(&text[i..end]) {
        let pos = i + rel;
        if text[pos..].starts_with("{%") {
            let close = tag_close
                .find(text, pos)
                .filter(|&c| c + 2 <= end)
                .map_or(line_end(text, pos).min(end), |c| c + 2);
            push_limited(
                diags,
                Diagnostic::error(
                    Span::new(file, pos, close),
                    "Liquid tags are not supported here",
                )
                .with_label("tag inside a value")
                .with_hint(
                    "only variables (`{{site.NAME}}`) can be used in frontmatter and table cells",
                ),
            );
            if is_full(diags) {
                return;
            }
            i = close.max(pos + 2);
            continue;
        }
        let Some(close) = text[pos + 2..end].find("}}").map(|c| pos + 2 + c) else {
            push_limited(
                diags,
                Diagnostic::error(
                    Span::new(file, pos, pos + 2),
                    "unclosed `{{`: no `}}` in this value",
                )
                .with_label("opened here")
                .with_hint("close the variable with `}}`"),
            );
            return;
        };
        let (inner, _, _) = trim_dashes(&text[pos + 2..close]);
        if let Err(d) = evaluate(site, params, inner, Span::new(file, pos, close + 2)) {
            push_limited(diags, d);
            if is_full(diags) {
                return;
            }
        }
        i = close + 2;
    }
}

/// Substitutes the variables in a value whose positions [`check_expressions`] already
/// checked; anything that does not evaluate is left as written.
pub(crate) fn expand_lenient(site: &Variables, params: Option<&Params>, s: &str) -> String {
    if !s.contains("{{") {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while let Some(rel) = s[i..].find("{{") {
        let pos = i + rel;
        out.push_str(&s[i..pos]);
        let Some(close) = s[pos + 2..].find("}}").map(|c| pos + 2 + c) else {
            break;
        };
        let (inner, _, _) = trim_dashes(&s[pos + 2..close]);
        match evaluate(site, params, inner, Span::new(0, 0, 0)) {
            Ok(v) => out.push_str(&v),
            Err(_) => out.push_str(&s[pos..close + 2]),
        }
        i = close + 2;
    }
    out.push_str(&s[i..]);
    out
}
