//! The files a build writes besides the pages: the 404 page, the theme's assets (the
//! self-hosted mermaid.js only for a site that needs it), the static files of content/,
//! the sitemap and robots.txt.

use std::sync::Arc;

use portolan_dialect::Diagnostic;

use crate::content::PageSource;
use crate::output::OutFile;
use crate::page;
use crate::publish::{robots, sitemap};
use crate::site::Site;
use crate::templates::Templates;

/// The files every build writes besides the pages: the 404 page, the theme's assets and
/// the static files of content/.
pub(crate) fn site_files(
    loaded: &Site,
    templates: &Templates,
    with_mermaid: bool,
) -> (Vec<(String, OutFile)>, Option<Diagnostic>) {
    let mut files = Vec::new();
    let mut diag = None;
    match page::render_404(loaded, templates) {
        Ok(html) if !html.is_empty() => files.push((
            "404.html".to_string(),
            OutFile::Bytes(html.into_bytes().into()),
        )),
        Ok(_) => {}
        Err(d) => diag = Some(d),
    }
    files.extend(asset_files(loaded, |rel| {
        with_mermaid || !is_mermaid_asset(rel)
    }));
    for s in &loaded.statics {
        let file = match &s.checked {
            Some(text) => OutFile::Bytes(Arc::from(text.as_bytes())),
            None => OutFile::Disk(s.disk.clone()),
        };
        files.push((s.rel.clone(), file));
    }
    (files, diag)
}

/// The theme's assets that `keep` (given the path under assets/) keeps, as output files.
pub(crate) fn asset_files<'a>(
    loaded: &'a Site,
    keep: impl Fn(&str) -> bool + 'a,
) -> impl Iterator<Item = (String, OutFile)> + 'a {
    loaded
        .theme
        .assets()
        .filter(move |(rel, _)| keep(rel))
        .map(|(rel, bytes)| (format!("assets/{rel}"), OutFile::Bytes(bytes.into())))
}

/// Whether `rel` (under assets/) is self-hosted mermaid.js or its loader, which only a site
/// with a diagram left to the browser publishes.
pub(crate) fn is_mermaid_asset(rel: &str) -> bool {
    rel.starts_with("vendor/mermaid") || rel.starts_with("diagrams.")
}

/// sitemap.xml and robots.txt for the pages that were written.
pub(crate) fn sitemap_files(loaded: &Site, pages: &[&PageSource]) -> Vec<(String, OutFile)> {
    let base = &loaded.config.base_url;
    let mut urls: Vec<String> = pages.iter().map(|p| format!("{base}{}", p.url)).collect();
    urls.extend(loaded.generated.iter().map(|g| format!("{base}{}", g.key)));
    urls.sort();
    let origin = loaded.config.url.as_deref();
    vec![
        (
            "sitemap.xml".to_string(),
            OutFile::Bytes(sitemap(origin, &urls).into_bytes().into()),
        ),
        (
            "robots.txt".to_string(),
            OutFile::Bytes(robots(origin, base).into_bytes().into()),
        ),
    ]
}

/// The redirects' files: a page at each old URL no page holds, and the rules for the host
/// (`_redirects`); where their targets go depends on the pages the site has.
pub(crate) fn redirect_files(loaded: &Site) -> Vec<(String, OutFile)> {
    let mut files: Vec<(String, OutFile)> = Vec::new();
    if loaded.redirect_rules.is_empty() {
        return files;
    }
    for r in loaded.redirect_rules.iter().filter(|r| r.is_plain()) {
        let key = crate::page_url::url_key(&r.from);
        let path = format!("{key}index.html");
        if loaded.links.moved_to(&key).is_none() || files.iter().any(|(p, _)| *p == path) {
            continue;
        }
        let to = portolan_dialect::LinkRewriter::rewrite(&loaded.links, &r.to)
            .unwrap_or_else(|| r.to.clone());
        files.push((
            path,
            OutFile::Bytes(crate::redirects::stub(&to).into_bytes().into()),
        ));
    }
    let rules = crate::redirects::rules_file(
        &loaded.redirect_rules,
        &loaded.config.base_url,
        &loaded.links,
    );
    files.push((
        "_redirects".to_string(),
        OutFile::Bytes(rules.into_bytes().into()),
    ));
    files
}
