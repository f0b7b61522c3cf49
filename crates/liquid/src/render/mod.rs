//! Rendering a parsed template: values looked up in scopes (`site`, `page`, `include`,
//! loop variables, `assign`ed and `capture`d names), blocks run, includes and the host's
//! tags expanded, everything written into a [`Buf`] with its source map.
//!
//! Scopes are Liquid's: `assign` and `capture` write the page's globals (visible after an
//! include that set them, as in Jekyll); a `for` loop's variable and `forloop` live in the
//! loop's scope; an include's parameters are `include.*` inside it. Unset names are nil,
//! except an unknown `site.NAME`, which is an error with a suggestion (a typo of a site
//! variable is a real mistake) unless the site asks for Jekyll's empty string.
//!
//! Every runaway is an error at its place: loop iterations, includes expanded, nesting,
//! rendering depth, bytes built and values walked are bounded (see [`crate::limits`]), each
//! checked before the work it allows. `include.rs` expands includes, `tag.rs` calls the
//! host's tags.

pub(crate) mod host;
pub(crate) mod include;
mod tag;

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use crate::budget::{Budget, Exceeded};
use crate::buf::Buf;
use crate::diag::{did_you_mean, is_full, push_limited, Diagnostic, FileId, Span};
use crate::expr::{Condition, Expr, ExprParser, Op, Segment};
use crate::filters::{self, Filter, FilterCall};
use crate::limits::{
    MAX_EXPANDED_BYTES, MAX_LOOP_ITERATIONS, MAX_RENDERED_BYTES, MAX_RENDER_DEPTH,
    MAX_RENDER_NESTING, MAX_VALUE_DEPTH, MAX_WALK_WORK,
};
use crate::parse::{parse, Arg, ForLoop, Node, Template};
use crate::source::{Place, Source};
use crate::value::{Map, Value};
use host::{Host, HostFilterCall};

/// What every page of a site renders with: the `site` object and how it behaves.
#[derive(Debug, Clone)]
pub struct Env {
    /// `site`: the site's variables and data.
    pub site: Value,
    /// An unknown `site.NAME` renders empty with a warning, as Jekyll does, instead of
    /// being an error.
    pub undefined_site_is_empty: bool,
    /// The build's time, Unix seconds (`"now" | date`).
    pub now: i64,
}

/// How rendering a run of nodes ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// On to the next node.
    Normal,
    /// `{% break %}`.
    Break,
    /// `{% continue %}`.
    Continue,
    /// A limit was reached or the page's diagnostics are full: stop everything.
    Halt,
}

/// A parsed include and whether its parse errors were reported.
struct Parsed {
    template: Arc<Template>,
    text: Arc<str>,
    reported: bool,
}

/// Renders one page's templates (its body, its frontmatter values) with a host.
pub struct Renderer<'a, 'd, H: Host> {
    /// The host: the dialect's state for this page.
    pub host: H,
    env: &'a Env,
    /// The page's own text, for line numbers in messages.
    page_text: Option<(FileId, &'a str)>,
    diags: &'d mut Vec<Diagnostic>,
    globals: HashMap<String, Value>,
    scopes: Vec<Vec<(String, Value)>>,
    counters: HashMap<String, i64>,
    /// The include chain: (included file, the tag that included it).
    chain: Vec<(FileId, Span)>,
    /// Every file included, directly or not, in the order first met.
    included: Vec<FileId>,
    iterations: usize,
    includes_expanded: usize,
    budget: Budget,
    /// Set when a limit stopped rendering: nothing more is rendered.
    halted: bool,
    parsed: HashMap<FileId, Parsed>,
    /// How deep Liquid renders Liquid it made (`liquify`) and host blocks nest.
    depth: usize,
    /// How deep the renderer is in all: blocks, includes, bodies.
    nesting: usize,
    /// How many data bodies (see [`crate::BodyMode::Data`]) are being rendered.
    data_bodies: usize,
}

impl<'a, 'd, H: Host> Renderer<'a, 'd, H> {
    /// A renderer for one page, reporting into `diags`.
    pub fn new(host: H, env: &'a Env, diags: &'d mut Vec<Diagnostic>) -> Self {
        Renderer {
            host,
            env,
            page_text: None,
            diags,
            globals: HashMap::new(),
            scopes: Vec::new(),
            counters: HashMap::new(),
            chain: Vec::new(),
            included: Vec::new(),
            iterations: 0,
            includes_expanded: 0,
            budget: Budget::default(),
            halted: false,
            parsed: HashMap::new(),
            depth: 0,
            nesting: 0,
            data_bodies: 0,
        }
    }

    /// Tells the renderer the page's own text (for line numbers in messages).
    pub fn set_page_text(&mut self, file: FileId, text: &'a str) {
        self.page_text = Some((file, text));
    }

    /// The host, and every file included (in the order first met).
    pub fn finish(self) -> (H, Vec<FileId>) {
        (self.host, self.included)
    }

    /// The text of `file` when it is the page's or an include's (for line numbers).
    pub fn file_text(&self, file: FileId) -> Option<&str> {
        match self.page_text {
            Some((f, t)) if f == file => Some(t),
            _ => self.parsed.get(&file).map(|p| &*p.text),
        }
    }

    /// The page's budgets.
    pub fn budget(&mut self) -> &mut Budget {
        &mut self.budget
    }

    /// Reports `d`, with the include chain that led to it.
    pub fn error(&mut self, d: Diagnostic) {
        let d = self
            .chain
            .iter()
            .rev()
            .fold(d, |d, (_, at)| d.with_related(*at, "included here"));
        push_limited(self.diags, d);
    }

    /// True when rendering more is pointless: a limit stopped it, or the page already has
    /// an error and as many diagnostics as it reports.
    pub fn stopped(&self) -> bool {
        self.halted || (is_full(self.diags) && self.diags.iter().any(Diagnostic::is_error))
    }

    /// Stops rendering with `d` (the first reason only is reported).
    pub fn halt(&mut self, d: Diagnostic) -> Flow {
        if !self.halted {
            self.error(d);
        }
        self.halted = true;
        Flow::Halt
    }

    /// Stops rendering because a budget ran out at `at`.
    pub fn exceeded(&mut self, e: Exceeded, at: Span) -> Flow {
        let d = match e {
            Exceeded::Bytes => Diagnostic::error(at, format!("the page builds more than {} MiB, with its captures, loops and filters", MAX_RENDERED_BYTES >> 20))
                .with_label("the limit is reached here")
                .with_hint("a capture or assign that grows itself in a loop doubles each time; build the text once"),
            Exceeded::Work => Diagnostic::error(at, format!("the page walks more than {} MiB of values, comparing, searching and writing them", MAX_WALK_WORK >> 20))
                .with_label("the limit is reached here")
                .with_hint("a value assigned into itself grows with each assign; loop over less data"),
            Exceeded::Depth => Diagnostic::error(at, format!("a value nests more than {MAX_VALUE_DEPTH} arrays deep"))
                .with_label("this filter would nest it deeper")
                .with_hint("a list pushed into itself in a loop nests one level each time"),
        };
        self.halt(d)
    }

    /// Counts `n` more bytes rendered; false (and rendering halted) past the page's limit.
    pub fn spend(&mut self, n: usize, at: Span) -> bool {
        match self.budget.bytes(n) {
            Ok(()) => true,
            Err(e) => {
                self.exceeded(e, at);
                false
            }
        }
    }

    /// How deep Liquid renders Liquid and host blocks nest now.
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// Renders a whole template (a page's body, a frontmatter value) into `buf`.
    pub fn render_template(&mut self, src: &Source<'_>, template: &Template, buf: &mut Buf) {
        self.report_parse_errors(src, template);
        self.nodes(src, &template.nodes, buf);
        if buf.len() > MAX_EXPANDED_BYTES && !self.halted {
            let at = src.span(0..0);
            self.too_large(at);
        }
    }

    fn too_large(&mut self, at: Span) -> Flow {
        self.halt(
            Diagnostic::error(at, format!("the page is larger than {} MiB with its includes and tables", MAX_EXPANDED_BYTES >> 20))
                .with_label("the limit is reached here")
                .with_hint("split the page, or include less: an include that includes others many times multiplies them"),
        )
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

    /// Renders `nodes` into `buf`, one level deeper.
    pub(crate) fn nodes(&mut self, src: &Source<'_>, nodes: &[Node], buf: &mut Buf) -> Flow {
        if self.nesting >= MAX_RENDER_NESTING {
            let at = src.span(0..0);
            return self.halt(
                Diagnostic::error(at, format!("blocks, includes and tags' bodies nest more than {MAX_RENDER_NESTING} deep"))
                    .with_label("the limit is reached here")
                    .with_hint("an include that includes others inside blocks multiplies their depth"),
            );
        }
        self.nesting += 1;
        let flow = self.run(src, nodes, buf);
        self.nesting -= 1;
        flow
    }

    fn run(&mut self, src: &Source<'_>, nodes: &[Node], buf: &mut Buf) -> Flow {
        for node in nodes {
            if self.stopped() {
                return Flow::Halt;
            }
            let flow = self.node(src, node, buf);
            if flow != Flow::Normal {
                return flow;
            }
            if buf.len() > MAX_EXPANDED_BYTES {
                return self.too_large(src.span(0..0));
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
                // In a data body, a value is rendered as Liquid too: Jekyll sites render each
                // field of their data again, so data that holds `{{site.x}}` reads right.
                if self.data_bodies > 0 && matches!(v, Value::Str(..)) {
                    v = self.render_liquid(src.span(range.clone()), &v);
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
                    for e in values {
                        let w = self.eval(src, e);
                        if self.charged_equals(src, &w, &v) {
                            return self.nodes(src, body, buf);
                        }
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
                let (text, map) = sub.into_parts();
                self.globals
                    .insert(name.clone(), Value::Str(text.into(), Some(Arc::new(map))));
                if flow == Flow::Halt {
                    return flow;
                }
            }
            Node::Counter { name, step } => {
                let c = self.counters.entry(name.clone()).or_insert(0);
                let shown = if *step > 0 { *c } else { c.saturating_sub(1) };
                *c = c.saturating_add(*step);
                buf.generated(src.span(0..0), &shown.to_string());
            }
            Node::Include(inc) => return self.include(src, inc, buf),
            Node::Tag(t) => return self.host_tag(src, t, buf),
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
            Value::Str(s, None) => {
                if self.spend(s.len(), span) {
                    buf.generated(span, s);
                }
            }
            other => match other.render_within(&mut self.budget) {
                Ok(s) => buf.generated(span, &s),
                Err(e) => {
                    self.exceeded(e, span);
                }
            },
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

    /// The value of `expr`.
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
                let n = usize::try_from(b.saturating_sub(a).saturating_add(1)).unwrap_or(0);
                if let Err(e) = self.budget.items(n) {
                    self.exceeded(e, src.span(at.clone()));
                    return Value::Nil;
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
                    if self.halted {
                        return Value::Nil;
                    }
                    let args: Vec<Value> = f.args.iter().map(|a| self.eval(src, a)).collect();
                    let keywords: Vec<(String, Value)> = f
                        .keywords
                        .iter()
                        .map(|(k, e)| (k.clone(), self.eval(src, e)))
                        .collect();
                    let span = src.span(f.range.clone());
                    match self.filter(src, &f.name, span, v, args, keywords) {
                        Ok(out) => v = out,
                        Err(e) => {
                            self.exceeded(e, span);
                            return Value::Nil;
                        }
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
            "site" => self.env.site.clone(),
            "page" => self.host.page(),
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
                    if let Value::Map(site) = &self.env.site {
                        if !site.contains_key(k.as_str()) {
                            self.unknown_site_variable(src, k, range.clone());
                        }
                    }
                }
            }
            v = next;
        }
        v
    }

    fn unknown_site_variable(&mut self, src: &Source<'_>, name: &str, range: Range<usize>) {
        let suggestion = match &self.env.site {
            Value::Map(site) => did_you_mean(name, site.keys().map(|k| &**k)).map(str::to_string),
            _ => None,
        };
        let span = src.span(range);
        let message = format!("unknown site variable `site.{name}`");
        let d = if self.env.undefined_site_is_empty {
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

    /// `a == b`, its walk charged first.
    fn charged_equals(&mut self, src: &Source<'_>, a: &Value, b: &Value) -> bool {
        if let Err(e) = self.budget.work(a.compare_cost(b)) {
            self.exceeded(e, src.span(0..0));
            return false;
        }
        a.equals(b)
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
                    Op::Eq => self.charged_equals(src, &a, &b),
                    Op::Ne => !self.charged_equals(src, &a, &b),
                    Op::Lt => a.compare(&b) == Some(Less),
                    Op::Gt => a.compare(&b) == Some(Greater),
                    Op::Le => matches!(a.compare(&b), Some(Less | Equal)),
                    Op::Ge => matches!(a.compare(&b), Some(Greater | Equal)),
                    Op::Contains => {
                        if let Err(e) = self.budget.work(a.size()) {
                            self.exceeded(e, src.span(0..0));
                            return false;
                        }
                        a.contains(&b)
                    }
                }
            }
        }
    }

    /// Applies filter `name`: the engine's, else the host's. A result nested past the
    /// limit is refused.
    fn filter(
        &mut self,
        src: &Source<'_>,
        name: &str,
        span: Span,
        input: Value,
        args: Vec<Value>,
        keywords: Vec<(String, Value)>,
    ) -> Result<Value, Exceeded> {
        let out = match filters::lookup(name) {
            Some(Filter::Pure(f)) => f(&mut FilterCall {
                input,
                args,
                keywords,
                budget: &mut self.budget,
                now: self.env.now,
            })?,
            Some(Filter::Expression { find }) => {
                self.expression_filter(src, span, find, input, &args)
            }
            None => {
                let Some(name) = self
                    .host
                    .syntax()
                    .filter_names()
                    .into_iter()
                    .find(|n| *n == name)
                else {
                    return Ok(Value::Nil);
                };
                H::filter(
                    self,
                    HostFilterCall {
                        name,
                        input,
                        args,
                        keywords,
                        span,
                    },
                )?
            }
        };
        if out.depth() > MAX_VALUE_DEPTH {
            return Err(Exceeded::Depth);
        }
        Ok(out)
    }

    /// `where_exp` and `find_exp`: a condition evaluated with each item as a variable; each
    /// item counts as a loop iteration.
    fn expression_filter(
        &mut self,
        src: &Source<'_>,
        span: Span,
        find: bool,
        input: Value,
        args: &[Value],
    ) -> Value {
        let name = if find { "find_exp" } else { "where_exp" };
        let var = args.first().map(Value::scalar_text).unwrap_or_default();
        let cond = args.get(1).map(Value::scalar_text).unwrap_or_default();
        let syntax = self.host.syntax();
        let parsed = ExprParser::new(&cond, 0..cond.len(), syntax).and_then(|mut p| {
            let c = p.condition()?;
            p.finish()?;
            Ok(c)
        });
        let c = match parsed {
            Ok(c) => c,
            Err(e) => {
                self.error(
                    Diagnostic::error(span, format!("`{name}` expression `{cond}`: {}", e.message))
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
        if let Err(e) = self.budget.items(input.item_count()) {
            self.exceeded(e, span);
            return Value::Nil;
        }
        let mut kept = Vec::new();
        for item in input.items() {
            if !self.count_iteration(span) {
                return Value::Nil;
            }
            self.scopes.push(vec![(var.clone(), item.clone())]);
            let holds = self.condition(&inner, &c);
            self.scopes.pop();
            if holds {
                if find {
                    return item;
                }
                kept.push(item);
            }
        }
        if find {
            Value::Nil
        } else {
            Value::array(kept)
        }
    }

    /// Counts one more loop iteration; false (and rendering halted) past the page's limit.
    fn count_iteration(&mut self, at: Span) -> bool {
        self.iterations += 1;
        if self.iterations > MAX_LOOP_ITERATIONS {
            self.halt(
                Diagnostic::error(
                    at,
                    format!("loops run more than {MAX_LOOP_ITERATIONS} times on this page"),
                )
                .with_label("the limit is reached in this loop")
                .with_hint("loops inside loops multiply; use `limit:` or loop over less data"),
            );
            return false;
        }
        true
    }

    /// Renders text as Liquid (`liquify`, a data body's values), everything it writes
    /// placed at `span`.
    pub fn render_liquid(&mut self, span: Span, input: &Value) -> Value {
        let text = match input.render_within(&mut self.budget) {
            Ok(t) => t,
            Err(e) => {
                self.exceeded(e, span);
                return Value::Nil;
            }
        };
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
        let template = parse(&text, 0, self.host.syntax());
        let src = Source {
            file: span.file,
            text: &text,
            place: Place::Generated(span),
        };
        let mut buf = Buf::default();
        self.depth += 1;
        self.render_template(&src, &template, &mut buf);
        self.depth -= 1;
        let (text, map) = buf.into_parts();
        Value::Str(text.into(), Some(Arc::new(map)))
    }

    /// An argument's value: an expression, a small template, or a word that is a variable
    /// when one is set (else, for a host's tag, its own text).
    fn arg(&mut self, src: &Source<'_>, a: &Arg, word_is_text: bool) -> Value {
        match a {
            Arg::Expr(e) => self.eval(src, e),
            Arg::Template(nodes) => {
                let mut buf = Buf::default();
                self.nodes(src, nodes, &mut buf);
                Value::str(buf.into_parts().0)
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
        let list = self.eval(src, &f.iter);
        let at = src.span(f.range.clone());
        if let Err(e) = self.budget.items(list.item_count()) {
            return self.exceeded(e, at);
        }
        let mut items = list.items();
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
            if !self.count_iteration(at) {
                return Flow::Halt;
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
                ("forloop".into(), Value::map(forloop)),
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
}
