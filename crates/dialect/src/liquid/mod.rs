//! Liquid, as Kong's Jekyll site runs it: over a page's whole body before markdown (code
//! fences included; `raw` keeps literal braces), inside frontmatter values, and inside
//! block bodies before they are read as YAML.
//!
//! A tree-shaped engine of the dialect's own, not the `liquid` crate, because of what the
//! pages need and that crate cannot give: every byte rendered keeps where it was written
//! (a source map, through includes, captures, loops and component bodies), so an error
//! found later, in markdown or raw HTML, still names the real `file:line:column`; tags are
//! the theme's components, looked up by name, their bodies rendered in place; Jekyll's
//! `include` and Kong's filters (`indent`, `liquify`, `markdownify` with the dialect's own
//! markdown) are first-class; and the limits are the dialect's (errors at their place,
//! never a hang). Parse ([`parse`]: tokens → nodes with byte ranges, every syntax error
//! reported), then render ([`eval`]: scopes, values, filters, output with its map).
//!
//! Modules: `lex` (tokens), `expr` (expressions and conditions), `parse` (the tree),
//! `value` (Liquid's values), `filters` and `date`, `source` (where a template's text is),
//! `buf` (rendered text with its map), `eval` (rendering), `lines` (kramdown's line-level
//! syntax on the rendered text).

mod buf;
mod date;
mod eval;
mod expr;
mod filters;
mod lex;
mod lines;
mod parse;
mod source;
mod value;

use std::sync::Arc;

use buf::Buf;
use eval::{Env, Renderer};
pub use filters::jekyll_slugify;
pub(crate) use source::ValueMap;
use source::{Place, Source};
use value::{Map, Value};

use crate::diag::{Diagnostic, FileId};
use crate::expanded::Expanded;
use crate::{Components, IncludeResolver, LinkRewriter};

/// The `site` object pages see: portolan.yaml's `variables` (and `title`), the data
/// folder as `site.data.*` (nested by folder and file name), and `site.time`.
/// Built once per site, shared by every page.
#[derive(Debug, Clone)]
pub struct SiteValues {
    pub(crate) value: Arc<Map>,
    /// `undefined_variables: empty`: an unknown `site.NAME` is a warning and renders empty.
    pub(crate) undefined_is_empty: bool,
    /// The build's time, Unix seconds (`site.time`, `"now" | date`).
    pub(crate) now: i64,
}

impl Default for SiteValues {
    fn default() -> Self {
        SiteValues::new(&serde_yaml::Mapping::new())
    }
}

impl SiteValues {
    /// The site's variables.
    pub fn new(variables: &serde_yaml::Mapping) -> SiteValues {
        let value = match Value::from_yaml_mapping(variables) {
            Value::Map(m) => m,
            _ => Arc::new(Map::new()),
        };
        SiteValues {
            value,
            undefined_is_empty: false,
            now: 0,
        }
    }

    /// Renders an unknown `site.NAME` empty, with a warning, as Jekyll does, instead of
    /// failing on it.
    pub fn undefined_is_empty(mut self, yes: bool) -> Self {
        self.undefined_is_empty = yes;
        self
    }

    /// Sets the build's time (Unix seconds), `site.time`.
    pub fn at_time(mut self, unix_seconds: i64) -> Self {
        self.now = unix_seconds;
        Arc::make_mut(&mut self.value).insert("time".into(), Value::str(date_time(unix_seconds)));
        self
    }

    /// Adds data at `site.data.<path...>` (folders, then the file's name without its
    /// extension).
    pub fn insert_data(&mut self, path: &[String], data: &serde_yaml::Value) {
        self.insert(path, Value::from_yaml(data));
    }

    /// Reads a data file (`.yml`/`.yaml`, or JSON when `json`) and adds it at
    /// `site.data.<path...>`; a file that does not parse is an error at its position.
    pub fn insert_data_file(
        &mut self,
        path: &[String],
        file: FileId,
        text: &str,
        json: bool,
    ) -> Result<(), Diagnostic> {
        let at = |offset: usize| {
            let o = crate::diag::floor_char_boundary(text, offset);
            crate::diag::Span::new(file, o, o)
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let value = if json {
            match serde_json::from_str::<serde_json::Value>(text) {
                Ok(v) => Value::from_json(&v),
                Err(e) => {
                    let offset = text
                        .split_inclusive('\n')
                        .take(e.line().saturating_sub(1))
                        .map(str::len)
                        .sum::<usize>()
                        + e.column().saturating_sub(1);
                    return Err(
                        Diagnostic::error(at(offset), format!("invalid JSON data: {e}"))
                            .with_label("here")
                            .with_hint("data files are read as `site.data.*`; fix the JSON"),
                    );
                }
            }
        } else {
            if let Err(deep) = crate::yaml::check_depth(text) {
                return Err(Diagnostic::error(
                    at(deep.offset),
                    format!(
                        "data nests more than {} levels deep",
                        crate::limits::MAX_YAML_DEPTH
                    ),
                )
                .with_label("one level too deep"));
            }
            match serde_yaml::from_str::<serde_yaml::Value>(text) {
                Ok(v) => Value::from_yaml(&v),
                Err(e) => {
                    let offset = e.location().map_or(0, |l| l.index());
                    return Err(Diagnostic::error(
                        at(offset),
                        format!(
                            "invalid YAML data: {}",
                            crate::yaml::yaml_message(&e, &|n| n)
                        ),
                    )
                    .with_label("here")
                    .with_hint("data files are read as `site.data.*`; fix the YAML"));
                }
            }
        };
        self.insert(path, value);
        Ok(())
    }

    fn insert(&mut self, path: &[String], v: Value) {
        fn put(map: &mut Map, path: &[String], v: Value) {
            let Some((first, rest)) = path.split_first() else {
                return;
            };
            if rest.is_empty() {
                map.insert(first.as_str().into(), v);
                return;
            }
            let entry = map
                .entry(first.as_str().into())
                .or_insert_with(|| Value::Map(Arc::new(Map::new())));
            if !matches!(entry, Value::Map(_)) {
                *entry = Value::Map(Arc::new(Map::new()));
            }
            if let Value::Map(m) = entry {
                put(Arc::make_mut(m), rest, v);
            }
        }
        let mut full = vec!["data".to_string()];
        full.extend(path.iter().cloned());
        put(Arc::make_mut(&mut self.value), &full, v);
    }

    /// The value at `path` (dotted, e.g. `data.kong-conf`), as JSON; null when unset.
    pub fn get_json(&self, path: &str) -> serde_json::Value {
        let mut v = Value::Map(self.value.clone());
        for key in path.split('.').filter(|k| !k.is_empty()) {
            v = v.member(key);
        }
        v.to_json()
    }

    /// The names pages can use as `site.NAME`, for suggestions.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.value.keys().map(|k| &**k)
    }
}

/// `2024-05-28 10:00:00 +0000` for Unix seconds, as Jekyll writes `site.time`.
fn date_time(secs: i64) -> String {
    date::format(&Value::Int(secs), "%Y-%m-%d %H:%M:%S +0000").render()
}

/// What rendering a page needs besides its text.
pub(crate) struct PageEnv<'a> {
    pub(crate) site: &'a SiteValues,
    pub(crate) includes: &'a dyn IncludeResolver,
    pub(crate) links: &'a dyn LinkRewriter,
    pub(crate) components: &'a dyn Components,
    /// The page's frontmatter, as YAML, and what the site adds (`url`, `path`).
    pub(crate) page: &'a serde_yaml::Mapping,
}

fn env<'a>(p: &PageEnv<'a>) -> Env<'a> {
    Env {
        site: p.site,
        page_yaml: p.page,
        page: Default::default(),
        page_json: Default::default(),
        includes: p.includes,
        links: p.links,
        components: p.components,
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
    let env = env(p);
    let template = parse::parse(text, start, p.components);
    let src = Source {
        file,
        text,
        place: Place::File,
    };
    let mut renderer = Renderer::new(&env, diags);
    renderer.set_page_text(file, text);
    let mut buf = Buf::default();
    renderer.render_template(&src, &template, &mut buf);
    let cells_left = renderer.cells_left.get();
    let mut gathered = std::mem::take(&mut renderer.gathered);
    drop(renderer);
    let lines = lines::process(buf, diags);
    // Table texts were placed in the rendered text; kramdown's lines moved it.
    for t in &mut gathered.table_texts {
        t.offset = lines.moved(t.offset);
    }
    Expanded {
        text: lines.buf.text,
        map: lines.buf.map,
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
    let env = env(p);
    let template = parse::parse(value, 0, p.components);
    let src = Source {
        file,
        text: value,
        place: Place::Value(map),
    };
    let mut renderer = Renderer::new(&env, diags);
    renderer.set_page_text(file, page_text);
    let mut buf = Buf::default();
    renderer.render_template(&src, &template, &mut buf);
    buf.text
}
