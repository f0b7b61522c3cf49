//! The site as loaded and what building it takes and gives: the folder layout, the build's
//! options, a page's source, the loaded site (config, files, pages, theme, links, the
//! `site` object), and a build's report or failure. Types, and the little they compute.

use std::path::PathBuf;
use std::time::Duration;

use portolan_dialect::{Diagnostic, FileId};

use crate::config::Config;
use crate::content::{PageSource, StaticFile};
use crate::directory::Directory;
use crate::generated::GeneratedPage;
use crate::includes::Includes;
use crate::links::LinkMap;
use crate::messages::MessageFormat;
use crate::sources::Sources;
use crate::structure::Structure;
use crate::theme::{Embedded, Theme};

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
    /// Settings the site's `portolan.yaml` builds on, whatever it names (`--preset`).
    pub preset: Option<String>,
    /// Where the build keeps what it can reuse next time (highlighted code, drawings).
    pub cache: Cache,
}

/// Where caches are kept.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Cache {
    /// In the site folder, `.portolan/cache/` (the default).
    #[default]
    InSite,
    /// In this folder (`--cache-dir`): a site folder that must not change, or cannot.
    At(PathBuf),
    /// Nowhere (`--no-cache`): every build starts cold.
    Off,
}

/// The cache folder inside a site folder.
pub const SITE_CACHE_DIR: &str = ".portolan/cache";

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
            preset: None,
            cache: Cache::InSite,
        }
    }

    /// The folder caches go in, if any.
    pub fn cache_dir(&self) -> Option<PathBuf> {
        match &self.cache {
            Cache::InSite => Some(self.site_dir.join(SITE_CACHE_DIR)),
            Cache::At(dir) => Some(dir.clone()),
            Cache::Off => None,
        }
    }

    /// The output folder.
    pub fn out_dir(&self) -> PathBuf {
        self.out_dir
            .clone()
            .unwrap_or_else(|| self.site_dir.join("public"))
    }
}

/// A site as read from its folder, before rendering.
pub struct Site {
    /// The config.
    pub config: Config,
    /// Where pages come from: collections, landing pages, the redirects file.
    pub structure: Structure,
    /// The redirects file, when the settings name one and it exists.
    pub redirects: Option<FileId>,
    /// Its rules.
    pub redirect_rules: Vec<crate::redirects::Rule>,
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
    pub links: LinkMap,
    /// The `site` object pages see: variables and the data folder.
    pub values: portolan_dialect::SiteValues,
    /// Every page's card, once the frontmatter pass has read them (lists, hubs, blocks).
    pub directory: Directory,
    /// Pages no file holds: hubs, the home page, folder pages.
    pub generated: Vec<GeneratedPage>,
    /// The OpenAPI specifications `api_specs` names, read when a component asks.
    pub(crate) api_specs: crate::api_specs::ApiSpecs,
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
