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
//! Private modules behind this facade; the public ones are whole APIs (`check`, `messages`,
//! `files`, `output`, `search`, `diagrams`). ARCHITECTURE.md maps every module.

mod api_specs;
mod asset_minify;
mod build;
pub mod cache_dir;
mod calculator;
pub mod check;
mod components;
mod compress;
mod config;
mod content;
mod context;
mod diagram_svg;
pub mod diagrams;
mod dialect_pass;
mod directory;
mod extras;
pub mod files;
mod generated;
mod highlight_cache;
mod hub_pages;
mod includes;
mod index;
mod json;
mod landing_source;
mod links;
mod load;
mod mermaid;
pub mod messages;
mod nav;
mod out_path;
pub mod output;
mod page;
mod page_url;
mod presets;
mod probe;
mod progress;
mod publish;
mod redirects;
mod safe_url;
pub mod search;
mod session;
mod site;
mod sources;
mod statics;
mod step_sections;
mod structure;
mod template_fns;
mod templates;
mod theme;

pub use build::{build, write};
pub use config::Config;
pub use content::{PageKind, PageSource, StaticFile};
pub use content::{CONTENT_DIR, DATA_DIR, INCLUDES_DIR};
pub use directory::Directory;
pub use generated::{GeneratedKind, GeneratedPage};
pub use includes::Includes;
pub use load::load;
pub use messages::MessageFormat;
pub use output::OutFile;
pub use page::PageModel;
pub use page_url::{is_page_path, page_url_key, url_for, PermalinkError};
pub use redirects::{Redirects, Rule};
pub use session::{RebuildStats, Session};
pub use site::{Cache, Failure, Options, Progress, Report, Site, Timings, SITE_CACHE_DIR};
pub use sources::Sources;
pub use structure::{Collection, Structure};
pub use theme::{Embedded, Theme};
