//! Links: where each link written in content goes, and `portolan check`'s verdicts.
//!
//! Content writes site links as Kong does, root-relative (`/gateway/network/`). A link to a
//! page or file of this site gets the site's base path (`/docs/gateway/network/`); a link to
//! a page this site does not own goes to the configured `upstream_url` (Kong's own docs),
//! and is reported as such; without an upstream it is a broken link. Anchors are checked
//! against the ids the target page defines (headings, FAQs, table rows, attribute lists,
//! raw HTML).

use std::collections::{HashMap, HashSet};

use portolan_dialect::diag::did_you_mean;
use portolan_dialect::{Diagnostic, LinkOrigin, LinkRewriter, RenderedPage};

use crate::{Loaded, PageSource};

/// What the site owns, for rewriting links.
#[derive(Debug, Clone, Default)]
pub struct LinkMap {
    base: String,
    pages: HashSet<String>,
    files: HashSet<String>,
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

fn url_key(path: &str) -> String {
    let t = path.trim_matches('/');
    if t.is_empty() {
        String::new()
    } else {
        format!("{t}/")
    }
}

impl LinkMap {
    /// The map for a loaded site's pages, static files and theme assets.
    pub fn new(loaded: &Loaded) -> LinkMap {
        let mut files: HashSet<String> = loaded.statics.iter().map(|s| s.rel.clone()).collect();
        files.extend(
            loaded
                .theme
                .assets
                .iter()
                .map(|(n, _)| format!("assets/{n}")),
        );
        files.extend(
            loaded
                .theme
                .asset_names
                .keys()
                .map(|n| format!("assets/{n}")),
        );
        files.extend(["sitemap.xml", "robots.txt", "404.html"].map(String::from));
        LinkMap {
            base: loaded.config.base_url.clone(),
            pages: loaded.pages.iter().map(|p| p.url.clone()).collect(),
            files,
            upstream: loaded
                .config
                .upstream_url
                .clone()
                .map(|u| u.trim_end_matches('/').to_string()),
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
            Target::Page(key, _) => {
                let tail = url.find(['?', '#']).map_or("", |i| &url[i..]);
                format!("{}{key}{tail}", self.base)
            }
            Target::File => format!("{}{}", self.base, url.trim().trim_start_matches('/')),
            Target::Upstream(u) => u,
            _ => return None,
        };
        (rewritten != url).then_some(rewritten)
    }
}

/// What `portolan check` found.
#[derive(Debug, Default)]
pub struct CheckReport {
    /// Broken links and anchors, as errors with positions.
    pub errors: Vec<Diagnostic>,
    /// Links sent upstream: (position, as written, rewritten).
    pub upstream: Vec<(String, String, String)>,
    /// External links: (position, url, span).
    pub external: Vec<(String, String, portolan_dialect::Span)>,
}

/// What fetching an external link found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Probe {
    /// 2xx or 3xx.
    Ok(u16),
    /// 404 or 410: the page is gone.
    Gone(u16),
    /// Anything that may pass by itself: rate limits (429), server errors, timeouts, network
    /// failures. Reported, never fatal.
    Unsure(String),
}

/// Fetches each URL once (HEAD, then GET where HEAD is refused), eight at a time, each
/// within `timeout`.
pub fn probe_external(urls: &[String], timeout: std::time::Duration) -> Vec<(String, Probe)> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .user_agent("portolan-check")
        .build()
        .into();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..8.min(urls.len()) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(url) = urls.get(i) else { break };
                let status = |r: Result<ureq::http::Response<ureq::Body>, ureq::Error>| {
                    r.map(|r| r.status().as_u16())
                };
                let mut got = status(agent.head(url).call());
                if matches!(got, Ok(405 | 501)) {
                    got = status(agent.get(url).call());
                }
                let probe = match got {
                    Ok(c @ 200..=399) => Probe::Ok(c),
                    Ok(c @ (404 | 410)) => Probe::Gone(c),
                    Ok(c) => Probe::Unsure(format!("HTTP {c}")),
                    Err(e) => Probe::Unsure(e.to_string()),
                };
                if let Ok(mut r) = results.lock() {
                    r.push((url.clone(), probe));
                }
            });
        }
    });
    let mut r = results.into_inner().unwrap_or_default();
    r.sort_by(|a, b| a.0.cmp(&b.0));
    r
}

/// Checks every link of every page.
pub fn check(
    loaded: &Loaded,
    pages: &[(&PageSource, &RenderedPage)],
    map: &LinkMap,
) -> CheckReport {
    // The ids of each page that rendered: a set to look in, and the list (in page order)
    // that suggestions come from, so a suggestion does not depend on hashing.
    let anchors: HashMap<&str, (HashSet<&str>, &[String])> = pages
        .iter()
        .map(|(s, p)| {
            let set = p.anchors.iter().map(String::as_str).collect();
            (s.url.as_str(), (set, p.anchors.as_slice()))
        })
        .collect();
    let mut report = CheckReport::default();
    for (src, page) in pages {
        for link in &page.links {
            let pos = loaded.sources.position(link.span);
            // A page that did not render has reported its own errors, and its ids are not
            // known: links into it are checked for the page, not the anchor.
            let broken_anchor = |target_url: &str, frag: &str| {
                let (set, list) = anchors.get(target_url)?;
                if set.contains(frag) {
                    return None;
                }
                let shown = if target_url.is_empty() {
                    "/".to_string()
                } else {
                    format!("/{target_url}")
                };
                let mut d = Diagnostic::error(
                    link.span,
                    format!("broken anchor `#{frag}`: {shown} has no such id"),
                )
                .with_label("no heading, FAQ or table row has this id");
                if let Some(s) = did_you_mean(frag, list.iter().map(String::as_str)) {
                    d = d.with_hint(format!("did you mean `#{s}`?"));
                }
                Some(d)
            };
            match map.target(&link.url) {
                Target::SamePage(frag) if !frag.is_empty() => {
                    report.errors.extend(broken_anchor(&src.url, &frag));
                }
                Target::Page(key, Some(frag)) => report.errors.extend(broken_anchor(&key, &frag)),
                Target::Missing(key) => report.errors.push(
                    Diagnostic::error(link.span, format!("broken link `{}`: no page at /{key}", link.url))
                        .with_label("no such page")
                        .with_hint(format!("create content/{key}index.md, fix the link, or set `upstream_url` in portolan.yaml to send links to pages this site does not own there")),
                ),
                Target::Upstream(u) => report.upstream.push((pos, link.url.clone(), u)),
                Target::External if link.origin != LinkOrigin::Image || link.url.starts_with("http") => report.external.push((pos, link.url.clone(), link.span)),
                _ => {}
            }
        }
    }
    report
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
