//! A page source through the dialect, as its kind asks: markdown pages with
//! `render_page`, landing pages (YAML) with `render_landing`, index pages with
//! `render_index`. The streaming build and the
//! session both call these, so they render every kind alike.

use std::sync::Arc;

use portolan_dialect::{Context, Diagnostic, FrontMatter, RenderedPage};

use crate::content::{PageKind, PageSource};
use crate::site::Site;

/// The page's frontmatter alone (Liquid expanded), for what pages need to know about each
/// other before any renders.
pub(crate) fn frontmatter(
    ctx: Context<'_>,
    site: &Site,
    src: &PageSource,
) -> (Option<FrontMatter>, Vec<Diagnostic>) {
    let text = &site.sources.get(src.file).text();
    match src.kind {
        PageKind::Markdown => portolan_dialect::render_frontmatter(ctx, src.file, text, src.info()),
        PageKind::Landing => {
            portolan_dialect::render_landing_frontmatter(ctx, src.file, text, src.info())
        }
        PageKind::Index => {
            portolan_dialect::render_index_frontmatter(ctx, src.file, text, src.info())
        }
    }
}

/// The page rendered; `front` is its frontmatter when [`frontmatter`] read it already.
/// Also the text it was rendered from, for positions in the page model: the streaming
/// build holds no page's text past its render.
pub(crate) fn render(
    ctx: Context<'_>,
    site: &Site,
    src: &PageSource,
    front: Option<&FrontMatter>,
) -> (Option<RenderedPage>, Vec<Diagnostic>, Arc<str>) {
    // The streaming build let go of the text after reading the frontmatter.
    let text = match site.sources.text_once(src.file) {
        Ok(t) => t,
        Err(d) => return (None, vec![d], Arc::from("")),
    };
    let (page, diags) = match src.kind {
        PageKind::Markdown => {
            portolan_dialect::render_page_with_frontmatter(ctx, src.file, &text, src.info(), front)
        }
        PageKind::Landing => portolan_dialect::render_landing(ctx, src.file, &text, src.info()),
        PageKind::Index => portolan_dialect::render_index(ctx, src.file, &text, src.info()),
    };
    (page, diags, text)
}
