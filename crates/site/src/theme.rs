//! The theme: Tera templates and static assets, from the site's `theme/` and `www/` folders
//! or, when a site has none, the copies built into the binary.

use std::path::Path;

use walkdir::WalkDir;

/// Files built into the binary: (path relative to the repo, e.g. `theme/templates/page.html`
/// or `www/calculator.js`, bytes).
pub type Embedded = &'static [(&'static str, &'static [u8])];

/// The name of the component (or partial) in file `file`: `navtab.html` is `navtab`.
pub(crate) fn component_name(file: &str) -> &str {
    file.rsplit_once('.').map_or(file, |(stem, _)| stem)
}

/// The folders of components no Liquid tag calls: landing pages' blocks
/// (`landing/<type>`) and index pages' groups and sections (`index/group`...).
const COMPONENT_FOLDERS: [&str; 2] = ["landing/", "index/"];

/// Templates and assets.
#[derive(Debug, Clone, Default)]
pub struct Theme {
    /// (name, source), e.g. ("page.html", "...").
    pub templates: Vec<(String, String)>,
    /// Components and their partials: (file name, source), e.g. ("navtab.html", "..."),
    /// from `components/`: the built-in ones, then the site theme's, which add to them or
    /// replace them. `NAME.html` writes HTML, `NAME.md` markdown; `_NAME.*` are partials
    /// (macros and the like) that components import.
    pub components: Vec<(String, String)>,
    /// (path under assets/, bytes), names fingerprinted with their content hash.
    pub assets: Vec<(String, Vec<u8>)>,
    /// Original asset name → fingerprinted name.
    pub asset_names: std::collections::BTreeMap<String, String>,
}

impl Theme {
    /// Loads `site/theme` and `site/www` where they exist, the embedded copies otherwise.
    /// With `minify`, its stylesheets and scripts are minified.
    pub fn load(site: &Path, embedded: Embedded, minify: bool) -> Result<Theme, String> {
        let mut theme = Theme::default();
        let theme_dir = site.join("theme");
        if theme_dir.join("templates").is_dir() {
            // The site's templates replace the built-in ones; its components add to them.
            theme.add_embedded(embedded, "theme/components/");
            theme.add_dir(&theme_dir, "")?;
        } else {
            theme.add_embedded(embedded, "theme/");
            let components = theme_dir.join("components");
            if components.is_dir() {
                theme.add_dir(&components, "components")?;
            }
        }
        let www = site.join("www");
        if www.is_dir() {
            theme.add_dir(&www, "www")?;
        } else {
            theme.add_embedded(embedded, "www/");
        }
        if theme.templates.is_empty() {
            return Err(format!(
                "no theme: {} has no theme/templates/ and this binary has no built-in theme",
                site.display()
            ));
        }
        theme.templates.sort();
        theme.components.sort();
        theme.assets.sort();
        if minify {
            theme.assets = std::mem::take(&mut theme.assets)
                .into_iter()
                .map(|(name, bytes)| {
                    let bytes = crate::asset_minify::minify_asset(&name, bytes);
                    (name, bytes)
                })
                .collect();
        }
        let (assets, names) = crate::publish::fingerprint(&theme.assets);
        theme.assets = assets;
        theme.asset_names = names;
        Ok(theme)
    }

    fn add(&mut self, rel: &str, bytes: Vec<u8>) -> Result<(), String> {
        if let Some(name) = rel.strip_prefix("components/") {
            // Landing pages' blocks and index pages' parts live in `components/landing/`
            // and `components/index/`: named `landing/card`, which no Liquid tag can call.
            let Some(stem) = name
                .strip_suffix(".html")
                .or_else(|| name.strip_suffix(".md"))
                .filter(|n| {
                    let plain = COMPONENT_FOLDERS
                        .iter()
                        .find_map(|f| n.strip_prefix(f))
                        .unwrap_or(n);
                    !plain.contains('/') && !plain.is_empty()
                })
            else {
                return Ok(());
            };
            let text = String::from_utf8(bytes)
                .map_err(|_| format!("theme component {name} is not UTF-8"))?;
            // One component per name, whichever its kind: the later (the site's) wins.
            let same = |n: &str| component_name(n) == stem;
            self.components.retain(|(n, _)| !same(n));
            self.components.push((name.to_string(), text));
        } else if let Some(name) = rel.strip_prefix("templates/") {
            let text = String::from_utf8(bytes)
                .map_err(|_| format!("theme template {name} is not UTF-8"))?;
            self.templates.push((name.to_string(), text));
        } else if let Some(name) = rel.strip_prefix("static/") {
            self.assets.push((name.to_string(), bytes));
        } else if let Some(name) = rel.strip_prefix("www/") {
            if is_bundle_file(name) {
                self.assets.push((name.to_string(), bytes));
            }
        }
        Ok(())
    }

    fn add_dir(&mut self, dir: &Path, prefix: &str) -> Result<(), String> {
        for e in WalkDir::new(dir).sort_by_file_name() {
            let e = e.map_err(|e| format!("cannot read the theme: {e}"))?;
            if !e.file_type().is_file() {
                continue;
            }
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap_or(e.path())
                .to_string_lossy()
                .replace('\\', "/");
            let rel = if prefix.is_empty() {
                rel
            } else {
                format!("{prefix}/{rel}")
            };
            let bytes = std::fs::read(e.path())
                .map_err(|err| format!("cannot read {}: {err}", e.path().display()))?;
            self.add(&rel, bytes)?;
        }
        Ok(())
    }

    fn add_embedded(&mut self, embedded: Embedded, prefix: &str) {
        for (path, bytes) in embedded {
            if path.starts_with(prefix) {
                // Paths relative to the theme (or `www/...` for the bundle).
                let rel = path.strip_prefix("theme/").unwrap_or(path);
                let _ = self.add(rel, bytes.to_vec());
            }
        }
    }

    /// A Tera instance with every template, autoescaping HTML.
    pub fn tera(&self) -> Result<tera::Tera, String> {
        let mut t = tera::Tera::default();
        t.autoescape_on(vec![".html"]);
        // Tera's default also escapes `/`, which is safe but turns every URL into `&#x2F;`
        // soup; these five characters are all that HTML text and quoted attributes need.
        t.set_escape_fn(escape_html);
        let components: Vec<(String, &str)> = self
            .components
            .iter()
            .map(|(n, s)| (format!("components/{n}"), s.as_str()))
            .collect();
        t.add_raw_templates(
            self.templates
                .iter()
                .map(|(n, s)| (n.as_str(), s.as_str()))
                .chain(components.iter().map(|(n, s)| (n.as_str(), *s))),
        )
        .map_err(|e| format!("theme: {}", error_chain(&e)))?;
        Ok(t)
    }

    /// True when the theme has a template named `name`.
    pub fn has_template(&self, name: &str) -> bool {
        self.templates.iter().any(|(n, _)| n == name)
    }

    /// Templates a page can name as its `layout`: those that extend another template (the
    /// others, such as `base` and `macros`, are building blocks).
    pub fn layouts(&self) -> impl Iterator<Item = &str> {
        self.templates
            .iter()
            .filter(|(_, src)| src.contains("{% extends"))
            .filter_map(|(n, _)| n.strip_suffix(".html"))
    }

    /// The fingerprinted name of asset `name` (e.g. `style.css`), if the theme has it.
    pub fn asset(&self, name: &str) -> Option<&str> {
        self.asset_names.get(name).map(String::as_str)
    }

    /// Static assets (path under assets/, bytes).
    pub fn assets(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.assets.iter().map(|(n, b)| (n.as_str(), b.as_slice()))
    }
}

/// Files of the calculator bundle that a site serves (not its build stamps or docs).
fn is_bundle_file(name: &str) -> bool {
    [".js", ".wasm", ".css"]
        .iter()
        .any(|ext| name.ends_with(ext))
}

fn escape_html(s: &str) -> String {
    portolan_htmlscan::escape_html(s)
}

/// Tera's error with its causes, on one line.
pub(crate) fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cur = c.source();
    }
    s
}
