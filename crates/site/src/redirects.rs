//! Redirects: a file of rules, one a line, `FROM TO [CODE]` (Netlify's `_redirects`
//! format, which Cloudflare Pages reads too): `FROM` a path, which may end in `/*` (its
//! `:splat` goes into `TO`) or hold `:name` placeholders; `TO` a path or URL. The build
//! writes a small page at each plain `FROM` that no page holds (a meta refresh and a
//! canonical link, no script), the rules as a `_redirects` file a host can load, and
//! links written to an old URL go straight to the new one. `serve` answers the rules with
//! their code. A rule whose source a page of the site holds is left to the page, as hosts
//! do.

use std::collections::HashMap;

use portolan_dialect::{Diagnostic, FileId, LinkRewriter, Span};
use portolan_htmlscan::{escape_html, is_unsafe_url};

use crate::page_url::url_key;

/// One rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// The path it matches, as written (`/old/`, `/docs/*`, `/x/:version/y`).
    pub from: String,
    /// Where it sends the reader: a path (`:splat` and placeholders filled) or a URL.
    pub to: String,
    /// The status code (301 unless written).
    pub code: u16,
}

impl Rule {
    /// True when `from` is one path, without a splat or placeholders.
    pub fn is_plain(&self) -> bool {
        !self.from.contains('*') && !self.from.split('/').any(|s| s.starts_with(':'))
    }

    /// Where a request for `path` (site-absolute, without the base path) goes, when this
    /// rule matches it.
    pub fn target(&self, path: &str) -> Option<String> {
        let want = self.from.trim_end_matches('/');
        let have = path.trim_end_matches('/');
        let mut to = self.to.clone();
        if let Some(prefix) = want.strip_suffix("/*") {
            let rest = have.strip_prefix(prefix)?;
            if !(rest.is_empty() || rest.starts_with('/')) {
                return None;
            }
            return Some(to.replace(":splat", rest.trim_start_matches('/')));
        }
        let (a, b): (Vec<&str>, Vec<&str>) = (want.split('/').collect(), have.split('/').collect());
        if a.len() != b.len() {
            return None;
        }
        for (w, h) in a.iter().zip(&b) {
            match w.strip_prefix(':') {
                Some(name) => to = to.replace(&format!(":{name}"), h),
                None if w == h => {}
                None => return None,
            }
        }
        Some(to)
    }
}

/// A site's rules as `serve` answers them: a request for a path a page holds gets the
/// page; any other the first rule that matches it.
#[derive(Debug, Clone, Default)]
pub struct Redirects {
    rules: Vec<Rule>,
    pages: std::collections::HashSet<String>,
    base: String,
}

impl Redirects {
    /// The rules of a site whose pages (and generated pages) have URL keys `pages`.
    pub(crate) fn new(
        rules: Vec<Rule>,
        pages: std::collections::HashSet<String>,
        base: &str,
    ) -> Self {
        Redirects {
            rules,
            pages,
            base: base.to_string(),
        }
    }

    /// Where a request for `path` (site-absolute, without the base path) goes, and with
    /// which status; `None` when a page holds it or no rule matches.
    pub fn for_path(&self, path: &str) -> Option<(String, u16)> {
        if self.pages.contains(&url_key(path)) {
            return None;
        }
        let prefix = self.base.trim_end_matches('/');
        self.rules.iter().find_map(|r| {
            let to = r.target(path)?;
            let to = if to.starts_with('/') {
                format!("{prefix}{to}")
            } else {
                to
            };
            Some((to, r.code))
        })
    }
}

/// Reads the rules of file `file`; a line that is not a rule is an error at it.
pub(crate) fn parse(file: FileId, text: &str, diags: &mut Vec<Diagnostic>) -> Vec<Rule> {
    let mut rules = Vec::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let start = at;
        at += line.len();
        let content = line.split('#').next().unwrap_or("").trim();
        if content.is_empty() {
            continue;
        }
        let span = Span::new(file, start, start + line.trim_end().len());
        let fields: Vec<&str> = content.split_whitespace().collect();
        let bad = |message: String| {
            Diagnostic::error(span, message)
                .with_label("this rule")
                .with_hint("a rule is `FROM TO [CODE]`: `/old/path/ /new/path/ 301`")
        };
        let (from, to) = match fields.as_slice() {
            [from, to] | [from, to, _] => (*from, *to),
            _ => {
                diags.push(bad(format!(
                    "a redirect rule has 2 or 3 fields; this line has {}",
                    fields.len()
                )));
                continue;
            }
        };
        let code = match fields.get(2) {
            None => 301,
            Some(c) => match c.trim_end_matches('!').parse::<u16>() {
                Ok(c @ (301 | 302 | 303 | 307 | 308)) => c,
                _ => {
                    diags.push(bad(format!(
                        "`{c}` is not a redirect status (301, 302, 303, 307 or 308)"
                    )));
                    continue;
                }
            },
        };
        // A source is a page's path: it may not climb out of the site (its page is
        // written there).
        if !from.starts_with('/')
            || crate::out_path::permalink_key(from.trim_end_matches('*')).is_err()
        {
            diags.push(bad(format!("`{from}` is not a path of this site")));
            continue;
        }
        if is_unsafe_url(to, false) || to.chars().any(|c| c.is_control() || "\"'<>`\\".contains(c))
        {
            diags.push(bad(format!("`{to}` cannot be a redirect's target")));
            continue;
        }
        rules.push(Rule {
            from: from.to_string(),
            to: to.to_string(),
            code,
        });
    }
    rules
}

/// The plain rules whose source no page holds, by the source's URL key: where links to
/// them go, and where a page that redirects is written.
pub(crate) fn by_source(rules: &[Rule], is_page: impl Fn(&str) -> bool) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for r in rules.iter().filter(|r| r.is_plain()) {
        let key = url_key(&r.from);
        if !is_page(&key) {
            out.entry(key).or_insert_with(|| r.to.clone());
        }
    }
    out
}

/// The page written at a redirect's source: it sends the reader on at once, and says
/// where to for anyone it does not.
pub(crate) fn stub(to: &str) -> String {
    let to = escape_html(to);
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Moved</title>\n<link rel=\"canonical\" href=\"{to}\">\n<meta http-equiv=\"refresh\" content=\"0; url={to}\">\n<meta name=\"robots\" content=\"noindex\">\n</head>\n<body>\n<p>This page has moved to <a href=\"{to}\">{to}</a>.</p>\n</body>\n</html>\n"
    )
}

/// The rules as a `_redirects` file for the host, paths under the base path `base`, each
/// target where the site's links to it go.
pub(crate) fn rules_file(rules: &[Rule], base: &str, links: &dyn LinkRewriter) -> String {
    let prefix = base.trim_end_matches('/');
    let mut out = String::new();
    for r in rules {
        let to = if r.to.starts_with('/') && !r.to.contains(':') {
            links
                .rewrite(&r.to)
                .unwrap_or_else(|| format!("{prefix}{}", r.to))
        } else if r.to.starts_with('/') {
            format!("{prefix}{}", r.to)
        } else {
            r.to.clone()
        };
        out.push_str(&format!("{prefix}{}  {to}  {}\n", r.from, r.code));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(text: &str) -> (Vec<Rule>, Vec<Diagnostic>) {
        let mut d = Vec::new();
        (parse(0, text, &mut d), d)
    }

    #[test]
    fn rules_are_read_with_their_codes() {
        let (r, d) =
            rules("# moved\n/old/  /new/\n\n/a/*  /b/:splat  302\n/v/:version/x /x/ 301!\n");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(r.len(), 3);
        assert_eq!((r[0].code, r[1].code, r[2].code), (301, 302, 301));
        assert!(r[0].is_plain() && !r[1].is_plain() && !r[2].is_plain());
    }

    #[test]
    fn splats_and_placeholders_fill_the_target() {
        let (r, _) = rules("/a/*  /b/:splat\n/v/:version/x  /x/:version/\n/old/ /new/\n");
        assert_eq!(r[0].target("/a/c/d/").as_deref(), Some("/b/c/d"));
        assert_eq!(r[0].target("/a/").as_deref(), Some("/b/"));
        assert_eq!(r[0].target("/ab/"), None);
        assert_eq!(r[1].target("/v/3.4/x/").as_deref(), Some("/x/3.4/"));
        assert_eq!(r[1].target("/v/3.4/y/"), None);
        assert_eq!(r[2].target("/old").as_deref(), Some("/new/"));
    }

    #[test]
    fn bad_lines_are_errors_at_their_line() {
        let text = "/ok/ /fine/\n/one-field\n/x/ javascript:alert(1)\n/y/ /z/ 200\nrelative /x/\n/q/ \"/><script>\n/../../etc/ /x/\n";
        let (r, d) = rules(text);
        assert_eq!(r.len(), 1);
        let lines: Vec<usize> = d
            .iter()
            .map(|d| portolan_dialect::diag::line_col(text, d.span.unwrap().start).0)
            .collect();
        assert_eq!(lines, [2, 3, 4, 5, 6, 7]);
    }

    #[test]
    fn a_page_that_redirects_escapes_its_target() {
        let html = stub("/new/?a=1&b=\"2\"");
        assert!(
            html.contains("href=\"/new/?a=1&amp;b=&quot;2&quot;\""),
            "{html}"
        );
        assert!(!html.contains("<script"));
    }

    #[test]
    fn sources_a_page_holds_are_left_to_it() {
        let (r, _) = rules("/kept/ /x/\n/gone/ /y/\n/gone/* /z/\n");
        let map = by_source(&r, |k| k == "kept/");
        assert_eq!(map.len(), 1);
        assert_eq!(map.get("gone/").map(String::as_str), Some("/y/"));
    }
}
