//! Liquid as Jekyll runs it, for a host that adds its own tags and filters.
//!
//! The engine parses a template once ([`parse`]: tokens, then a tree of nodes with byte
//! ranges, every syntax error reported) and renders it ([`Renderer`]: scopes, values,
//! filters, includes) into a [`Buf`]: text plus a source map, so every byte rendered keeps
//! where it was written, through includes, captures, loops and the host's block bodies. An
//! error found later in that text (by a markdown pass, say) still names the real
//! `file:line:column`.
//!
//! It knows Liquid's tags and filters, Jekyll's `include` and Jekyll's filters; anything
//! else is the host's ([`Host`], [`Syntax`]): the host says which names are its tags and
//! filters, and is called to render them. The engine never touches the file system
//! (includes come through the host) and reads no clock (`now` is given).
//!
//! No input may panic it, hang it, or make it allocate without bound: [`limits`] bounds
//! every loop, nesting and budget, each checked before the work it allows, and each an
//! error at its place.
//!
//! Modules, in the order they depend on each other: `limits`, `diag` (diagnostics and
//! positions), `source_map`, `budget`; `value` and `date`; `syntax` and `lex` (delimiters,
//! tokens), `expr` (expressions), `host` (what a host plugs in), `parse` (the tree),
//! `source` (where a template's text is), `buf` (text with its map), `filters`, `render`.

pub mod diag;
pub mod limits;

mod budget;
mod buf;
mod date;
mod delimiters;
mod expr;
mod filters;
mod lex;
mod parse;
mod render;
mod source;
mod source_map;
mod syntax;
mod value;

pub use budget::{Bounded, BoundedWriter, Budget, Exceeded};
pub use buf::Buf;
pub use delimiters::{find_open, quoted, split_args};
pub use diag::{Diagnostic, FileId, Severity, Span};
pub use filters::{apply_filter, jekyll_slugify, FilterCall};
pub use parse::{parse, Template};
pub use render::host::{Host, HostFilterCall, IncludeError, IncludeResolver, Included, TagCall};
pub use render::include::check_include_path;
pub use render::{Env, Flow, Renderer};
pub use source::{Place, Source, ValueMap};
pub use source_map::{Seg, SourceMap};
pub use syntax::{BodyMode, PlainLiquid, Syntax, TagShape};
pub use value::{Dict, List, Map, Number, Shape, Value};
