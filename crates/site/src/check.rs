//! `portolan check`: every link and anchor of every page, where each goes, and (when
//! asked) whether external links still answer.
//!
//! One classifier decides both what a link becomes in the output and what check says of
//! it ([`crate::links::LinkMap::target`]), so the two cannot disagree. Anchors are checked
//! against the ids each target page defines (the page model's anchors). An include's link
//! is reported once, not once per page that includes it.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use portolan_dialect::diag::did_you_mean;
use portolan_dialect::{Diagnostic, LinkOrigin, RenderedPage, Span};

use crate::content::PageSource;
use crate::links::Target;
use crate::site::Site;

/// What check was asked to do beyond reading the pages.
#[derive(Debug, Clone, Copy)]
pub struct CheckOptions {
    /// Fetch external http(s) links.
    pub fetch_external: bool,
    /// How long to wait for each.
    pub timeout: Duration,
}

/// A link that goes to the upstream site.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct UpstreamLink {
    /// `file:line:column` where it is written.
    pub position: String,
    /// The link as written.
    pub written: String,
    /// Where it goes.
    pub target: String,
}

/// A link to another site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalLink {
    /// `file:line:column` where it is written.
    pub position: String,
    /// The URL.
    pub url: String,
    /// Where it is written.
    pub span: Span,
}

/// What check found.
#[derive(Debug, Default)]
pub struct CheckReport {
    /// Broken links and anchors (errors), external links that are gone (errors) or could
    /// not be confirmed (warnings).
    pub diagnostics: Vec<Diagnostic>,
    /// How many links or anchors are broken (each once).
    pub broken: usize,
    /// Links sent upstream, sorted, each once.
    pub upstream: Vec<UpstreamLink>,
    /// External links, sorted by position, each once per place.
    pub external: Vec<ExternalLink>,
    /// Whether external links were fetched, and how many of them are gone.
    pub fetched: Option<usize>,
}

/// Links sorted by where they go, before deduplication.
#[derive(Default)]
struct Found {
    errors: Vec<Diagnostic>,
    upstream: Vec<UpstreamLink>,
    external: Vec<ExternalLink>,
}

/// Checks the links of `pages` (the pages of `site` that rendered).
pub fn check(
    site: &Site,
    pages: &[(&PageSource, &RenderedPage)],
    opts: CheckOptions,
) -> CheckReport {
    let found = find(site, pages);
    let mut broken = found.errors;
    // An include's link is reported once, not once per page that includes it.
    broken.sort_by_key(|d| (d.span, d.message.clone()));
    broken.dedup_by(|a, b| a.span == b.span && a.message == b.message);
    let mut upstream = found.upstream;
    upstream.sort();
    upstream.dedup();
    let mut external = found.external;
    external.sort_by(|a, b| (&a.position, &a.url).cmp(&(&b.position, &b.url)));
    external.dedup_by(|a, b| a.position == b.position && a.url == b.url);
    let mut report = CheckReport {
        broken: broken.len(),
        diagnostics: Vec::new(),
        upstream,
        external,
        fetched: None,
    };
    if opts.fetch_external {
        report.fetched = Some(fetch(
            &report.external,
            opts.timeout,
            &mut report.diagnostics,
        ));
    }
    report.diagnostics.extend(broken);
    report
}

/// Fetches each external URL once; a gone page is an error at every place that links it,
/// an unconfirmed one a warning. Returns how many places link gone pages.
fn fetch(external: &[ExternalLink], timeout: Duration, diags: &mut Vec<Diagnostic>) -> usize {
    let mut urls: Vec<String> = external.iter().map(|e| e.url.clone()).collect();
    urls.sort();
    urls.dedup();
    let probes: HashMap<String, Probe> = probe_external(&urls, timeout).into_iter().collect();
    let mut gone = 0;
    for link in external {
        let url = &link.url;
        match probes.get(url) {
            Some(Probe::Gone(code)) => {
                gone += 1;
                diags.push(
                    Diagnostic::error(link.span, format!("external link `{url}` answers {code}"))
                        .with_label("gone"),
                );
            }
            Some(Probe::Unsure(why)) => diags.push(
                Diagnostic::warning(
                    link.span,
                    format!("could not confirm external link `{url}`: {why}"),
                )
                .with_label("not checked")
                .with_hint(
                    "rate limits, timeouts and server errors are not failures; try again later",
                ),
            ),
            _ => {}
        }
    }
    gone
}

pub use crate::probe::{probe_external, Probe};

/// Every link of every page, sorted into broken ones, upstream ones and external ones.
fn find(site: &Site, pages: &[(&PageSource, &RenderedPage)]) -> Found {
    // The ids of each page that rendered: a set to look in, and the list (in page order)
    // that suggestions come from, so a suggestion does not depend on hashing.
    let anchors: HashMap<&str, (HashSet<&str>, &[String])> = pages
        .iter()
        .map(|(s, p)| {
            let set = p.anchors.iter().map(String::as_str).collect();
            (s.url.as_str(), (set, p.anchors.as_slice()))
        })
        .collect();
    let mut report = Found::default();
    for (src, page) in pages {
        // Breadcrumbs to pages this site does not ship go upstream too (the build reports
        // those that go nowhere).
        for (n, crumb) in page.front.breadcrumbs.iter().enumerate() {
            let url = crumb.url();
            if let Target::Upstream(u) = site.links.target(&url) {
                let span = page
                    .front
                    .spans
                    .breadcrumbs
                    .get(n)
                    .copied()
                    .unwrap_or_else(|| page.front.spans.key_or_start(src.file, "breadcrumbs"));
                report.upstream.push(UpstreamLink {
                    position: site.sources.position(span),
                    written: url,
                    target: u,
                });
            }
        }
        for link in &page.links {
            let pos = site.sources.position(link.span);
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
            match site.links.target(&link.url) {
                Target::SamePage(frag) if !frag.is_empty() => {
                    report.errors.extend(broken_anchor(&src.url, &frag));
                }
                Target::Page(key, Some(frag)) => report.errors.extend(broken_anchor(&key, &frag)),
                Target::Missing(key) => report.errors.push(
                    Diagnostic::error(link.span, format!("broken link `{}`: no page at /{key}", link.url))
                        .with_label("no such page")
                        .with_hint(format!("create content/{key}index.md, fix the link, or set `upstream_url` in portolan.yaml to send links to pages this site does not own there")),
                ),
                Target::Upstream(u) => report.upstream.push(UpstreamLink {
                    position: pos,
                    written: link.url.clone(),
                    target: u,
                }),
                Target::External if link.origin != LinkOrigin::Image || link.url.starts_with("http") => report.external.push(ExternalLink {
                    position: pos,
                    url: link.url.clone(),
                    span: link.span,
                }),
                _ => {}
            }
        }
    }
    report
}
