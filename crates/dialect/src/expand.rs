//! The Liquid pass: a page's body (and each frontmatter value) rendered by the engine with
//! the page's host, then kramdown's line-level syntax read on the result ([`crate::lines`]).
//! Liquid runs over the whole body before markdown (code fences included; `raw` keeps
//! literal braces), as Jekyll runs it.

use portolan_liquid::{parse, Buf, Place, Renderer, Source, ValueMap};

use crate::data::SiteValues;
use crate::diag::{Diagnostic, FileId};
use crate::expanded::Expanded;
use crate::host::{Components, IncludeResolver, LinkRewriter};
use crate::lines;
use crate::page_host::PageHost;

/// What rendering a page needs besides its text.
pub(crate) struct PageEnv<'a> {
    pub(crate) site: &'a SiteValues,
    pub(crate) includes: &'a dyn IncludeResolver,
    pub(crate) links: &'a dyn LinkRewriter,
    pub(crate) components: &'a dyn Components,
    /// The page's frontmatter, as YAML, and what the site adds (`url`, `path`).
    pub(crate) page: &'a portolan_yaml::Node,
}

impl<'a> PageEnv<'a> {
    fn host(&self) -> PageHost<'a> {
        PageHost::new(self.components, self.includes, self.links, self.page)
    }
}

/// Renders `text[start..]` of `file` (a page's body) and reads its line-level syntax.
pub(crate) fn expand(
    p: &PageEnv<'_>,
    file: FileId,
    text: &str,
    start: usize,
    diags: &mut Vec<Diagnostic>,
) -> Expanded {
    let src = Source {
        file,
        text,
        place: Place::File,
    };
    expand_source(p, &src, start, text, diags)
}

/// Renders `value`, markdown written as a YAML value of `file` (a landing page's text
/// block, a how-to's prerequisite), placed through `map`, as [`expand`] renders a body.
pub(crate) fn expand_value(
    p: &PageEnv<'_>,
    file: FileId,
    page_text: &str,
    map: &ValueMap,
    value: &str,
    diags: &mut Vec<Diagnostic>,
) -> Expanded {
    let src = Source {
        file,
        text: value,
        place: Place::Value(map),
    };
    expand_source(p, &src, 0, page_text, diags)
}

fn expand_source(
    p: &PageEnv<'_>,
    src: &Source<'_>,
    start: usize,
    page_text: &str,
    diags: &mut Vec<Diagnostic>,
) -> Expanded {
    let host = p.host();
    let template = parse(src.text, start, &host.syntax);
    let mut renderer = Renderer::new(host, &p.site.env, diags);
    renderer.set_page_text(src.file, page_text);
    let mut buf = Buf::default();
    renderer.render_template(src, &template, &mut buf);
    let (host, includes) = renderer.finish();
    let mut gathered = host.gathered;
    gathered.includes = includes;
    let cells_left = host.cells_left.get();
    let lines = lines::process(buf, diags);
    // Table texts were placed in the rendered text; kramdown's lines moved it.
    for t in &mut gathered.table_texts {
        t.offset = lines.moved(t.offset);
    }
    let (text, map) = lines.buf.into_parts();
    Expanded {
        text,
        map,
        ials: lines.ials,
        gathered,
        table_cells_left: cells_left,
    }
}

/// Renders a frontmatter value's Liquid, errors placed through `map` in the page's file.
pub(crate) fn render_value(
    p: &PageEnv<'_>,
    file: FileId,
    page_text: &str,
    map: &ValueMap,
    value: &str,
    diags: &mut Vec<Diagnostic>,
) -> String {
    if !value.contains("{{") && !value.contains("{%") {
        return value.to_string();
    }
    let host = p.host();
    let template = parse(value, 0, &host.syntax);
    let src = Source {
        file,
        text: value,
        place: Place::Value(map),
    };
    let mut renderer = Renderer::new(host, &p.site.env, diags);
    renderer.set_page_text(file, page_text);
    let mut buf = Buf::default();
    renderer.render_template(&src, &template, &mut buf);
    buf.into_parts().0
}
