//! What a host plugs into the engine: the tags and filters of its dialect, where includes
//! come from, and what `page` is. The engine knows Liquid (and Jekyll's `include` and
//! filters); everything else is asked of the host by name, so a dialect adds tags, block
//! tags and filters without the engine knowing them.
//!
//! Parsing asks a `Syntax` (`syntax.rs`) which names are tags (and whether they have a
//! body) and which are filters. Rendering calls the [`Host`]: its functions take the renderer, so a host's
//! tag or filter can report errors at their place, spend the page's budget, and render
//! Liquid it made.

use std::sync::Arc;

use super::{Flow, Renderer};
use crate::budget::Exceeded;
use crate::buf::Buf;
use crate::diag::{FileId, Span};
use crate::syntax::Syntax;
use crate::value::Value;

/// A file an include resolved to.
#[derive(Debug, Clone)]
pub struct Included {
    /// The caller's id for the file (diagnostics inside it use this id).
    pub file: FileId,
    /// Its text.
    pub text: Arc<str>,
}

/// Why an include could not be resolved; shown at the include tag.
#[derive(Debug, Clone)]
pub struct IncludeError {
    /// What went wrong, e.g. "include `x.md` not found".
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
}

/// Finds include files. The caller decides where includes live and guards against paths
/// that escape that folder; the engine has already refused `..` and absolute paths.
pub trait IncludeResolver: Sync {
    /// Resolves `path` (relative to the includes folder, no leading `/`).
    fn resolve(&self, path: &str) -> Result<Included, IncludeError>;

    /// Whether `path` names an include. A resolver whose errors carry a suggestion should
    /// answer without making one: a probe that expects misses (an implied prerequisite
    /// whose include may not exist) must not pay for hints it throws away.
    fn exists(&self, path: &str) -> bool {
        self.resolve(path).is_ok()
    }
}

/// One call of a host's tag, its arguments rendered.
#[derive(Debug, Clone)]
pub struct TagCall {
    /// The tag's name.
    pub name: String,
    /// Positional arguments; a word that names no variable is its own text, and numbers
    /// are text as written (`{% new_in 3.10 %}` is `"3.10"`).
    pub args: Vec<Value>,
    /// `key=value` arguments (nil when a value names nothing).
    pub params: Vec<(String, Value)>,
    /// Where the tag is written.
    pub span: Span,
    /// Nothing but whitespace follows the tag on its line.
    pub ends_line: bool,
}

/// One call of a host's filter.
#[derive(Debug, Clone)]
pub struct HostFilterCall {
    /// The filter's name.
    pub name: &'static str,
    /// What it is applied to.
    pub input: Value,
    /// Positional arguments.
    pub args: Vec<Value>,
    /// `key: value` arguments.
    pub keywords: Vec<(String, Value)>,
    /// Where the filter's name is written.
    pub span: Span,
}

/// The host a page renders with: its dialect's syntax, includes, `page`, tags and filters.
pub trait Host: Sized {
    /// The host's tags and filters, for parsing includes and text rendered again.
    fn syntax(&self) -> &dyn Syntax;

    /// Resolves an include path (relative to the includes folder).
    fn include(&self, path: &str) -> Result<Included, IncludeError>;

    /// `page`.
    fn page(&self) -> Value;

    /// Called before the body of the host's block tag renders (its children render inside).
    fn open_tag(_r: &mut Renderer<'_, '_, Self>, _call: &TagCall) {}

    /// Renders the host's tag `call` into `out`; `body` is the block's rendered body, or
    /// `None` for a tag without one. Called for a block whose body halted too, with the
    /// flow [`Flow::Halt`], so the host can close what [`Host::open_tag`] opened.
    fn tag(
        r: &mut Renderer<'_, '_, Self>,
        call: TagCall,
        body: Option<(Buf, Flow)>,
        out: &mut Buf,
    ) -> Flow;

    /// Applies the host's filter.
    fn filter(r: &mut Renderer<'_, '_, Self>, call: HostFilterCall) -> Result<Value, Exceeded>;

    /// Whether include `path` is rendered apart and handed to [`Host::splice_include`]
    /// (to reflow it), rather than written in place.
    fn reflows_include(&self, _path: &str) -> bool {
        false
    }

    /// Writes a reflowed include's rendered text into `out`; `at_line_start` when the
    /// include tag starts its line.
    fn splice_include(&self, _file: FileId, rendered: &Buf, _at_line_start: bool, out: &mut Buf) {
        out.append(rendered);
    }
}
