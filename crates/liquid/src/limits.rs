//! Limits on what one page may make the engine do.
//!
//! Content is written by many hands and rendered on authors' laptops and in CI, so no input
//! may take unbounded time, memory or stack. Each limit is far above what a real page needs
//! and, when exceeded, gives an error at the place that exceeds it (`file:line:column`),
//! never a panic, a hang or a silently truncated page.
//!
//! Every budget is checked *before* the allocation or the work it would allow: a filter asks
//! for the bytes its result will take (or builds it in a buffer that refuses to grow past
//! them), and walks over values are charged by their size, which every array and map keeps.
//! So the work for a page is linear in its size and in these limits.

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

/// Most `for` loop iterations one page may run, all loops (and loops in includes) together,
/// counting the items `where_exp` and `find_exp` test. Bounds nested loops over large data,
/// whose work multiplies.
pub const MAX_LOOP_ITERATIONS: usize = 200_000;

/// Most bytes one page may render or build in all (its output, captures, custom tags'
/// bodies, values built by filters, 32 bytes for each item of an array built): charged
/// before each is made, never refunded. A capture that doubles itself in a loop grows
/// exponentially; this stops it at the place it passes the limit.
pub const MAX_RENDERED_BYTES: usize = 64 << 20;

/// Most work one page may do walking values (comparing, searching, sorting, hashing,
/// converting), counted in the bytes and items walked. Arrays can share their items, so a
/// few assigns make a value whose walk is astronomically long though it takes little memory.
pub const MAX_WALK_WORK: u64 = 256 << 20;

/// How deep Liquid may render Liquid it made (`liquify`, text a custom tag writes), and
/// custom block tags sit inside each other's bodies.
pub const MAX_RENDER_DEPTH: usize = 16;

/// How deep blocks (`if`, `for`, `case`, `capture`, custom blocks) may nest in one template.
/// Parsing and rendering a block recurse; a page of 2,000 nested `if`s would overflow the
/// stack.
pub const MAX_BLOCK_DEPTH: usize = 100;

/// How deep the renderer may go in all, blocks inside includes inside custom tags' bodies
/// included: each include and body starts its own nesting.
pub const MAX_RENDER_NESTING: usize = 256;

/// How deep an expression may nest (`((1..2)..3)`, `a[b[c[0]]]`) and how many comparisons
/// one condition may join with `and`/`or`: both parse and evaluate by recursion.
pub const MAX_EXPRESSION_DEPTH: usize = 64;

/// How deep arrays and maps may nest in a value a filter builds (`push` a list into itself
/// in a loop): dropping, comparing and writing a value recurse through it. As deep as JSON
/// data files may nest (serde_json's own limit), so every data file fits.
pub const MAX_VALUE_DEPTH: u32 = 128;

/// Most diagnostics reported for one page; after that one more says how many were left out
/// (an error if any left out was an error, so a build never passes on a hidden error).
pub const MAX_DIAGNOSTICS_PER_PAGE: usize = 100;

/// Longest word (variable name, key, path) that gets a "did you mean" suggestion; the edit
/// distance is quadratic in the word's length.
pub const MAX_SUGGESTION_WORD: usize = 128;
