//! Links: where each link written in content goes (`portolan check` reports the same).
//!
//! Content writes site links as Kong does, root-relative (`/gateway/network/`). A link to a
//! page or file of this site gets the site's base path (`/docs/gateway/network/`); a link to
//! a page this site does not own goes to the configured `upstream_url` (Kong's own docs),
//! and is reported as such; without an upstream it is a broken link. Anchors are checked
//! against the ids the target page defines (headings, FAQs, table rows, attribute lists,
//! raw HTML).

use std::collections::HashSet;

use portolan_dialect::LinkRewriter;

use crate::config::Config;
use crate::content::{PageSource, StaticFile};
use crate::page_url::url_key;
use crate::publish::GENERATED_FILES;
use crate::theme::Theme;

/// What the site owns, for rewriting links.
#[derive(Debug, Clone, Default)]
pub struct LinkMap {
    base: String,
    pages: HashSet<String>,
    files: HashSet<String>,
    /// Old URLs a redirect rule moved, by URL key: where they went.
    moved: std::collections::HashMap<String, String>,
    /// The rules that move many URLs at once (`/old/*`, `/x/:version/y`).
    patterns: Vec<crate::redirects::Rule>,
    upstream: Option<String>,
}

/// Where a link written as `url` goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A page of this site (its URL key, e.g. `gateway/network/`) and maybe an anchor.
    Page(String, Option<String>),
    /// A static file or asset of this site.
    File,
    /// A fragment on the same page.
    SamePage(String),
    /// Not owned here; rewritten to this upstream URL.
    Upstream(String),
    /// Root-relative, not owned here, no upstream configured.
    Missing(String),
    /// http(s) elsewhere.
    External,
    /// mailto:, tel:, relative paths and the like: not checked.
    Other,
}

impl LinkMap {
    /// The map for a site's pages (those generated too), redirects, static files and
    /// theme assets.
    pub(crate) fn new(
        config: &Config,
        pages: &[PageSource],
        generated: &[crate::generated::GeneratedPage],
        rules: &[crate::redirects::Rule],
        statics: &[StaticFile],
        theme: &Theme,
    ) -> LinkMap {
        let mut files: HashSet<String> = statics.iter().map(|s| s.rel.clone()).collect();
        files.extend(theme.assets.iter().map(|(n, _)| format!("assets/{n}")));
        files.extend(theme.asset_names.keys().map(|n| format!("assets/{n}")));
        files.extend(GENERATED_FILES.map(String::from));
        let pages: HashSet<String> = pages
            .iter()
            .map(|p| p.url.clone())
            .chain(generated.iter().map(|g| g.key.clone()))
            .collect();
        let moved = crate::redirects::by_source(rules, |k| pages.contains(k));
        let patterns = rules.iter().filter(|r| !r.is_plain()).cloned().collect();
        LinkMap {
            patterns,
            base: config.base_url.clone(),
            pages,
            files,
            moved,
            upstream: config
                .upstream_url
                .clone()
                .map(|u| u.trim_end_matches('/').to_string()),
        }
    }

    /// Where the page at URL key `key` moved to, when a redirect rule moved it.
    pub(crate) fn moved_to(&self, key: &str) -> Option<&str> {
        self.moved.get(key).map(String::as_str)
    }

    /// `path` (site-absolute) on the upstream site, when one is configured: where the
    /// upstream version of a page is, whether or not this site has it too.
    pub fn upstream_of(&self, path: &str) -> Option<String> {
        let up = self.upstream.as_ref()?;
        let path = path.trim();
        path.starts_with('/').then(|| format!("{up}{path}"))
    }

    /// Classifies a redirect's target: a page of the site, else upstream (a redirect is
    /// followed once, never to another).
    fn target_once(&self, url: &str) -> Target {
        let (path, frag) = match url.split_once('#') {
            Some((p, f)) => (p, Some(f.to_string())),
            None => (url, None),
        };
        let key = url_key(path);
        if self.pages.contains(&key) {
            return Target::Page(key, frag.filter(|f| !f.is_empty()));
        }
        match &self.upstream {
            Some(up) => Target::Upstream(format!("{up}{url}")),
            None => Target::Missing(key),
        }
    }

    /// Classifies a link as written.
    pub fn target(&self, url: &str) -> Target {
        let url = url.trim();
        if let Some(frag) = url.strip_prefix('#') {
            return Target::SamePage(frag.to_string());
        }
        let lower = url.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("//")
        {
            return Target::External;
        }
        if !url.starts_with('/') {
            return Target::Other;
        }
        let (path, frag) = match url.split_once('#') {
            Some((p, f)) => (p, Some(f.to_string())),
            None => (url, None),
        };
        let path = path.split('?').next().unwrap_or(path);
        let key = url_key(path);
        if self.pages.contains(&key) {
            return Target::Page(key, frag.filter(|f| !f.is_empty()));
        }
        if self.files.contains(path.trim_start_matches('/')) {
            return Target::File;
        }
        // A page that moved: where it went (one step; a fragment written wins).
        let moved = self
            .moved
            .get(&key)
            .cloned()
            .or_else(|| self.patterns.iter().find_map(|r| r.target(path)));
        if let Some(to) = moved.filter(|to| to.starts_with('/')) {
            return match (self.target_once(&to), frag) {
                (Target::Page(k, f), frag) => Target::Page(k, frag.filter(|f| !f.is_empty()).or(f)),
                (other, _) => other,
            };
        }
        match &self.upstream {
            Some(up) => Target::Upstream(format!("{up}{url}")),
            None => Target::Missing(key),
        }
    }
}

impl LinkRewriter for LinkMap {
    fn rewrite(&self, url: &str) -> Option<String> {
        let rewritten = match self.target(url) {
            // A page's canonical URL, with its trailing slash: no redirect on the way.
            Target::Page(key, frag) => {
                let tail = url.find(['?', '#']).map_or("", |i| &url[i..]);
                match frag {
                    // A moved page's anchor comes from its redirect.
                    Some(f) if !tail.contains('#') => format!("{}{key}{tail}#{f}", self.base),
                    _ => format!("{}{key}{tail}", self.base),
                }
            }
            Target::File => format!("{}{}", self.base, url.trim().trim_start_matches('/')),
            Target::Upstream(u) => u,
            _ => return None,
        };
        (rewritten != url).then_some(rewritten)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(upstream: Option<&str>, base: &str) -> LinkMap {
        LinkMap {
            base: base.into(),
            pages: ["".to_string(), "gateway/network/".into()]
                .into_iter()
                .collect(),
            files: ["assets/style.css".to_string()].into_iter().collect(),
            moved: Default::default(),
            patterns: Vec::new(),
            upstream: upstream.map(String::from),
        }
    }

    #[test]
    fn classifies_and_rewrites() {
        let m = map(Some("https://developer.konghq.com"), "/docs/");
        assert_eq!(
            m.target("/gateway/network/#ports"),
            Target::Page("gateway/network/".into(), Some("ports".into()))
        );
        assert_eq!(
            m.target("/gateway/network"),
            Target::Page("gateway/network/".into(), None)
        );
        assert_eq!(
            m.rewrite("/gateway/network/#ports").as_deref(),
            Some("/docs/gateway/network/#ports")
        );
        assert_eq!(
            m.rewrite("/assets/style.css").as_deref(),
            Some("/docs/assets/style.css")
        );
        assert_eq!(
            m.rewrite("/gateway/configuration/#x").as_deref(),
            Some("https://developer.konghq.com/gateway/configuration/#x")
        );
        assert_eq!(m.rewrite("https://konghq.com"), None);
        assert_eq!(m.rewrite("#local"), None);
        let m = map(None, "/");
        assert_eq!(m.target("/nope/"), Target::Missing("nope/".into()));
        assert_eq!(m.rewrite("/gateway/network/"), None);
        assert_eq!(
            m.rewrite("/gateway/network").as_deref(),
            Some("/gateway/network/")
        );
        assert_eq!(
            m.rewrite("/gateway/network?x=1#a").as_deref(),
            Some("/gateway/network/?x=1#a")
        );
    }
}
