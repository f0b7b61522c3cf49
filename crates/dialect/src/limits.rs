//! Limits on what one page may make the renderer do: the Liquid engine's (re-exported from
//! `portolan_liquid::limits`, which says how they are checked) and the dialect's own, on
//! tables, YAML and markdown.
//!
//! Each limit is far above what a real page needs and, when exceeded, gives an error at the
//! place that exceeds it (`file:line:column`), never a panic, a hang or a silently truncated
//! page. The one silent cap is [`MAX_BLOCK_TEXT_BYTES`], on plain text kept for search and
//! the calculator, not on HTML.
//!
//! With these limits, the work for a page is linear in its size: the HTML is at most a
//! small multiple of [`MAX_EXPANDED_BYTES`], and a page's structured data (blocks, tables)
//! at most a small multiple of that again.

pub use portolan_liquid::limits::*;

/// Largest `{% table %}` body, in bytes (4 MiB).
pub const MAX_TABLE_BYTES: usize = 4 << 20;

/// Most columns a `{% table %}` may have.
pub const MAX_TABLE_COLUMNS: usize = 64;

/// Most cells (rows × columns, all tables together) one page may have: every row gets a cell
/// for every column, so a few bytes of `- {}` rows would otherwise make megabytes of HTML.
pub const MAX_TABLE_CELLS_PER_PAGE: usize = 200_000;

/// Deepest nesting of YAML collections (lists and maps) in frontmatter, data files, settings
/// and block bodies; real frontmatter nests 3 deep.
pub const MAX_YAML_DEPTH: usize = 32;

/// Deepest nesting of markdown containers (list items and block quotes). Each list item's
/// plain text includes its nested items, so deep nesting multiplies the text kept.
pub const MAX_BLOCK_NESTING: usize = 32;

/// Plain text kept per block for search and the calculator (64 KiB); longer text is cut at a
/// character boundary. The HTML is never cut.
pub const MAX_BLOCK_TEXT_BYTES: usize = 64 << 10;
