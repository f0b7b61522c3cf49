//! A page source through the dialect, as its kind asks: markdown pages with
//! `render_page`, landing pages (YAML) with `render_landing`, index pages with
//! `render_index`. The streaming build and the
//! session both call these, so they render every kind alike.

use std::sync::Arc;

use portolan_dialect::{Context, Diagnostic, FrontMatter, RenderedPage};

use crate::content::{PageKind, PageSource};
use crate::site::Site;

/// The page's frontmatter alone (Liquid expanded), for what pages need to know about each
/// other before any renders. A text the streaming build released is read again for this
/// once, not kept.
pub(crate) fn frontmatter(
    ctx: Context<'_>,
    site: &Site,
    src: &PageSource,
) -> (Option<FrontMatter>, Vec<Diagnostic>) {
    let text = match site.sources.text_once(src.file) {
        Ok(t) => t,
        Err(d) => return (None, vec![d]),
    };
    let text = &*text;
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

/// What a render has of the page's frontmatter.
#[derive(Clone, Copy)]
pub(crate) enum Front<'a> {
    /// [`frontmatter`] read it, and here it is.
    Held(&'a FrontMatter),
    /// [`frontmatter`] read it (its warnings are reported), and it was not kept.
    ReadBefore,
    /// Not read, or it did not read: the render reads it and reports its problems.
    Unread,
}

impl<'a> From<Option<&'a FrontMatter>> for Front<'a> {
    fn from(front: Option<&'a FrontMatter>) -> Self {
        front.map_or(Front::Unread, Front::Held)
    }
}

/// The page rendered, with `front`, what is known of its frontmatter. Also the text it
/// was rendered from, for positions in the page model: the streaming build holds no
/// page's text past its render.
pub(crate) fn render(
    ctx: Context<'_>,
    site: &Site,
    src: &PageSource,
    front: Front<'_>,
) -> (Option<RenderedPage>, Vec<Diagnostic>, Arc<str>) {
    // The streaming build let go of the text after reading the frontmatter.
    let text = match site.sources.text_once(src.file) {
        Ok(t) => t,
        Err(d) => return (None, vec![d], Arc::from("")),
    };
    let (page, diags) = match src.kind {
        PageKind::Markdown => match front {
            Front::Held(f) => portolan_dialect::render_page_with_frontmatter(
                ctx,
                src.file,
                &text,
                src.info(),
                Some(f),
            ),
            Front::ReadBefore => {
                portolan_dialect::render_page_again(ctx, src.file, &text, src.info())
            }
            Front::Unread => portolan_dialect::render_page(ctx, src.file, &text, src.info()),
        },
        PageKind::Landing => portolan_dialect::render_landing(ctx, src.file, &text, src.info()),
        PageKind::Index => portolan_dialect::render_index(ctx, src.file, &text, src.info()),
    };
    (page, diags, text)
}
