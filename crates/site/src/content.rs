//! What content/ holds for a site: its pages (each with its URL) and the other files it
//! publishes as they are.

use std::path::PathBuf;
use std::sync::Arc;

use portolan_dialect::FileId;

/// Where content lives inside the site folder.
pub const CONTENT_DIR: &str = "content";
/// Where includes live inside the content folder.
pub const INCLUDES_DIR: &str = "_includes";
/// Where data files live inside the content folder (Jekyll's `_data`): `site.data.*`.
pub const DATA_DIR: &str = "_data";

/// A page's source.
#[derive(Debug, Clone)]
pub struct PageSource {
    /// Its file.
    pub file: FileId,
    /// Path relative to content/, `/`-separated.
    pub rel: String,
    /// Its URL path relative to the base, e.g. `konnect-platform/network/` (`` for home).
    pub url: String,
    /// Markdown, or a landing page written as YAML.
    pub kind: PageKind,
    /// The collection it is an entry of (an index into the settings' collections).
    pub collection: Option<usize>,
    /// The frontmatter its collection gives it unless it says otherwise.
    pub defaults: Option<Arc<portolan_yaml::Node>>,
}

/// What a page is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    /// Markdown with frontmatter.
    Markdown,
    /// A landing page: YAML `metadata:` and `rows:` of blocks.
    Landing,
    /// An index: YAML `title`, `description` and `sections:` of pages.
    Index,
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

impl PageSource {
    /// What the dialect is told of the page (`page.url`, `page.path`).
    pub(crate) fn info(&self) -> portolan_dialect::PageInfo<'_> {
        portolan_dialect::PageInfo {
            url: &self.url,
            path: &self.rel,
            defaults: self.defaults.as_deref(),
        }
    }
}
