//! `portolan.yaml`: the site's title, base URL, labels, the `site.*` variables and its
//! structure (collections, landing pages, redirects), over a preset when it names one.

use std::collections::BTreeMap;

use portolan_dialect::{Diagnostic, FileId, Span, Variables};
use serde::Deserialize;

use crate::presets;
use crate::structure::{Collection, Structure};

/// The config file's name, at the root of the site folder.
pub(crate) const CONFIG_FILE: &str = "portolan.yaml";

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
    /// Variables reachable as `{{site.NAME}}` (read as YAML, not with serde: see `parse`).
    #[serde(default, deserialize_with = "skipped")]
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
    /// Minify the HTML and the theme's CSS and JS (default on).
    #[serde(default = "yes")]
    pub minify: bool,
    /// Write a `.gz` and a `.br` copy beside every text file, for servers that send
    /// precompressed files (nginx's `gzip_static`, `brotli_static`). Off by default.
    #[serde(default)]
    pub compress: bool,
    /// The Content-Security-Policy every page declares (a `<meta>` tag); `""` for none.
    #[serde(default = "default_csp")]
    pub content_security_policy: String,
    /// What an unknown `{{site.NAME}}` is: an error (the default: a typo is caught), or
    /// empty with a warning, as Jekyll renders it.
    #[serde(default)]
    pub undefined_variables: UndefinedVariables,
    /// The build's time as `site.time`, in Unix seconds; by default the
    /// `SOURCE_DATE_EPOCH` environment variable, else now.
    #[serde(default)]
    pub time: Option<i64>,
    /// Settings this file builds on (see `presets.rs`), e.g. `kong`; its own keys win.
    #[serde(default)]
    pub preset: Option<String>,
    /// Where display names of ids come from in the data folder: `products` makes a
    /// product id `gateway` show as `site.data.products.gateway.name`. `labels` win.
    #[serde(default)]
    pub names_from_data: Vec<String>,
    /// Folders of pages with their own URLs and frontmatter defaults.
    #[serde(default)]
    pub collections: Vec<Collection>,
    /// Where an icon written as a bare file name (`graph.svg`) is looked for, in order:
    /// folders of published files, e.g. `/assets/icons/`.
    #[serde(default)]
    pub icon_folders: Vec<String>,
    /// A folder of landing pages written as YAML.
    #[serde(default)]
    pub landing_pages: Option<String>,
    /// A redirects file (`FROM TO [CODE]` a line).
    #[serde(default)]
    pub redirects: Option<String>,
    /// A folder of index pages written as YAML (`NAME.yaml` is `/index/NAME/`).
    #[serde(default)]
    pub indices: Option<String>,
    /// A folder of OpenAPI specifications beside content/ (Kong's `api-specs/`), whose
    /// schemas components draw: `NAME/openapi.yaml`, or `NAME/VERSION/openapi.yaml`.
    #[serde(default)]
    pub api_specs: Option<String>,
    /// Frontmatter keys every page's card carries as they are written (`fields.KEY` in
    /// `pages()`), for tables over many pages: a plugin's `topologies`.
    #[serde(default)]
    pub card_fields: Vec<String>,
}

/// What an unknown `{{site.NAME}}` renders as.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UndefinedVariables {
    /// An error with a suggestion.
    #[default]
    Error,
    /// Empty, with a warning.
    Empty,
}

/// Scripts and styles only from the site's own files (no inline script), WebAssembly
/// allowed to compile (the calculator), images from the site or data: URLs.
pub(crate) const DEFAULT_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'";

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
        Config {
            title: "Documentation".into(),
            description: String::new(),
            base_url: default_base(),
            variables: Variables::default(),
            labels: BTreeMap::new(),
            upstream_url: None,
            url: None,
            minify: true,
            compress: false,
            content_security_policy: default_csp(),
            undefined_variables: UndefinedVariables::Error,
            time: None,
            preset: None,
            names_from_data: Vec::new(),
            collections: Vec::new(),
            icon_folders: Vec::new(),
            landing_pages: None,
            redirects: None,
            indices: None,
            api_specs: None,
            card_fields: Vec::new(),
        }
    }
}

impl Config {
    /// Parses the config text of file `file`, over the preset it names (or `preset`, which
    /// wins: `--preset`).
    pub fn parse_with_preset(
        file: FileId,
        text: &str,
        preset: Option<&str>,
    ) -> Result<Config, Vec<Diagnostic>> {
        let node = Self::read(file, text)?;
        // Read alone first, so an error is placed in this file.
        let own = Self::from_node(file, text, &node)?;
        let name = match preset.or(own.preset.as_deref()) {
            Some(name) => name,
            None => return Ok(own),
        };
        let Some(preset_text) = presets::text(name) else {
            let span = node
                .get("preset")
                .filter(|_| preset.is_none())
                .map_or(Span::new(file, 0, 0), |v| {
                    Span::new(file, v.span.start, v.span.end)
                });
            return Err(vec![Diagnostic::error(span, format!("no preset `{name}`"))
                .with_label("this preset")
                .with_hint(format!("presets: {}", presets::NAMES.join(", ")))]);
        };
        let base = Self::read(file, preset_text).map_err(|mut e| {
            e.iter_mut()
                .for_each(|d| d.message = format!("preset `{name}`: {}", d.message));
            e
        })?;
        let merged = presets::overlay(base, &node);
        let mut c = Self::from_node(file, text, &merged).map_err(|mut e| {
            e.iter_mut()
                .for_each(|d| d.message = format!("preset `{name}`: {}", d.message));
            e
        })?;
        c.preset = Some(name.to_string());
        Ok(c)
    }

    /// Parses the config text of file `file` (and the preset it names).
    pub fn parse(file: FileId, text: &str) -> Result<Config, Vec<Diagnostic>> {
        Self::parse_with_preset(file, text, None)
    }

    fn invalid(file: FileId, text: &str, offset: usize, message: &str) -> Diagnostic {
        let at = offset.min(text.len());
        Diagnostic::error(Span::new(file, at, at), format!("invalid {CONFIG_FILE}: {message}"))
            .with_label("here")
            .with_hint("keys: title, description, base_url, url, upstream_url, minify, compress, content_security_policy, variables, labels, names_from_data, undefined_variables, time, preset, collections, icon_folders, landing_pages, indices, redirects, api_specs, card_fields")
    }

    fn read(file: FileId, text: &str) -> Result<portolan_yaml::Node, Vec<Diagnostic>> {
        let limits = portolan_yaml::Limits {
            depth: portolan_dialect::limits::MAX_YAML_DEPTH,
            ..portolan_yaml::Limits::default()
        };
        portolan_yaml::load(text, limits)
            .map_err(|e| vec![Self::invalid(file, text, e.offset, &e.message)])
    }

    fn from_node(
        file: FileId,
        text: &str,
        node: &portolan_yaml::Node,
    ) -> Result<Config, Vec<Diagnostic>> {
        let invalid = |offset: usize, message: &str| Self::invalid(file, text, offset, message);
        let mut c: Config =
            portolan_yaml::from_node(node).map_err(|e| vec![invalid(e.offset, &e.message)])?;
        // The variables stay YAML as written (pages read them as Liquid reads YAML).
        if let Some(v) = node.get("variables") {
            c.variables = if v.is_null() {
                Variables::default()
            } else {
                v.clone()
            };
        }
        // So do the collections' frontmatter defaults.
        if let Some(portolan_yaml::Kind::Seq(items)) = node.get("collections").map(|n| &n.kind) {
            for (c, item) in c.collections.iter_mut().zip(items) {
                c.defaults = item
                    .get("defaults")
                    .filter(|d| !d.is_null())
                    .map(|d| std::sync::Arc::new(d.clone()));
            }
        }
        // These reach every page's links: checked here, since no later pass sees them.
        let mut errors = Vec::new();
        if !c.base_url.chars().all(is_path_char) {
            errors.push(bad_value(
                file,
                node,
                "base_url",
                "`base_url` must be a path such as `/` or `/docs/`",
                "letters, digits and `-._~/%` only",
            ));
        }
        for (key, value) in [("upstream_url", &c.upstream_url), ("url", &c.url)] {
            if value.as_deref().is_some_and(|v| !is_web_origin(v)) {
                errors.push(bad_value(
                    file,
                    node,
                    key,
                    &format!("`{key}` must be an http:// or https:// URL"),
                    "for example `https://docs.konghq.com`; no spaces, quotes or `<>`",
                ));
            }
        }
        if c.api_specs.as_deref().is_some_and(|f| !is_inner_folder(f)) {
            errors.push(bad_value(
                file,
                node,
                "api_specs",
                "`api_specs` must be a folder inside the site folder",
                "a relative path such as `api-specs`, without `..`",
            ));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        c.base_url = normalize_base(&c.base_url);
        if c.variables.get("title").is_none() {
            c.variables
                .set("title", portolan_yaml::Node::text(c.title.clone()));
        }
        Ok(c)
    }

    /// Where pages come from besides content/'s plain folders.
    pub(crate) fn structure(&self) -> Structure {
        Structure {
            collections: self.collections.clone(),
            landing_pages: self.landing_pages.clone(),
            redirects: self.redirects.clone(),
            indices: self.indices.clone(),
        }
    }

    /// The build's time, Unix seconds: `time`, else `SOURCE_DATE_EPOCH`, else now.
    pub fn build_time(&self) -> i64 {
        self.time
            .or_else(|| std::env::var("SOURCE_DATE_EPOCH").ok()?.trim().parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs() as i64)
            })
    }

    /// The `site` object pages see: the variables (and `title`), `site.time`; the data
    /// folder is added by the loader.
    pub fn site_values(&self) -> portolan_dialect::SiteValues {
        portolan_dialect::SiteValues::new(&self.variables)
            .undefined_is_empty(self.undefined_variables == UndefinedVariables::Empty)
            .at_time(self.build_time())
    }

    /// The URL of the page with URL key `key` (e.g. `gateway/network/`), base path included.
    pub fn page_url(&self, key: &str) -> String {
        format!("{}{key}", self.base_url)
    }

    /// The display name for an id (a product, a tool): the configured label, else the id in
    /// title case.
    pub fn label(&self, id: &str) -> String {
        self.labels.get(id).cloned().unwrap_or_else(|| {
            id.split(['-', '_'])
                .map(|w| {
                    let mut c = w.chars();
                    c.next()
                        .map(|f| f.to_uppercase().chain(c).collect::<String>())
                        .unwrap_or_default()
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
    }
}

/// True for a relative path of folders that stays inside the folder it is read from.
fn is_inner_folder(path: &str) -> bool {
    let path = std::path::Path::new(path);
    path.components().next().is_some()
        && path.components().all(|c| {
            matches!(
                c,
                std::path::Component::Normal(_) | std::path::Component::CurDir
            )
        })
}

/// A character a `base_url` path may hold as written (anything else is percent-encoded).
fn is_path_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~/%".contains(c)
}

/// True for an absolute http(s) URL that can sit in an attribute as it is.
fn is_web_origin(v: &str) -> bool {
    let lower = v.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    rest.is_some_and(|r| !r.is_empty() && !r.starts_with('/'))
        && v.chars()
            .all(|c| c.is_ascii_graphic() && !"\"'<>`\\".contains(c))
}

/// An error at the value of top-level key `key` (or at the file's start when it cannot be
/// found).
fn bad_value(
    file: FileId,
    node: &portolan_yaml::Node,
    key: &str,
    message: &str,
    hint: &str,
) -> Diagnostic {
    let span = node.get(key).map_or(Span::new(file, 0, 0), |v| {
        Span::new(file, v.span.start, v.span.end)
    });
    Diagnostic::error(span, message.to_string())
        .with_label("this value")
        .with_hint(hint.to_string())
}

/// A field read apart from serde (the variables): its value is skipped here.
fn skipped<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Variables, D::Error> {
    serde::de::IgnoredAny::deserialize(d)?;
    Ok(Variables::default())
}

/// `docs` → `/docs/`; `` → `/`.
pub(crate) fn normalize_base(b: &str) -> String {
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
    fn urls_that_reach_links_are_checked() {
        let ok = Config::parse(0, "title: X\nupstream_url: https://docs.konghq.com/\nurl: http://intranet.example\nbase_url: /docs/\n").unwrap();
        assert_eq!(ok.upstream_url.as_deref(), Some("https://docs.konghq.com/"));
        let text = "title: X\nupstream_url: javascript:alert(1)//\nurl: \"https://x\\\" onmouseover=\\\"a\"\nbase_url: '/a\"b/'\n";
        let errors = Config::parse(0, text).unwrap_err();
        let found: Vec<(&str, &str)> = errors
            .iter()
            .map(|e| {
                (
                    e.message.as_str(),
                    &text[e.span.unwrap().start..e.span.unwrap().end],
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                (
                    "`base_url` must be a path such as `/` or `/docs/`",
                    "'/a\"b/'"
                ),
                (
                    "`upstream_url` must be an http:// or https:// URL",
                    "javascript:alert(1)//"
                ),
                (
                    "`url` must be an http:// or https:// URL",
                    "\"https://x\\\" onmouseover=\\\"a\""
                ),
            ]
        );
        for bad in ["https://", "https:///x", "ftp://x", "https://a b", "//x"] {
            assert!(!is_web_origin(bad), "{bad}");
        }
    }

    #[test]
    fn undefined_variables_and_the_time_are_settings() {
        let c = Config::parse(
            0,
            "title: X\nundefined_variables: empty\ntime: 1700000000\n",
        )
        .unwrap();
        assert_eq!(c.undefined_variables, UndefinedVariables::Empty);
        assert_eq!(c.build_time(), 1_700_000_000);
        assert_eq!(
            Config::parse(0, "title: X\n").unwrap().undefined_variables,
            UndefinedVariables::Error
        );
        let e = Config::parse(0, "title: X\nundefined_variables: ignore\n").unwrap_err();
        assert!(e[0].message.contains("undefined_variables"), "{:?}", e);
    }

    #[test]
    fn unknown_keys_are_errors_with_position() {
        let e = Config::parse(0, "title: X\ntitel: Y\n")
            .unwrap_err()
            .remove(0);
        assert!(e.message.contains("unknown field `titel`"), "{}", e.message);
        assert_eq!(e.span.unwrap().start, 9);
    }
}
