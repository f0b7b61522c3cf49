//! A site: the content tree read into a model, rendered with the Tera theme, and written
//! atomically.
//!
//! [`build`] is the whole job: [`load`] reads `portolan.yaml`, `content/` (pages, includes,
//! other files) and the theme; pages render in parallel through the dialect; what pages
//! show of each other (breadcrumb titles, the nav, the home page's list) is resolved; Tera
//! renders each page; everything is written to a staging folder that replaces the output
//! only when complete. A [`Session`] does the same in memory and keeps it for incremental
//! rebuilds (`serve`, `check`, `hosts`).
//!
//! Files: `load` (reading the folder), `statics` (which other files are published),
//! `build` (the streaming build), `session` (the incremental one), `index` and `nav` (what
//! pages show of each other), `context` (the theme's contract) and `page` (a page's HTML
//! and model), `calculator` (the widget's data), `links` (where links go) and `check`
//! (link checking), `search` (the index), `publish` (sitemap, fingerprints, minify),
//! `output` (atomic writes), `progress`, `sources` (files and diagnostics), `config`,
//! `theme`.

mod asset_minify;
mod build;
mod calculator;
pub mod check;
mod components;
pub mod compress;
pub mod config;
mod context;
mod diagram_svg;
pub mod diagrams;
mod excerpt;
pub mod files;
pub mod highlight_cache;
mod index;
pub mod links;
mod load;
mod mermaid;
mod messages;
mod nav;
mod out_path;
pub mod output;
mod page;
mod progress;
pub mod publish;
mod safe_url;
pub mod search;
mod session;
pub mod sources;
mod statics;
pub mod theme;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use portolan_dialect::{Diagnostic, FileId};

pub use build::{build, write};
pub use config::Config;
pub use load::{load, Includes};
pub use messages::MessageFormat;
pub use output::OutFile;
pub use page::PageModel;
pub use session::{RebuildStats, Session};
pub use sources::Sources;
pub use theme::{Embedded, Theme};

/// Where content lives inside the site folder.
pub const CONTENT_DIR: &str = "content";
/// Where includes live inside the content folder.
pub const INCLUDES_DIR: &str = "_includes";
/// Where data files live inside the content folder (Jekyll's `_data`): `site.data.*`.
pub const DATA_DIR: &str = "_data";

/// Reports progress: (phase, done, total). Called from many threads.
pub type Progress = std::sync::Arc<dyn Fn(&'static str, usize, usize) + Send + Sync>;

/// Where a build records the time of each phase (for `--verbose`).
pub type Timings = std::sync::Arc<std::sync::Mutex<Vec<(&'static str, Duration)>>>;

/// What to build.
#[derive(Clone)]
pub struct Options {
    /// The site folder (holds portolan.yaml, content/, optionally theme/ and www/).
    pub site_dir: PathBuf,
    /// The output folder; defaults to `site_dir/public`.
    pub out_dir: Option<PathBuf>,
    /// Overrides the config's base URL.
    pub base_url: Option<String>,
    /// The theme and calculator bundle built into the binary, used when the site has none.
    pub embedded: Embedded,
    /// Overrides the config's `minify`.
    pub minify: Option<bool>,
    /// Overrides the config's `compress` (precompressed `.gz` and `.br` copies).
    pub compress: Option<bool>,
    /// Told how far a build has got.
    pub progress: Option<Progress>,
    /// Time spent in each phase of the last build, for `--verbose`.
    pub timings: Option<Timings>,
    /// Leave out the pages that have errors and write the others (`--keep-going`).
    pub keep_going: bool,
    /// How the report's and the failure's diagnostics are rendered.
    pub message_format: MessageFormat,
}

impl std::fmt::Debug for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("site_dir", &self.site_dir)
            .field("out_dir", &self.out_dir)
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl Options {
    /// Options for `site_dir` with defaults.
    pub fn new(site_dir: impl Into<PathBuf>) -> Self {
        Options {
            site_dir: site_dir.into(),
            out_dir: None,
            base_url: None,
            embedded: &[],
            minify: None,
            compress: None,
            progress: None,
            timings: None,
            keep_going: false,
            message_format: MessageFormat::Human,
        }
    }

    /// The output folder.
    pub fn out_dir(&self) -> PathBuf {
        self.out_dir
            .clone()
            .unwrap_or_else(|| self.site_dir.join("public"))
    }
}

/// A page's source.
#[derive(Debug, Clone)]
pub struct PageSource {
    /// Its file.
    pub file: FileId,
    /// Path relative to content/, `/`-separated.
    pub rel: String,
    /// Its URL path relative to the base, e.g. `konnect-platform/network/` (`` for home).
    pub url: String,
}

/// A static file copied as is.
#[derive(Debug, Clone)]
pub struct StaticFile {
    /// Output path relative to the output folder.
    pub rel: String,
    /// Where it is.
    pub disk: PathBuf,
    /// The text that was checked, for a file that is checked before it is published (SVG,
    /// XML): what is written, so an edit after the check cannot slip through.
    pub checked: Option<Arc<str>>,
}

/// A site as read from its folder, before rendering.
pub struct Site {
    /// The config.
    pub config: Config,
    /// Every source file read.
    pub sources: Sources,
    /// Pages, sorted by URL.
    pub pages: Vec<PageSource>,
    /// Static files from content/.
    pub statics: Vec<StaticFile>,
    /// The content folder (`site_dir/content`): static files are read only from inside it.
    pub content_dir: PathBuf,
    /// Include files by path relative to the includes folder.
    pub includes: Includes,
    /// The theme.
    pub theme: Theme,
    /// What the site owns, for rewriting links.
    pub links: links::LinkMap,
    /// The `site` object pages see: variables and the data folder.
    pub values: portolan_dialect::SiteValues,
}

impl Site {
    /// What every page of the site is rendered with.
    pub(crate) fn dialect_context<'a>(
        &'a self,
        templates: &'a context::Templates,
        diagrams: &'a dyn portolan_dialect::Diagrams,
        highlighter: &'a dyn portolan_dialect::Highlighter,
    ) -> portolan_dialect::Context<'a> {
        portolan_dialect::Context {
            site: &self.values,
            includes: &self.includes,
            links: &self.links,
            components: templates.components(),
            diagrams,
            highlighter,
        }
    }
}

impl PageSource {
    /// What the dialect is told of the page (`page.url`, `page.path`).
    pub(crate) fn info(&self) -> portolan_dialect::PageInfo<'_> {
        portolan_dialect::PageInfo {
            url: &self.url,
            path: &self.rel,
        }
    }
}

/// A build's outcome.
#[derive(Debug)]
pub struct Report {
    /// Pages written.
    pub pages: usize,
    /// Other files written (assets, static files, JSON).
    pub files: usize,
    /// Warnings, rendered.
    pub warnings: String,
    /// Number of warnings.
    pub warning_count: usize,
    /// Pages left out because they have errors (`--keep-going`; otherwise such a build
    /// fails).
    pub left_out: usize,
    /// Other content files left out (`--keep-going`): static files that cannot be
    /// published.
    pub files_left_out: usize,
    /// The errors (and warnings) of the pages left out, rendered.
    pub errors: String,
    /// Number of errors among them.
    pub error_count: usize,
    /// Wall time.
    pub elapsed: Duration,
    /// Where the output went.
    pub out_dir: PathBuf,
}

/// Why a build failed.
#[derive(Debug)]
pub struct Failure {
    /// Every diagnostic, rendered with file:line:column and source lines (or in the
    /// options' machine format, without the summary line).
    pub rendered: String,
    /// The diagnostics.
    pub diagnostics: Vec<Diagnostic>,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.rendered)
    }
}

/// The URL key of page `rel` with text `text`: its frontmatter's `permalink` when it has
/// one (normalised, and refused when it would leave the site), else the one its path gives
/// (see [`url_for`]).
pub fn page_url_key(rel: &str, text: &str) -> Result<String, PermalinkError> {
    match load::permalink_of(text) {
        Some((written, range)) => {
            out_path::permalink_key(&written).map_err(|bad| PermalinkError { range, bad })
        }
        None => Ok(url_for(rel)),
    }
}

/// A `permalink:` that cannot name a page, and where it is written.
#[derive(Debug, Clone)]
pub struct PermalinkError {
    range: std::ops::Range<usize>,
    bad: out_path::BadPermalink,
}

impl PermalinkError {
    /// The error at the permalink's value in `file`.
    pub fn diagnostic(&self, file: FileId) -> Diagnostic {
        Diagnostic::error(
            portolan_dialect::Span::new(file, self.range.start, self.range.end),
            self.bad.message.clone(),
        )
        .with_label("this permalink")
        .with_hint(self.bad.hint)
    }
}

/// True when the file at `rel` (relative to content/) is a page: a markdown file outside
/// `assets/`. Files under `content/assets/` are copied as they are, markdown too (Kong
/// keeps raw changelogs there that pages embed), as Jekyll copies a file without
/// frontmatter.
pub fn is_page_path(rel: &str) -> bool {
    rel.ends_with(".md") && !rel.starts_with("assets/")
}

/// `a/b.md` → `a/b/`; `a/index.md` → `a/`; `index.md` → ``.
pub fn url_for(rel: &str) -> String {
    let stem = rel.strip_suffix(".md").unwrap_or(rel);
    let stem = stem
        .strip_suffix("index")
        .map(|s| s.trim_end_matches('/'))
        .unwrap_or(stem);
    if stem.is_empty() {
        String::new()
    } else {
        format!("{stem}/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_urls() {
        assert_eq!(url_for("index.md"), "");
        assert_eq!(url_for("konnect/index.md"), "konnect/");
        assert_eq!(
            url_for("konnect-platform/network.md"),
            "konnect-platform/network/"
        );
    }
}
