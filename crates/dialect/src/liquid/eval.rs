//! Rendering a parsed template: values looked up in scopes (`site`, `page`, `include`,
//! loop variables, `assign`ed and `capture`d names), blocks run, includes and components
//! expanded, everything written into a [`Buf`] with its source map.
//!
//! Scopes are Liquid's: `assign` and `capture` write the page's globals (visible after an
//! include that set them, as in Jekyll); a `for` loop's variable and `forloop` live in the
//! loop's scope; an include's parameters are `include.*` inside it. Unset names are nil,
//! except an unknown `site.NAME`, which is an error with a suggestion (a typo of a site
//! variable is a real mistake) unless the site asks for Jekyll's empty string.
//!
//! Every runaway is an error at its place: loop iterations, includes expanded, rendering
//! depth and bytes rendered are bounded (see [`crate::limits`]).

use std::cell::Cell as Budget;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use portolan_htmlscan::unsafe_html;

use super::buf::Buf;
use super::expr::{Condition, Expr, ExprParser, Op, Segment};
use super::filters;
use super::parse::{parse, Arg, Body, Component, ForLoop, Include, Node, Template};
use super::source::{Place, Source};
use super::value::{Map, Value};
use super::SiteValues;
use crate::component::{
    BodyKind, ComponentBody, ComponentCall, ComponentRef, OutputKind, BODY_MARKER,
};
use crate::diag::{did_you_mean, is_full, push_limited, Diagnostic, FileId, Span};
use crate::expanded::{Gathered, TableText};
use crate::limits::{
    MAX_EXPANDED_BYTES, MAX_INCLUDES_PER_PAGE, MAX_INCLUDE_DEPTH, MAX_LOOP_ITERATIONS,
};
use crate::limits::{
    MAX_PAGE_BYTES, MAX_RENDERED_BYTES, MAX_RENDER_DEPTH, MAX_TABLE_CELLS_PER_PAGE,
};
use crate::table::{self, TableContext, TableSource};
use crate::{Components, IncludeResolver, LinkRewriter, CALCULATOR_MARKER};

/// What a page is rendered with.
pub(crate) struct Env<'a> {
    pub(crate) site: &'a SiteValues,
    /// The page's frontmatter (with `url` and `path`), as written.
    pub(crate) page_yaml: &'a serde_yaml::Mapping,
    /// `page` as Liquid sees it and as components receive it, converted on first use: most
    /// frontmatter values, and many pages, never look at `page`.
    pub(crate) page: std::cell::OnceCell<Value>,
    pub(crate) page_json: std::cell::OnceCell<serde_json::Value>,
    pub(crate) includes: &'a dyn IncludeResolver,
    pub(crate) links: &'a dyn LinkRewriter,
    pub(crate) components: &'a dyn Components,
}

impl Env<'_> {
    pub(crate) fn page(&self) -> &Value {
        self.page
            .get_or_init(|| Value::from_yaml_mapping(self.page_yaml))
    }

    pub(crate) fn page_json(&self) -> &serde_json::Value {
        self.page_json.get_or_init(|| self.page().to_json())
    }
}

/// How rendering a run of nodes ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flow {
    Normal,
    Break,
    Continue,
    /// A limit was reached or the page's diagnostics are full: stop everything.
    Halt,
}

/// A component whose body is being rendered: its children are collected for it.
struct Frame {
    this: ComponentRef,
    children: Vec<ComponentRef>,
    counts: HashMap<String, usize>,
}

/// A parsed include and whether its parse errors were reported.
struct Parsed {
    template: Arc<Template>,
    text: Arc<str>,
    reported: bool,
}

pub(crate) struct Renderer<'a, 'd> {
    env: &'a Env<'a>,
    /// The page's own text, for line numbers in messages.
    page_text: Option<(FileId, &'a str)>,
    diags: &'d mut Vec<Diagnostic>,
    globals: HashMap<String, Value>,
    scopes: Vec<Vec<(String, Value)>>,
    counters: HashMap<String, i64>,
    /// The include chain: (included file, the tag that included it).
    chain: Vec<(FileId, Span)>,
    pub(crate) gathered: Gathered,
    iterations: usize,
    includes_expanded: usize,
    rendered_bytes: usize,
    /// Set when a limit stopped rendering: nothing more is rendered.
    halted: bool,
    /// Table cells the page may still have.
    pub(crate) cells_left: Budget<usize>,
    parsed: HashMap<FileId, Parsed>,
    frames: Vec<Frame>,
    ids: HashMap<String, usize>,
    depth: usize,
    /// How many table or YAML component bodies are being rendered (see `Node::Output`).
    data_bodies: usize,
}

impl<'a, 'd> Renderer<'a, 'd> {
    pub(crate) fn new(env: &'a Env<'a>, diags: &'d mut Vec<Diagnostic>) -> Self {
        Renderer {
            env,
            page_text: None,
            diags,
            globals: HashMap::new(),
            scopes: Vec::new(),
            counters: HashMap::new(),
            chain: Vec::new(),
            gathered: Gathered::default(),
            iterations: 0,
            includes_expanded: 0,
            rendered_bytes: 0,
            halted: false,
            cells_left: Budget::new(MAX_TABLE_CELLS_PER_PAGE),
            parsed: HashMap::new(),
            frames: Vec::new(),
            ids: HashMap::new(),
            depth: 0,
            data_bodies: 0,
        }
    }

    /// Tells the renderer the page's own text (for line numbers in messages).
    pub(crate) fn set_page_text(&mut self, file: FileId, text: &'a str) {
        self.page_text = Some((file, text));
    }

    /// Reports `d`, with the include chain that led to it.
    fn error(&mut self, d: Diagnostic) {
        let d = self
            .chain
            .iter()
            .rev()
            .fold(d, |d, (_, at)| d.with_related(*at, "included here"));
        push_limited(self.diags, d);
    }

    /// True when rendering more is pointless: a limit stopped it, or the page already has
    /// an error and as many diagnostics as it reports.
    fn stopped(&self) -> bool {
        self.halted || (is_full(self.diags) && self.diags.iter().any(Diagnostic::is_error))
    }

    fn halt(&mut self, d: Diagnostic) -> Flow {
        if !self.halted {
            self.error(d);
        }
        self.halted = true;
        Flow::Halt
    }

    /// Counts `n` more bytes rendered; false (and rendering halted) past the page's limit.
    fn spend(&mut self, n: usize, at: Span) -> bool {
        self.rendered_bytes = self.rendered_bytes.saturating_add(n);
        if self.rendered_bytes > MAX_RENDERED_BYTES {
            self.halt(
                Diagnostic::error(at, format!("the page renders more than {} MiB, with its captures and loops", MAX_RENDERED_BYTES >> 20))
                    .with_label("the limit is reached here")
                    .with_hint("a capture or assign that grows itself in a loop doubles each time; build the text once"),
            );
            return false;
        }
        true
    }

    /// Renders a whole template (a page's body, a frontmatter value) into `buf`.
    pub(crate) fn render_template(&mut self, src: &Source<'_>, template: &Template, buf: &mut Buf) {
        self.report_parse_errors(src, template);
        self.nodes(src, &template.nodes, buf);
        if buf.len() > MAX_EXPANDED_BYTES && !self.halted {
            let at = src.span(0..0);
            self.halt(
                Diagnostic::error(at, format!("the page is larger than {} MiB with its includes and tables", MAX_EXPANDED_BYTES >> 20))
                    .with_label("the limit is reached here")
                    .with_hint("split the page, or include less: an include that includes others many times multiplies them"),
            );
        }
    }

    fn report_parse_errors(&mut self, src: &Source<'_>, template: &Template) {
        for e in &template.errors {
            let mut d = Diagnostic::error(src.span(e.range.clone()), e.message.clone())
                .with_label(e.label.clone());
            if let Some(h) = &e.hint {
                d = d.with_hint(h.clone());
            }
            self.error(d);
        }
    }

    fn nodes(&mut self, src: &Source<'_>, nodes: &[Node], buf: &mut Buf) -> Flow {
        for node in nodes {
            if self.stopped() {
                return Flow::Halt;
            }
            let flow = self.node(src, node, buf);
            if flow != Flow::Normal {
                return flow;
            }
            if buf.len() > MAX_EXPANDED_BYTES {
                let at = src.span(0..0);
                return self.halt(
                    Diagnostic::error(at, format!("the page is larger than {} MiB with its includes and tables", MAX_EXPANDED_BYTES >> 20))
                        .with_label("the limit is reached here")
                        .with_hint("split the page, or include less: an include that includes others many times multiplies them"),
                );
            }
        }
        Flow::Normal
    }

    fn node(&mut self, src: &Source<'_>, node: &Node, buf: &mut Buf) -> Flow {
        match node {
            Node::Text(r) => {
                if !self.spend(r.len(), src.span(r.start..r.start)) {
                    return Flow::Halt;
                }
                buf.verbatim(src, r.clone());
            }
            Node::Output { expr, range } => {
                let mut v = self.eval(src, expr);
                // In a table's or a component's YAML body, a value is rendered as Liquid too:
                // Kong renders each cell and field again (`liquify`), so data that holds
                // `{{site.x}}` reads right.
                if self.data_bodies > 0 && matches!(v, Value::Str(..)) {
                    v = self.liquify(src.span(range.clone()), &v);
                }
                self.write_value(src, range.clone(), &v, buf);
            }
            Node::If {
                branches,
                otherwise,
            } => {
                for b in branches {
                    let holds = self.condition(src, &b.condition) != b.negate;
                    if holds {
                        return self.nodes(src, &b.body, buf);
                    }
                }
                return self.nodes(src, otherwise, buf);
            }
            Node::Case {
                subject,
                whens,
                otherwise,
            } => {
                let v = self.eval(src, subject);
                for (values, body) in whens {
                    if values.iter().any(|e| self.eval(src, e).equals(&v)) {
                        return self.nodes(src, body, buf);
                    }
                }
                return self.nodes(src, otherwise, buf);
            }
            Node::For(f) => return self.for_loop(src, f, buf),
            Node::Break => return Flow::Break,
            Node::Continue => return Flow::Continue,
            Node::Assign { name, value } => {
                let v = self.eval(src, value);
                self.globals.insert(name.clone(), v);
            }
            Node::Capture { name, body } => {
                let mut sub = Buf::default();
                let flow = self.nodes(src, body, &mut sub);
                self.globals.insert(
                    name.clone(),
                    Value::Str(sub.text.into(), Some(Arc::new(sub.map))),
                );
                if flow == Flow::Halt {
                    return flow;
                }
            }
            Node::Counter { name, step } => {
                let c = self.counters.entry(name.clone()).or_insert(0);
                let shown = if *step > 0 { *c } else { *c - 1 };
                *c += step;
                buf.generated(src.span(0..0), &shown.to_string());
            }
            Node::Include(inc) => return self.include(src, inc, buf),
            Node::Table { body, range } => return self.table(src, body, range.clone(), buf),
            Node::Calculator { range } => self.calculator(src, range.clone(), buf),
            Node::Component(c) => return self.component(src, c, buf),
        }
        Flow::Normal
    }

    /// Writes a value out: text with a source map keeps it (a capture), anything else is
    /// text made at the tag.
    fn write_value(&mut self, src: &Source<'_>, range: Range<usize>, v: &Value, buf: &mut Buf) {
        let span = src.span(range);
        match v {
            Value::Str(s, Some(map)) => {
                if self.spend(s.len(), span) {
                    buf.append_mapped(s, map);
                }
            }
            other => {
                let s = other.render();
                if self.spend(s.len(), span) {
                    buf.generated(span, &s);
                }
            }
        }
    }

    // --- expressions ---------------------------------------------------------------------

    fn lookup(&self, name: &str) -> Option<&Value> {
        for scope in self.scopes.iter().rev() {
            if let Some((_, v)) = scope.iter().rev().find(|(k, _)| k == name) {
                return Some(v);
            }
        }
        self.globals.get(name)
    }

    pub(crate) fn eval(&mut self, src: &Source<'_>, expr: &Expr) -> Value {
        match expr {
            Expr::Literal(v) => v.clone(),
            Expr::Range(a, b, at) => {
                let (a, b) = (self.eval(src, a), self.eval(src, b));
                let (Some(a), Some(b)) = (a.as_number(), b.as_number()) else {
                    return Value::array(Vec::new());
                };
                let (a, b) = (a.as_f64() as i64, b.as_f64() as i64);
                if b.saturating_sub(a) >= MAX_LOOP_ITERATIONS as i64 {
                    self.error(
                        Diagnostic::error(src.span(at.clone()), format!("range ({a}..{b}) holds more than {MAX_LOOP_ITERATIONS} numbers, the most a page's loops may run"))
                            .with_label("this range")
                            .with_hint("loop over less, or use `limit:`"),
                    );
                    return Value::array(Vec::new());
                }
                Value::array((a..=b).map(Value::Int).collect())
            }
            Expr::Path {
                root,
                segments,
                range,
            } => self.path(src, root, segments, range.clone()),
            Expr::Filtered { base, filters } => {
                let mut v = self.eval(src, base);
                for f in filters {
                    let args: Vec<Value> = f.args.iter().map(|a| self.eval(src, a)).collect();
                    let keywords: Vec<(String, Value)> = f
                        .keywords
                        .iter()
                        .map(|(k, e)| (k.clone(), self.eval(src, e)))
                        .collect();
                    v = self.filter(src, &f.name, f.range.clone(), v, &args, &keywords);
                    let size = match &v {
                        Value::Str(s, _) => s.len(),
                        Value::Array(a) => a.len(),
                        _ => 0,
                    };
                    if !self.spend(size, src.span(f.range.clone())) {
                        return Value::Nil;
                    }
                }
                v
            }
        }
    }

    fn path(
        &mut self,
        src: &Source<'_>,
        root: &str,
        segments: &[Segment],
        range: Range<usize>,
    ) -> Value {
        let mut v = match root {
            "site" => Value::Map(self.env.site.value.clone()),
            "page" => self.env.page().clone(),
            _ => self.lookup(root).cloned().unwrap_or_default(),
        };
        for (n, seg) in segments.iter().enumerate() {
            let next = match seg {
                Segment::Key(k) => v.member(k),
                Segment::Index(e) => {
                    let i = self.eval(src, e);
                    v.index(&i)
                }
            };
            if n == 0 && root == "site" && matches!(next, Value::Nil) {
                if let Segment::Key(k) = seg {
                    if !self.env.site.value.contains_key(k.as_str()) {
                        self.unknown_site_variable(src, k, range.clone());
                    }
                }
            }
            v = next;
        }
        v
    }

    fn unknown_site_variable(&mut self, src: &Source<'_>, name: &str, range: Range<usize>) {
        let known = self.env.site.value.keys().map(|k| &**k);
        let suggestion = did_you_mean(name, known).map(str::to_string);
        let span = src.span(range);
        let message = format!("unknown site variable `site.{name}`");
        let d = if self.env.site.undefined_is_empty {
            Diagnostic::warning(span, format!("{message}, rendered empty"))
                .with_label("not defined in the site's variables")
        } else {
            Diagnostic::error(span, message).with_label("not defined in the site's variables")
        };
        let d = match suggestion {
            Some(s) => d.with_hint(format!("did you mean `site.{s}`?")),
            None => d.with_hint("define it under `variables:` in portolan.yaml (or `undefined_variables: empty` there renders unknown ones empty)"),
        };
        self.error(d);
    }

    fn condition(&mut self, src: &Source<'_>, c: &Condition) -> bool {
        match c {
            Condition::Truthy(e) => self.eval(src, e).truthy(),
            Condition::And(a, b) => self.condition(src, a) && self.condition(src, b),
            Condition::Or(a, b) => self.condition(src, a) || self.condition(src, b),
            Condition::Compare(a, op, b) => {
                let (a, b) = (self.eval(src, a), self.eval(src, b));
                use std::cmp::Ordering::*;
                match op {
                    Op::Eq => a.equals(&b),
                    Op::Ne => !a.equals(&b),
                    Op::Lt => a.compare(&b) == Some(Less),
                    Op::Gt => a.compare(&b) == Some(Greater),
                    Op::Le => matches!(a.compare(&b), Some(Less | Equal)),
                    Op::Ge => matches!(a.compare(&b), Some(Greater | Equal)),
                    Op::Contains => a.contains(&b),
                }
            }
        }
    }

    /// A filter that needs the page (markdown, Liquid, expressions per item), else a pure one.
    fn filter(
        &mut self,
        src: &Source<'_>,
        name: &str,
        range: Range<usize>,
        input: Value,
        args: &[Value],
        keywords: &[(String, Value)],
    ) -> Value {
        let span = src.span(range.clone());
        match name {
            "markdownify" | "markdown" => {
                let text = input.render();
                let r = if name == "markdown" {
                    crate::markdown::render_inline_in(&text, self.env.links, &self.cells_left)
                } else {
                    crate::markdown::render_fragment_in(&text, self.env.links, &self.cells_left)
                };
                r.report(&mut |_| span, "", self.diags);
                Value::str(r.html)
            }
            "liquify" => self.liquify(span, &input),
            "where_exp" | "find_exp" => {
                let var = args.first().map(Value::render).unwrap_or_default();
                let cond = args.get(1).map(Value::render).unwrap_or_default();
                let parsed = ExprParser::new(&cond, 0..cond.len()).and_then(|mut p| {
                    let c = p.condition()?;
                    p.finish()?;
                    Ok(c)
                });
                let c = match parsed {
                    Ok(c) => c,
                    Err(e) => {
                        self.error(
                            Diagnostic::error(
                                span,
                                format!("`{name}` expression `{cond}`: {}", e.message),
                            )
                            .with_label("in this filter"),
                        );
                        return Value::Nil;
                    }
                };
                // The expression's own text is its source: its errors are the filter's.
                let inner = Source {
                    file: src.file,
                    text: &cond,
                    place: Place::Generated(span),
                };
                let mut kept = Vec::new();
                for item in input.items() {
                    self.scopes.push(vec![(var.clone(), item.clone())]);
                    let holds = self.condition(&inner, &c);
                    self.scopes.pop();
                    if holds {
                        if name == "find_exp" {
                            return item;
                        }
                        kept.push(item);
                    }
                }
                if name == "find_exp" {
                    Value::Nil
                } else {
                    Value::array(kept)
                }
            }
            "date" => {
                let input = match input.as_str() {
                    Some("now" | "today") => Value::Int(self.env.site.now),
                    _ => input,
                };
                filters::apply(name, &input, args, keywords)
            }
            "relative_url" | "absolute_url" => {
                let url = input.render();
                Value::str(self.env.links.rewrite(&url).unwrap_or(url))
            }
            "indent" => match &input {
                Value::Str(s, Some(map)) => indent_mapped(s, map, args, span),
                _ => filters::apply(name, &input, args, keywords),
            },
            _ => filters::apply(name, &input, args, keywords),
        }
    }

    /// Renders text as Liquid, everything it writes placed at `span`.
    fn liquify(&mut self, span: Span, input: &Value) -> Value {
        let text = input.render();
        if !text.contains("{{") && !text.contains("{%") {
            return input.clone();
        }
        if self.depth >= MAX_RENDER_DEPTH {
            self.error(
                Diagnostic::error(
                    span,
                    format!("Liquid renders Liquid more than {MAX_RENDER_DEPTH} deep"),
                )
                .with_label("here")
                .with_hint(
                    "a value that `liquify` renders, or a component writes, renders itself again",
                ),
            );
            return Value::Nil;
        }
        let template = parse(&text, 0, self.env.components);
        let src = Source {
            file: span.file,
            text: &text,
            place: Place::Generated(span),
        };
        let mut buf = Buf::default();
        self.depth += 1;
        self.render_template(&src, &template, &mut buf);
        self.depth -= 1;
        Value::Str(buf.text.into(), Some(Arc::new(buf.map)))
    }

    /// An argument's value: an expression, a small template, or a word that is a variable
    /// when one is set (else, for a component, its own text).
    fn arg(&mut self, src: &Source<'_>, a: &Arg, word_is_text: bool) -> Value {
        match a {
            Arg::Expr(e) => self.eval(src, e),
            Arg::Template(nodes) => {
                let mut buf = Buf::default();
                self.nodes(src, nodes, &mut buf);
                Value::str(buf.text)
            }
            Arg::Word(w, e) => {
                let v = self.eval(src, e);
                if word_is_text && matches!(v, Value::Nil) {
                    Value::str(w.as_str())
                } else {
                    v
                }
            }
        }
    }

    // --- blocks --------------------------------------------------------------------------

    fn for_loop(&mut self, src: &Source<'_>, f: &ForLoop, buf: &mut Buf) -> Flow {
        let mut items = self.eval(src, &f.iter).items();
        if let Some(o) = &f.offset {
            let n = self
                .eval(src, o)
                .as_number()
                .map_or(0, |n| n.as_f64().max(0.0) as usize);
            items.drain(..n.min(items.len()));
        }
        if let Some(l) = &f.limit {
            let n = self
                .eval(src, l)
                .as_number()
                .map_or(0, |n| n.as_f64().max(0.0) as usize);
            items.truncate(n);
        }
        if f.reversed {
            items.reverse();
        }
        if items.is_empty() {
            return self.nodes(src, &f.otherwise, buf);
        }
        let len = items.len();
        for (i, item) in items.into_iter().enumerate() {
            self.iterations += 1;
            if self.iterations > MAX_LOOP_ITERATIONS {
                let at = src.span(f.range.clone());
                return self.halt(
                    Diagnostic::error(
                        at,
                        format!("loops run more than {MAX_LOOP_ITERATIONS} times on this page"),
                    )
                    .with_label("the limit is reached in this loop")
                    .with_hint("loops inside loops multiply; use `limit:` or loop over less data"),
                );
            }
            let mut forloop = Map::new();
            forloop.insert("index".into(), Value::Int(i as i64 + 1));
            forloop.insert("index0".into(), Value::Int(i as i64));
            forloop.insert("rindex".into(), Value::Int((len - i) as i64));
            forloop.insert("rindex0".into(), Value::Int((len - i - 1) as i64));
            forloop.insert("first".into(), Value::Bool(i == 0));
            forloop.insert("last".into(), Value::Bool(i + 1 == len));
            forloop.insert("length".into(), Value::Int(len as i64));
            self.scopes.push(vec![
                (f.var.clone(), item),
                ("forloop".into(), Value::Map(Arc::new(forloop))),
            ]);
            let flow = self.nodes(src, &f.body, buf);
            self.scopes.pop();
            match flow {
                Flow::Break => break,
                Flow::Halt => return Flow::Halt,
                Flow::Normal | Flow::Continue => {}
            }
        }
        Flow::Normal
    }

    fn include(&mut self, src: &Source<'_>, inc: &Include, buf: &mut Buf) -> Flow {
        let span = src.span(inc.range.clone());
        let path_span = src.span(inc.path_range.clone());
        let path = self.arg(src, &inc.path, false).render();
        let path = path.trim();
        if let Err(why) = check_include_path(path) {
            self.error(
                Diagnostic::error(path_span, format!("include path `{path}` {why}"))
                    .with_label("not allowed")
                    .with_hint("include paths are relative to the includes folder, e.g. `/sections/name.md`"),
            );
            return Flow::Normal;
        }
        if self.chain.len() >= MAX_INCLUDE_DEPTH {
            self.error(
                Diagnostic::error(
                    span,
                    format!("includes nested more than {MAX_INCLUDE_DEPTH} deep"),
                )
                .with_label("one include too many")
                .with_hint("an include probably includes itself through others"),
            );
            return Flow::Normal;
        }
        self.includes_expanded += 1;
        if self.includes_expanded > MAX_INCLUDES_PER_PAGE {
            return self.halt(
                Diagnostic::error(span, format!("more than {MAX_INCLUDES_PER_PAGE} includes in one page, counting includes inside includes and loops"))
                    .with_label("one include too many")
                    .with_hint("includes that include others several times multiply; include each section once"),
            );
        }
        let mut params = Map::new();
        for (k, v, _) in &inc.params {
            let value = self.arg(src, v, false);
            params.insert(k.as_str().into(), value);
        }
        let rel = path.trim_start_matches('/');
        let included = match self.env.includes.resolve(rel) {
            Ok(i) => i,
            Err(e) => {
                let mut d = Diagnostic::error(path_span, e.message).with_label("included here");
                if let Some(h) = e.hint {
                    d = d.with_hint(h);
                }
                self.error(d);
                return Flow::Normal;
            }
        };
        if included.text.len() > MAX_PAGE_BYTES {
            self.error(
                Diagnostic::error(
                    path_span,
                    format!(
                        "include `{path}` is {} bytes; the limit is {} MiB",
                        included.text.len(),
                        MAX_PAGE_BYTES >> 20
                    ),
                )
                .with_label("included here")
                .with_hint("split the include file"),
            );
            return Flow::Normal;
        }
        if included.file == src.file || self.chain.iter().any(|(f, _)| *f == included.file) {
            self.error(
                Diagnostic::error(
                    path_span,
                    format!("include cycle: `{path}` includes itself"),
                )
                .with_label("cycle closes here")
                .with_hint("remove one of the includes in the cycle"),
            );
            return Flow::Normal;
        }
        if !self.gathered.includes.contains(&included.file) {
            self.gathered.includes.push(included.file);
        }
        let parsed = self.parsed.entry(included.file).or_insert_with(|| {
            let start = if included.text.starts_with('\u{feff}') {
                3
            } else {
                0
            };
            Parsed {
                template: Arc::new(parse(&included.text, start, self.env.components)),
                text: included.text.clone(),
                reported: false,
            }
        });
        let (template, text, report) = (
            parsed.template.clone(),
            parsed.text.clone(),
            !parsed.reported,
        );
        parsed.reported = true;
        let inner = Source {
            file: included.file,
            text: &text,
            place: Place::File,
        };
        self.chain.push((included.file, span));
        if report {
            self.report_parse_errors(&inner, &template);
        }
        self.scopes
            .push(vec![("include".into(), Value::Map(Arc::new(params)))]);
        let flow = if rel.ends_with(".html") {
            // An HTML include is markup, indented as markup is: its own lines lose their
            // indentation, which markdown would read as code (kramdown reads HTML whole).
            let mut tmp = Buf::default();
            let flow = self.nodes(&inner, &template.nodes, &mut tmp);
            let at_line_start = buf.current_line().trim().is_empty();
            dedent_own_lines(&tmp, included.file, at_line_start, buf);
            flow
        } else {
            self.nodes(&inner, &template.nodes, buf)
        };
        self.scopes.pop();
        self.chain.pop();
        // An include on a line of its own ends its line, as a block does.
        let ends_line =
            src.text[inc.range.end..].starts_with(['\n', '\r']) || inc.range.end == src.text.len();
        if ends_line && !buf.text.is_empty() && !buf.text.ends_with('\n') && !self.halted {
            buf.generated(span, "\n");
        }
        if flow == Flow::Halt {
            Flow::Halt
        } else {
            Flow::Normal
        }
    }

    fn table(&mut self, src: &Source<'_>, body: &Body, range: Range<usize>, buf: &mut Buf) -> Flow {
        let tag = src.span(range);
        let mut rendered = Buf::default();
        self.data_bodies += 1;
        let flow = self.nodes(src, &body.nodes, &mut rendered);
        self.data_bodies -= 1;
        if flow == Flow::Halt {
            return Flow::Halt;
        }
        let line_of = |n: usize| self.body_line(&rendered, n);
        let mut diags = Vec::new();
        let ctx = TableContext {
            rewriter: self.env.links,
            cells_left: &self.cells_left,
        };
        let source = TableSource {
            text: &rendered.text,
            map: &rendered.map,
            tag,
            line_of: &line_of,
        };
        let result = table::render(&ctx, source, &mut diags);
        for d in diags {
            self.error(d);
        }
        if let Some(t) = result {
            let offset = buf.len();
            emit_block(buf, tag, &t.html, true, true);
            self.gathered.table_texts.push(TableText {
                offset,
                text: portolan_htmlscan::text(&t.html),
            });
            self.gathered.links.extend(t.links);
            self.gathered.tables.push(t.table);
        }
        Flow::Normal
    }

    /// For a YAML body rendered into `rendered`: the file line of its line `n` (from 1),
    /// for messages that name lines. Only asked when there is an error to report.
    fn body_line(&self, rendered: &Buf, n: usize) -> usize {
        let at = if n <= 1 {
            Some(0)
        } else {
            rendered
                .text
                .match_indices('\n')
                .nth(n - 2)
                .map(|(i, _)| i + 1)
        };
        let Some(span) = at.and_then(|o| rendered.map.locate(o)) else {
            return n;
        };
        let text = match self.page_text {
            Some((f, t)) if f == span.file => Some(t),
            _ => self.parsed.get(&span.file).map(|p| &*p.text),
        };
        text.map_or(n, |t| crate::diag::line_col(t, span.start).0)
    }

    fn calculator(&mut self, src: &Source<'_>, range: Range<usize>, buf: &mut Buf) {
        let span = src.span(range);
        if self.gathered.has_calculator {
            // Its elements have fixed ids: a second one would break the first.
            self.error(
                Diagnostic::error(span, "a second `{% hostname_calculator %}` on the page")
                    .with_label("the page already has its calculator")
                    .with_hint("a page holds one calculator; remove this tag or the one before it"),
            );
            return;
        }
        self.gathered.has_calculator = true;
        self.gathered.calculator_span = Some(span);
        emit_block(buf, span, CALCULATOR_MARKER, true, true);
    }

    fn component(&mut self, src: &Source<'_>, c: &Component, buf: &mut Buf) -> Flow {
        let span = src.span(c.range.clone());
        let args: Vec<serde_json::Value> = c
            .args
            .iter()
            .map(|a| self.arg(src, a, true).to_json())
            .collect();
        // A positional word that names nothing is its own text (`{% navtabs api %}`, as
        // Kong reads a tab group); a `key=value` value is a value (nil when unset).
        let params = c
            .params
            .iter()
            .map(|(k, a)| (k.clone(), self.arg(src, a, false).to_json()))
            .collect();
        let n = self.ids.entry(c.name.clone()).or_insert(0);
        *n += 1;
        let id = format!("{}-{n}", c.name);
        let index = match self.frames.last_mut() {
            Some(f) => {
                let k = f.counts.entry(c.name.clone()).or_insert(0);
                *k += 1;
                *k - 1
            }
            None => 0,
        };
        let this = ComponentRef {
            name: c.name.clone(),
            id: id.clone(),
            index,
            args,
            params,
        };
        self.gathered.reserved_ids.push(id);
        if !self.gathered.components.contains(&c.name) {
            self.gathered.components.insert(c.name.clone());
        }
        if self.depth >= MAX_RENDER_DEPTH {
            self.error(
                Diagnostic::error(
                    span,
                    format!("components nest more than {MAX_RENDER_DEPTH} deep"),
                )
                .with_label("one component too deep")
                .with_hint("a component's body holds the component again"),
            );
            return Flow::Normal;
        }
        let mut rendered = Buf::default();
        let mut children = Vec::new();
        if let Some(body) = &c.body {
            self.depth += 1;
            if c.kind == BodyKind::Markdown {
                self.frames.push(Frame {
                    this: this.clone(),
                    children: Vec::new(),
                    counts: HashMap::new(),
                });
            }
            // A markdown body is page text, not data (its values are not rendered again).
            let data = c.kind == BodyKind::Yaml;
            let outer = self.data_bodies;
            self.data_bodies = if data { outer + 1 } else { 0 };
            let flow = self.nodes(src, &body.nodes, &mut rendered);
            self.data_bodies = outer;
            if c.kind == BodyKind::Markdown {
                children = self.frames.pop().map(|f| f.children).unwrap_or_default();
            }
            self.depth -= 1;
            if flow == Flow::Halt {
                return flow;
            }
        }
        let body = match c.kind {
            BodyKind::None => ComponentBody::None,
            BodyKind::Markdown => ComponentBody::Markdown,
            BodyKind::Text => ComponentBody::Text(rendered.text.clone()),
            BodyKind::Yaml => match self.yaml_body(&c.name, span, &rendered) {
                Some(v) => ComponentBody::Data(v),
                None => return Flow::Normal,
            },
        };
        let parent = self.frames.last().map(|f| f.this.clone());
        let call = ComponentCall {
            this: &this,
            body,
            parent: parent.as_ref(),
            children: &children,
            page: self.env.page_json(),
        };
        let out = match self.env.components.render(&call) {
            Ok(o) => o,
            Err(e) => {
                let mut d =
                    Diagnostic::error(span, format!("component `{}`: {}", c.name, e.message))
                        .with_label("in this component");
                if let Some(h) = e.hint {
                    d = d.with_hint(h);
                }
                self.error(d);
                return Flow::Normal;
            }
        };
        for w in &out.warnings {
            self.error(
                Diagnostic::warning(span, format!("component `{}`: {w}", c.name))
                    .with_label("in this component"),
            );
        }
        if let Some(f) = self.frames.last_mut() {
            f.children.push(this.clone());
        }
        if out.kind == OutputKind::Html {
            if let Some(found) = unsafe_html(&out.text.replace(BODY_MARKER, ""))
                .into_iter()
                .next()
            {
                self.error(
                    crate::markdown::unsafe_html_error(span, &found.what)
                        .with_label("written by this component")
                        .with_hint(format!("a component may format, not run script: look at what its arguments and body hold, and at the theme's `components/{}` template", c.name)),
                );
                return Flow::Normal;
            }
        }
        if !self.spend(out.text.len(), span) {
            return Flow::Halt;
        }
        if c.kind == BodyKind::Markdown {
            let mut halves = out.text.split(BODY_MARKER);
            let (Some(open), Some(close), None) = (halves.next(), halves.next(), halves.next())
            else {
                self.error(
                    Diagnostic::error(
                        span,
                        format!("component `{}` does not place its body once", c.name),
                    )
                    .with_label("its body is lost")
                    .with_hint(
                        "a component with a markdown body writes `{{ body }}` once in its template",
                    ),
                );
                return Flow::Normal;
            };
            self.wrap(buf, span, open, close, out.kind, &rendered);
            return Flow::Normal;
        }
        let tag_ends_line = {
            let rest = &src.text[c.range.end..];
            let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
            line.trim().is_empty()
        };
        match out.kind {
            OutputKind::Html if tag_ends_line && buf.current_line().trim().is_empty() => {
                emit_block(buf, span, &out.text, true, true)
            }
            // Inline: the line breaks a template leaves around its markup would split the
            // line (and a YAML value) it sits in.
            OutputKind::Html => buf.checked(span, out.text.trim_matches(['\n', '\r'])),
            // A markdown block ends itself: the line after the tag may be its attribute list.
            OutputKind::Markdown => emit_block(buf, span, &out.text, false, !tag_ends_line),
        }
        Flow::Normal
    }

    /// A component's YAML body, read after Liquid; errors placed in the page through the
    /// body's source map.
    fn yaml_body(&mut self, name: &str, tag: Span, rendered: &Buf) -> Option<serde_json::Value> {
        let text = &rendered.text;
        if let Err(deep) = crate::yaml::check_depth(text) {
            let at = rendered.map.locate(deep.offset).unwrap_or(tag);
            self.error(
                Diagnostic::error(
                    at,
                    format!(
                        "`{name}` YAML nests more than {} levels deep",
                        crate::limits::MAX_YAML_DEPTH
                    ),
                )
                .with_label("one level too deep")
                .with_related(tag, "in this block"),
            );
            return None;
        }
        if text.trim().is_empty() {
            return Some(serde_json::Value::Null);
        }
        match serde_yaml::from_str::<serde_yaml::Value>(text) {
            Ok(v) => Some(Value::from_yaml(&v).to_json()),
            Err(e) => {
                let at = e.location().map_or(tag, |l| {
                    rendered
                        .map
                        .locate(l.index().min(text.len()))
                        .unwrap_or(tag)
                });
                let line_of = |n: usize| self.body_line(rendered, n);
                let message = crate::yaml::yaml_message(&e, &line_of);
                self.error(
                    Diagnostic::error(at, format!("invalid `{name}` YAML: {message}"))
                        .with_label("here")
                        .with_related(tag, "in this block")
                        .with_hint(format!(
                            "the body of `{{% {name} %}}` is YAML, after Liquid"
                        )),
                );
                None
            }
        }
    }

    /// Writes a component's two halves around its rendered markdown body, each on lines of
    /// their own with blank lines between (so the body is markdown, not part of an HTML
    /// block), indented like the tag.
    fn wrap(
        &mut self,
        buf: &mut Buf,
        span: Span,
        open: &str,
        close: &str,
        kind: OutputKind,
        body: &Buf,
    ) {
        if !buf.current_line().trim().is_empty() {
            buf.generated(span, "\n\n");
        }
        let indent = buf.current_line().to_string();
        let html = kind == OutputKind::Html;
        emit_lines(buf, span, open, &indent, html);
        buf.generated(span, "\n");
        if !body.text.starts_with('\n') {
            buf.generated(span, "\n");
        }
        buf.append(body);
        if !body.text.ends_with('\n') {
            buf.generated(span, "\n");
        }
        buf.generated(span, &format!("\n{indent}"));
        emit_lines(buf, span, close, &indent, html);
    }
}

/// Writes generated block HTML (or markdown) at the current place: on lines of its own,
/// indented like the tag so that it stays inside a list item; after a line break when the
/// tag was written mid-line (so it is not read as inline HTML). `end_line` ends the block's
/// last line (HTML: a blank line then ends its HTML block).
fn emit_block(buf: &mut Buf, span: Span, text: &str, html: bool, end_line: bool) {
    let line = buf.current_line();
    if line.trim().is_empty() {
        let indent = line.to_string();
        emit_lines(buf, span, text, &indent, html);
        if end_line {
            push(buf, span, "\n", html);
        }
    } else {
        let lines: Vec<&str> = text
            .lines()
            .filter(|l| !(html && l.trim().is_empty()))
            .collect();
        push(buf, span, &format!("\n\n{}\n", lines.join("\n")), html);
    }
}

/// `text`'s lines, the first at the current place, the others after `indent`; blank lines
/// are dropped from HTML (one would end its HTML block) and kept in markdown.
fn emit_lines(buf: &mut Buf, span: Span, text: &str, indent: &str, html: bool) {
    let mut block = String::with_capacity(text.len() + 16);
    let mut first = true;
    for line in text.lines() {
        if html && line.trim().is_empty() {
            continue;
        }
        if !first {
            block.push('\n');
            if !line.is_empty() {
                block.push_str(indent);
            }
        }
        block.push_str(line);
        first = false;
    }
    push(buf, span, &block, html);
}

fn push(buf: &mut Buf, span: Span, s: &str, checked: bool) {
    if checked {
        buf.checked(span, s);
    } else {
        buf.generated(span, s);
    }
}

/// Appends `text` to `out`, each line that starts with text copied from `file` (not with a
/// value or what an include inside it wrote), or with HTML a component or table wrote,
/// without its leading whitespace; fenced code is kept as it is. The first line is a line
/// start only when `at_line_start`.
fn dedent_own_lines(text: &Buf, file: FileId, at_line_start: bool, out: &mut Buf) {
    let s = text.text.as_str();
    let mut in_fence = false;
    let mut ls = 0;
    while ls < s.len() {
        let le = s[ls..].find('\n').map_or(s.len(), |i| ls + i + 1);
        let line = &s[ls..le];
        let body = line.trim_start_matches([' ', '\t']);
        let fence = body.starts_with("```") || body.starts_with("~~~");
        let start = ls + (line.len() - body.len());
        let dedent = !in_fence
            && !fence
            && (ls > 0 || at_line_start)
            && start < le
            && (text.map.is_verbatim_from(start, file) || text.map.is_checked_html(start));
        if fence {
            in_fence = !in_fence;
        }
        out.copy(text, if dedent { start..le } else { ls..le });
        ls = le;
    }
}

/// `indent` for a captured text: every line prefixed, the text keeping where it came from.
fn indent_mapped(s: &str, map: &crate::source_map::SourceMap, args: &[Value], span: Span) -> Value {
    let n = args
        .first()
        .and_then(Value::as_number)
        .map_or(3, |n| n.as_f64() as usize)
        .min(64);
    let pad = " ".repeat(n);
    let src = Buf {
        text: s.to_string(),
        map: map.clone(),
    };
    let mut out = Buf::default();
    let mut at = 0;
    for line in s.split_inclusive('\n') {
        if !line.trim().is_empty() {
            out.generated(span, &pad);
        }
        out.copy(&src, at..at + line.len());
        at += line.len();
    }
    Value::Str(out.text.into(), Some(Arc::new(out.map)))
}

/// Why an include path may not be used, if it may not.
pub(crate) fn check_include_path(path: &str) -> Result<(), &'static str> {
    let p = path.trim_start_matches('/');
    if p.is_empty() {
        return Err("is empty");
    }
    if path.contains('\\') || path.contains('\0') {
        return Err("contains a backslash or NUL");
    }
    if path.starts_with("//") || p.contains(':') {
        return Err("is not a relative path");
    }
    if p.split('/').any(|c| c == ".." || c == ".") {
        return Err("steps out of the includes folder");
    }
    Ok(())
}
