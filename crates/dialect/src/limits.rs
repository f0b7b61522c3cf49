//! Limits on what one page may make the renderer do.
//!
//! Content is written by many hands and rendered on authors' laptops and in CI, so no input
//! may take unbounded time or memory. Each limit is far above what a real page needs and,
//! when exceeded, gives an error at the place that exceeds it (`file:line:column`), never a
//! panic, a hang or a silently truncated page. The one silent cap is
//! [`MAX_BLOCK_TEXT_BYTES`], on plain text kept for search and the calculator, not on HTML.
//!
//! With these limits, the work for a page is linear in its size: the HTML is at most a
//! small multiple of [`MAX_EXPANDED_BYTES`], and a page's structured data (blocks, tables)
//! at most a small multiple of that again.

/// Largest page or include file, in bytes (8 MiB). Kong's largest pages are well under 1 MiB.
pub const MAX_PAGE_BYTES: usize = 8 << 20;

/// Largest body after includes are spliced in (16 MiB): includes that include others many
/// times each can otherwise multiply a few bytes into gigabytes.
pub const MAX_EXPANDED_BYTES: usize = 16 << 20;

/// How deep includes may nest before the build calls it a runaway.
pub const MAX_INCLUDE_DEPTH: usize = 16;

/// How many `{% include %}` tags one page may expand, counting nested ones and each time a
/// loop expands one. Bounds the time of include trees that fan out without growing the text.
pub const MAX_INCLUDES_PER_PAGE: usize = 4096;

/// Most `for` loop iterations one page may run, all loops (and loops in includes) together.
/// Bounds nested loops over large data, whose work multiplies.
pub const MAX_LOOP_ITERATIONS: usize = 200_000;

/// Most bytes one page may render in all (its output, captures, component bodies, values
/// built by filters): a capture that doubles itself in a loop grows exponentially.
pub const MAX_RENDERED_BYTES: usize = 64 << 20;

/// How deep Liquid may render Liquid it made (`liquify`, text a component writes), and
/// components sit inside components' bodies.
pub const MAX_RENDER_DEPTH: usize = 16;

/// Largest `{% table %}` body, in bytes (4 MiB).
pub const MAX_TABLE_BYTES: usize = 4 << 20;

/// Most columns a `{% table %}` may have.
pub const MAX_TABLE_COLUMNS: usize = 64;

/// Most cells (rows × columns, all tables together) one page may have: every row gets a cell
/// for every column, so a few bytes of `- {}` rows would otherwise make megabytes of HTML.
pub const MAX_TABLE_CELLS_PER_PAGE: usize = 200_000;

/// Deepest nesting of YAML collections (lists and maps) in frontmatter and table bodies.
/// libyaml's scanner does work proportional to the flow nesting depth (`[[[[`) for every
/// token, so unbounded nesting is quadratic; real frontmatter nests 3 deep.
pub const MAX_YAML_DEPTH: usize = 32;

/// Deepest nesting of markdown containers (list items and block quotes). Each list item's
/// plain text includes its nested items, so deep nesting multiplies the text kept.
pub const MAX_BLOCK_NESTING: usize = 32;

/// Plain text kept per block for search and the calculator (64 KiB); longer text is cut at a
/// character boundary. The HTML is never cut.
pub const MAX_BLOCK_TEXT_BYTES: usize = 64 << 10;

/// Most diagnostics reported for one page; after that one more says how many were left out
/// (an error if any left out was an error, so a build never passes on a hidden error).
pub const MAX_DIAGNOSTICS_PER_PAGE: usize = 100;

/// Longest word (variable name, key, path) that gets a "did you mean" suggestion; the edit
/// distance is quadratic in the word's length.
pub const MAX_SUGGESTION_WORD: usize = 128;
