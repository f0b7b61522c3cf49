//! `portolan.yaml`: the site's title, base URL, labels and the `site.*` variables.

use std::collections::BTreeMap;

use portolan_dialect::{Diagnostic, FileId, Span, Variables};
use serde::Deserialize;

/// The config file's name, at the root of the site folder.
pub const CONFIG_FILE: &str = "portolan.yaml";

/// Site configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Site title (also `{{site.title}}`).
    pub title: String,
    /// A sentence about the site, for the home page.
    #[serde(default)]
    pub description: String,
    /// Path the site is served under, e.g. `/` or `/docs/`.
    #[serde(default = "default_base")]
    pub base_url: String,
    /// Variables reachable as `{{site.NAME}}`.
    #[serde(default)]
    pub variables: Variables,
    /// Display names for product, tool and works_on ids.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// Where links to pages this site does not own go (e.g. Kong's public docs).
    #[serde(default)]
    pub upstream_url: Option<String>,
    /// The public origin of the site (e.g. `https://intranet.example`), for the sitemap.
    #[serde(default)]
    pub url: Option<String>,
    /// Minify HTML (default on).
    #[serde(default = "yes")]
    pub minify: bool,
    /// The Content-Security-Policy every page declares (a `<meta>` tag); `""` for none.
    #[serde(default = "default_csp")]
    pub content_security_policy: String,
}

/// Scripts and styles only from the site's own files (no inline script), WebAssembly
/// allowed to compile (the calculator), images from the site or data: URLs.
pub const DEFAULT_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'";

fn default_csp() -> String {
    DEFAULT_CSP.to_string()
}

fn yes() -> bool {
    true
}

fn default_base() -> String {
    "/".to_string()
}

impl Default for Config {
    fn default() -> Self {
        Config { title: "Documentation".into(), description: String::new(), base_url: default_base(), variables: Variables::new(), labels: BTreeMap::new(), upstream_url: None, url: None, minify: true, content_security_policy: default_csp() }
    }
}

impl Config {
    /// Parses the config text of file `file`.
    pub fn parse(file: FileId, text: &str) -> Result<Config, Diagnostic> {
        let mut c: Config = serde_yaml::from_str(text).map_err(|e| {
            let at = e.location().map_or(0, |l| l.index().min(text.len()));
            let msg = e.to_string();
            let msg = match e.location() {
                Some(l) => msg.strip_suffix(&format!(" at line {} column {}", l.line(), l.column())).map(str::to_string).unwrap_or(msg),
                None => msg,
            };
            Diagnostic::error(Span::new(file, at, at), format!("invalid {CONFIG_FILE}: {msg}"))
                .with_label("here")
                .with_hint("keys: title, description, base_url, url, upstream_url, minify, content_security_policy, variables, labels")
        })?;
        c.base_url = normalize_base(&c.base_url);
        let title_key = serde_yaml::Value::from("title");
        if !c.variables.contains_key(&title_key) {
            c.variables.insert(title_key, c.title.clone().into());
        }
        Ok(c)
    }

    /// The display name for an id (a product, a tool): the configured label, else the id in
    /// title case.
    pub fn label(&self, id: &str) -> String {
        self.labels.get(id).cloned().unwrap_or_else(|| {
            id.split(['-', '_'])
                .map(|w| {
                    let mut c = w.chars();
                    c.next().map(|f| f.to_uppercase().chain(c).collect::<String>()).unwrap_or_default()
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
    }
}

/// `docs` → `/docs/`; `` → `/`.
pub fn normalize_base(b: &str) -> String {
    let t = b.trim().trim_matches('/');
    if t.is_empty() {
        "/".to_string()
    } else {
        format!("/{t}/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_normalized() {
        assert_eq!(normalize_base(""), "/");
        assert_eq!(normalize_base("docs"), "/docs/");
        assert_eq!(normalize_base("/docs/"), "/docs/");
    }

    #[test]
    fn unknown_keys_are_errors_with_position() {
        let e = Config::parse(0, "title: X\ntitel: Y\n").unwrap_err();
        assert!(e.message.contains("unknown field `titel`"), "{}", e.message);
        assert_eq!(e.span.unwrap().start, 9);
    }
}
