//! The Liquid subset Kong's pages use, expanded before markdown.
//!
//! A focused hand-written processor rather than the `liquid` crate: Kong's pages need only
//! variables, `table`, `include`/`include_cached`, `raw` and `comment`, and what matters
//! most is that every error points at the real file, line and column, across includes.
//! The processor writes the expanded markdown together with a source map from output
//! offsets back to source spans, so errors found later (in markdown) are still exact.
//!
//! Line-level kramdown/vale syntax is handled here too, outside fenced code: a
//! `<!--vale ...-->` line is dropped, and a `{: ...}` attribute-list line is removed and
//! remembered for the block that follows it.

use crate::attrs::parse_attrs;
use crate::diag::{did_you_mean, is_full, push_limited, Diagnostic, FileId, Span};
use crate::expanded::{Expanded, PendingIal, TableText};
use crate::limits::{MAX_EXPANDED_BYTES, MAX_INCLUDES_PER_PAGE, MAX_INCLUDE_DEPTH};
use crate::limits::{MAX_PAGE_BYTES, MAX_TABLE_CELLS_PER_PAGE};
use crate::source_map::Seg;
use crate::syntax::{find_open, line_end, quoted, skip_ws, split_args, trim_dashes, NextClose};
use crate::table::{self, TableContext, TableSource};
use crate::vars::{evaluate, Params};
use crate::{Context, CALCULATOR_MARKER};

const TAGS: &str = "table, include, include_cached, raw, comment, hostname_calculator";

/// Expands `text[start..]` of `file`.
pub(crate) fn expand(
    ctx: Context<'_>,
    file: FileId,
    text: &str,
    start: usize,
    params: &Params,
    diags: &mut Vec<Diagnostic>,
) -> Expanded {
    let mut ex = Expander {
        ctx,
        diags,
        out: Expanded::default(),
        stack: Vec::new(),
        includes_expanded: 0,
        overflowed: false,
        cells_left: std::cell::Cell::new(MAX_TABLE_CELLS_PER_PAGE),
    };
    ex.run(file, text, start, params);
    ex.out.table_cells_left = ex.cells_left.get();
    ex.out
}

struct Expander<'c, 'd> {
    ctx: Context<'c>,
    diags: &'d mut Vec<Diagnostic>,
    out: Expanded,
    /// The include chain: (included file, the tag that included it).
    stack: Vec<(FileId, Span)>,
    /// Include tags expanded so far (see [`MAX_INCLUDES_PER_PAGE`]).
    includes_expanded: usize,
    /// Set when the output reached [`MAX_EXPANDED_BYTES`]: nothing more is expanded.
    overflowed: bool,
    /// Table cells this page may still have (see [`MAX_TABLE_CELLS_PER_PAGE`]).
    cells_left: std::cell::Cell<usize>,
}

/// The memos for one file's text.
struct Closers {
    output: NextClose,
    tag: NextClose,
}

impl Closers {
    fn new() -> Self {
        Closers {
            output: NextClose::new("}}"),
            tag: NextClose::new("%}"),
        }
    }
}

#[derive(Default)]
struct Fence {
    open: Option<(char, usize)>,
}

impl Fence {
    /// Feeds one whole line; returns true when the line is inside or delimits a fence.
    fn feed(&mut self, line: &str) -> bool {
        let t = line.trim_start_matches(' ');
        if line.len() - t.len() > 3 {
            return self.open.is_some();
        }
        let c = match t.chars().next() {
            Some(c @ ('`' | '~')) => c,
            _ => return self.open.is_some(),
        };
        let n = t.chars().take_while(|&x| x == c).count();
        match self.open {
            None if n >= 3 => {
                self.open = Some((c, n));
                true
            }
            Some((oc, on)) if oc == c && n >= on && t[n..].trim().is_empty() => {
                self.open = None;
                true
            }
            open => open.is_some(),
        }
    }
}

impl Expander<'_, '_> {
    fn error(&mut self, d: Diagnostic) {
        let d = self
            .stack
            .iter()
            .rev()
            .fold(d, |d, (_, at)| d.with_related(*at, "included here"));
        push_limited(self.diags, d);
    }

    /// True when expanding more is pointless: the output is over its limit, or the page
    /// already has an error and as many diagnostics as it reports.
    fn stopped(&self) -> bool {
        self.overflowed || (is_full(self.diags) && self.diags.iter().any(Diagnostic::is_error))
    }

    fn overflow(&mut self, at: Span) {
        self.overflowed = true;
        self.error(
            Diagnostic::error(at, format!("the page is larger than {} MiB with its includes and tables", MAX_EXPANDED_BYTES >> 20))
                .with_label("the limit is reached here")
                .with_hint("split the page, or include less: an include that includes others many times multiplies them"),
        );
    }

    fn emit(&mut self, file: FileId, src_start: usize, src_end: usize, s: &str, verbatim: bool) {
        if s.is_empty() || self.overflowed {
            return;
        }
        if self.out.text.len() + s.len() > MAX_EXPANDED_BYTES {
            return self.overflow(Span::new(file, src_start, src_end));
        }
        self.out.map.push(Seg {
            out_start: self.out.text.len(),
            file,
            src_start,
            src_end,
            verbatim,
            checked: false,
        });
        self.out.text.push_str(s);
    }

    /// Emits HTML generated from checked parts (see [`SourceMap::is_checked_html`]).
    fn emit_checked(&mut self, file: FileId, span: Span, html: &str) {
        let n = self.out.map.len();
        self.emit(file, span.start, span.end, html, false);
        self.out.map.mark_checked_from(n);
    }

    /// Copies `text[a..b]`, dropping vale comment lines and taking attribute-list lines.
    fn emit_verbatim(&mut self, file: FileId, text: &str, a: usize, b: usize, fence: &mut Fence) {
        let mut run = a;
        let mut ls = a;
        while ls < b {
            let le = text[ls..b].find('\n').map_or(b, |i| ls + i);
            let starts_line = ls == 0 || text.as_bytes()[ls - 1] == b'\n';
            let ends_line = le < b || b == text.len();
            if starts_line && ends_line {
                let line = text[ls..le].trim_end_matches('\r');
                let in_code = fence.feed(line);
                if !in_code {
                    if is_vale_comment(line) {
                        self.emit(file, run, ls, &text[run..ls], true);
                        run = le;
                    } else if let Some(inner) = ial_body(line) {
                        self.emit(file, run, ls, &text[run..ls], true);
                        let span = Span::new(file, ls, le);
                        match parse_attrs(inner) {
                            Ok(attrs) => {
                                let offset = self.out.text.len() + 1;
                                self.out.ials.push(PendingIal {
                                    offset,
                                    attrs,
                                    span,
                                });
                            }
                            Err(msg) => self.error(
                                Diagnostic::error(span, format!("malformed attribute list: {msg}"))
                                    .with_label("here")
                                    .with_hint(
                                        "write it as `{:.class}`, `{:#id}` or `{: key=\"value\"}`",
                                    ),
                            ),
                        }
                        run = le;
                    }
                }
            }
            ls = le + 1;
        }
        self.emit(file, run, b, &text[run..b], true);
    }

    fn run(&mut self, file: FileId, text: &str, start: usize, params: &Params) {
        let mut fence = Fence::default();
        let mut closers = Closers::new();
        let mut i = start;
        while let Some(rel) = find_open(&text[i..]) {
            let pos = i + rel;
            if self.stopped() {
                if !self.overflowed {
                    // Full: this becomes the note that the rest was left out.
                    push_limited(
                        self.diags,
                        Diagnostic::error(Span::new(file, pos, pos), "expansion stopped"),
                    );
                }
                return;
            }
            self.emit_verbatim(file, text, i, pos, &mut fence);
            i = if text[pos..].starts_with("{{") {
                self.output_tag(file, text, pos, params, &mut closers)
            } else {
                self.block_tag(file, text, pos, params, &mut fence, &mut closers)
            };
        }
        self.emit_verbatim(file, text, i, text.len(), &mut fence);
    }

    /// `{{ expr }}` at `pos`; returns where to continue.
    fn output_tag(
        &mut self,
        file: FileId,
        text: &str,
        pos: usize,
        params: &Params,
        closers: &mut Closers,
    ) -> usize {
        let Some(close) = closers.output.find(text, pos + 2) else {
            let le = line_end(text, pos);
            self.error(
                Diagnostic::error(Span::new(file, pos, pos + 2), "unclosed `{{`: no `}}` before the end of the file")
                    .with_label("opened here")
                    .with_hint("close the variable with `}}`, or wrap literal braces in `{% raw %}...{% endraw %}`"),
            );
            self.emit(file, pos, le, &text[pos..le], true);
            return le;
        };
        let end = close + 2;
        let span = Span::new(file, pos, end);
        let inner = &text[pos + 2..close];
        let (inner, trim_left, trim_right) = trim_dashes(inner);
        if trim_left {
            self.trim_output_end();
        }
        match evaluate(self.ctx.site, Some(params), inner, span) {
            Ok(v) => self.emit(file, pos, end, &v, false),
            Err(d) => self.error(d),
        }
        if trim_right {
            skip_ws(text, end)
        } else {
            end
        }
    }

    fn trim_output_end(&mut self) {
        let keep = self.out.text.trim_end().len();
        self.out.text.truncate(keep);
        self.out.map.truncate_output(keep);
    }

    /// `{% ... %}` at `pos`; returns where to continue.
    fn block_tag(
        &mut self,
        file: FileId,
        text: &str,
        pos: usize,
        params: &Params,
        fence: &mut Fence,
        closers: &mut Closers,
    ) -> usize {
        let Some(tag) = parse_tag(text, pos, &mut closers.tag) else {
            let le = line_end(text, pos);
            self.error(
                Diagnostic::error(
                    Span::new(file, pos, pos + 2),
                    "unclosed `{%`: no `%}` before the end of the file",
                )
                .with_label("tag opened here")
                .with_hint("close the tag with `%}`"),
            );
            self.emit(file, pos, le, &text[pos..le], true);
            return le;
        };
        let span = Span::new(file, pos, tag.end);
        if tag.trim_left {
            self.trim_output_end();
        }
        let after = |end: usize| {
            if tag.trim_right {
                skip_ws(text, end)
            } else {
                end
            }
        };
        match tag.name {
            "raw" | "comment" | "table" => {
                let Some(end_tag) = find_end_tag(text, tag.end, tag.name, &mut closers.tag) else {
                    self.error(
                        Diagnostic::error(span, format!("unclosed `{{% {} %}}`: no `{{% end{} %}}` before the end of the file", tag.name, tag.name))
                            .with_label("opened here")
                            .with_hint(format!("add `{{% end{} %}}` where the block ends", tag.name)),
                    );
                    return text.len();
                };
                match tag.name {
                    "raw" => self.emit_verbatim(file, text, tag.end, end_tag.start, fence),
                    "table" => self.table(file, text, span, tag.end, end_tag.start, params),
                    _ => {}
                }
                if end_tag.trim_right {
                    skip_ws(text, end_tag.end)
                } else {
                    end_tag.end
                }
            }
            "include" | "include_cached" => {
                self.include(file, span, tag.args, tag.args_start, params);
                after(tag.end)
            }
            "hostname_calculator" => {
                if self.out.has_calculator {
                    // Its elements have fixed ids: a second one would break the first.
                    self.error(
                        Diagnostic::error(span, "a second `{% hostname_calculator %}` on the page")
                            .with_label("the page already has its calculator")
                            .with_hint(
                                "a page holds one calculator; remove this tag or the one before it",
                            ),
                    );
                } else {
                    self.out.has_calculator = true;
                    self.out.calculator_span = Some(span);
                    self.emit_block(file, text, span, CALCULATOR_MARKER);
                }
                after(tag.end)
            }
            "#" => after(tag.end),
            "endraw" | "endcomment" | "endtable" => {
                let open = &tag.name[3..];
                self.error(
                    Diagnostic::error(
                        span,
                        format!("`{{% {} %}}` without an opening `{{% {open} %}}`", tag.name),
                    )
                    .with_label("nothing to close")
                    .with_hint(format!("remove it, or add `{{% {open} %}}` before it")),
                );
                after(tag.end)
            }
            other => {
                let mut d = Diagnostic::error(span, format!("unknown Liquid tag `{other}`"))
                    .with_label("not supported here");
                d = match did_you_mean(other, TAGS.split(", ")) {
                    Some(s) => d.with_hint(format!(
                        "did you mean `{s}`? Portolan's Liquid supports: {TAGS}"
                    )),
                    None => d.with_hint(format!("Portolan's Liquid supports: {TAGS}")),
                };
                self.error(d);
                after(tag.end)
            }
        }
    }

    /// Emits generated block HTML at the tag's position, on lines of its own, indented like
    /// the tag so that it stays inside a list item.
    fn emit_block(&mut self, file: FileId, text: &str, span: Span, html: &str) {
        // Only the blanks before the tag are looked at (never the whole line: a long line of
        // tags would make that quadratic).
        let before = &text[..span.start];
        let rest = before.trim_end_matches(|c: char| c.is_whitespace() && c != '\n');
        if rest.is_empty() || rest.ends_with('\n') {
            let indent = &before[rest.len()..];
            let lines = html.lines().filter(|l| !l.trim().is_empty()).count();
            if indent
                .len()
                .saturating_mul(lines)
                .saturating_add(html.len())
                .saturating_add(self.out.text.len())
                > MAX_EXPANDED_BYTES
            {
                return self.overflow(span);
            }
            let mut block = String::with_capacity(html.len() + 1 + indent.len() * lines);
            for (n, line) in html.lines().filter(|l| !l.trim().is_empty()).enumerate() {
                if n > 0 {
                    block.push('\n');
                    block.push_str(indent);
                }
                block.push_str(line);
            }
            block.push('\n');
            self.emit_checked(file, span, &block);
        } else {
            // Mid-line: a line break keeps the block from being read as inline HTML.
            let block = format!(
                "\n\n{}\n",
                html.lines()
                    .filter(|l| !l.trim().is_empty())
                    .collect::<Vec<_>>()
                    .join("\n")
            );
            self.emit_checked(file, span, &block);
        }
    }

    fn table(
        &mut self,
        file: FileId,
        text: &str,
        span: Span,
        body_start: usize,
        body_end: usize,
        params: &Params,
    ) {
        let mut diags = Vec::new();
        let ctx = TableContext {
            site: self.ctx.site,
            params,
            rewriter: self.ctx.links,
            cells_left: &self.cells_left,
        };
        let src = TableSource {
            file,
            text,
            start: body_start,
            end: body_end,
            tag: span,
        };
        let rendered = table::render(&ctx, src, &mut diags);
        for d in diags {
            self.error(d);
        }
        if let Some(t) = rendered {
            let offset = self.out.text.len();
            self.emit_block(file, text, span, &t.html);
            self.out.table_texts.push(TableText {
                offset,
                text: portolan_htmlscan::text(&t.html),
            });
            self.out.links.extend(t.links);
            self.out.tables.push(t.table);
        }
    }

    fn include(
        &mut self,
        file: FileId,
        span: Span,
        args: &str,
        args_start: usize,
        params: &Params,
    ) {
        let call = match parse_include_args(args, args_start, file) {
            Ok(c) => c,
            Err(d) => return self.error(d),
        };
        let path_span = Span::new(file, call.path_start, call.path_start + call.path.len());
        if let Err(why) = check_include_path(&call.path) {
            return self.error(
                Diagnostic::error(path_span, format!("include path `{}` {why}", call.path))
                    .with_label("not allowed")
                    .with_hint("include paths are relative to the includes folder, e.g. `/sections/name.md`"),
            );
        }
        if self.stack.len() >= MAX_INCLUDE_DEPTH {
            return self.error(
                Diagnostic::error(
                    span,
                    format!("includes nested more than {MAX_INCLUDE_DEPTH} deep"),
                )
                .with_label("one include too many")
                .with_hint("an include probably includes itself through others"),
            );
        }
        self.includes_expanded += 1;
        if self.includes_expanded > MAX_INCLUDES_PER_PAGE {
            if self.includes_expanded == MAX_INCLUDES_PER_PAGE + 1 {
                self.error(
                    Diagnostic::error(span, format!("more than {MAX_INCLUDES_PER_PAGE} includes in one page, counting includes inside includes"))
                        .with_label("one include too many")
                        .with_hint("includes that include others several times multiply; include each section once"),
                );
            }
            return;
        }
        let mut new_params = Params::new();
        for (k, v, vspan) in call.params {
            let value = match v {
                ArgValue::Literal(s) => s,
                ArgValue::Variable(expr) => {
                    match evaluate(self.ctx.site, Some(params), &expr, vspan) {
                        Ok(s) => s,
                        Err(d) => {
                            self.error(d);
                            continue;
                        }
                    }
                }
            };
            new_params.insert(k, value);
        }
        let path = call.path.trim_start_matches('/');
        let inc = match self.ctx.includes.resolve(path) {
            Ok(inc) => inc,
            Err(e) => {
                let mut d = Diagnostic::error(path_span, e.message).with_label("included here");
                if let Some(h) = e.hint {
                    d = d.with_hint(h);
                }
                return self.error(d);
            }
        };
        if inc.text.len() > MAX_PAGE_BYTES {
            return self.error(
                Diagnostic::error(
                    path_span,
                    format!(
                        "include `{}` is {} bytes; the limit is {} MiB",
                        call.path,
                        inc.text.len(),
                        MAX_PAGE_BYTES >> 20
                    ),
                )
                .with_label("included here")
                .with_hint("split the include file"),
            );
        }
        if inc.file == file || self.stack.iter().any(|(f, _)| *f == inc.file) {
            return self.error(
                Diagnostic::error(
                    path_span,
                    format!("include cycle: `{}` includes itself", call.path),
                )
                .with_label("cycle closes here")
                .with_hint("remove one of the includes in the cycle"),
            );
        }
        if !self.out.includes.contains(&inc.file) {
            self.out.includes.push(inc.file);
        }
        self.stack.push((inc.file, span));
        let text = inc.text.clone();
        let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
        self.run(inc.file, &text, start, &new_params);
        if !self.out.text.ends_with('\n') && !self.overflowed {
            self.out.text.push('\n');
        }
        self.stack.pop();
    }
}

struct Tag<'t> {
    start: usize,
    name: &'t str,
    args: &'t str,
    args_start: usize,
    end: usize,
    trim_left: bool,
    trim_right: bool,
}

fn parse_tag<'t>(text: &'t str, pos: usize, closers: &mut NextClose) -> Option<Tag<'t>> {
    let close = closers.find(text, pos + 2)?;
    let mut inner_start = pos + 2;
    let trim_left = text[inner_start..].starts_with('-');
    if trim_left {
        inner_start += 1;
    }
    let mut inner_end = close;
    let trim_right = inner_end > inner_start && text[..inner_end].ends_with('-');
    if trim_right {
        inner_end -= 1;
    }
    let inner = &text[inner_start..inner_end];
    let lead = inner.len() - inner.trim_start().len();
    let body = inner.trim();
    let (name, args) = if let Some(rest) = body.strip_prefix('#') {
        ("#", rest)
    } else {
        let n = body.find(char::is_whitespace).unwrap_or(body.len());
        (&body[..n], body[n..].trim_start())
    };
    let args_start = inner_start + lead + (body.len() - args.len());
    Some(Tag {
        start: pos,
        name,
        args,
        args_start,
        end: close + 2,
        trim_left,
        trim_right,
    })
}

fn find_end_tag<'t>(
    text: &'t str,
    from: usize,
    name: &str,
    closers: &mut NextClose,
) -> Option<Tag<'t>> {
    let want = format!("end{name}");
    let mut i = from;
    while let Some(rel) = text[i..].find("{%") {
        let pos = i + rel;
        // Only a tag that starts with the name is read whole: reading every `{%` up to its
        // `%}` would make `{% raw %}{%{%{%...%}` quadratic.
        let after = text[pos + 2..]
            .strip_prefix('-')
            .unwrap_or(&text[pos + 2..])
            .trim_start();
        if after
            .strip_prefix(want.as_str())
            .is_some_and(|r| r.starts_with(|c: char| c.is_whitespace() || c == '-' || c == '%'))
        {
            let tag = parse_tag(text, pos, closers)?;
            if tag.name == want {
                return Some(tag);
            }
        }
        i = pos + 2;
    }
    None
}

fn is_vale_comment(line: &str) -> bool {
    let t = line.trim();
    t.strip_prefix("<!--")
        .and_then(|r| r.strip_suffix("-->"))
        .is_some_and(|inner| inner.trim_start().starts_with("vale") && !inner.contains("-->"))
}

fn ial_body(line: &str) -> Option<&str> {
    let t = line.trim();
    let inner = t.strip_prefix("{:")?.strip_suffix('}')?;
    (!inner.contains('}')).then_some(inner)
}

enum ArgValue {
    Literal(String),
    Variable(String),
}

struct IncludeCall {
    path: String,
    path_start: usize,
    params: Vec<(String, ArgValue, Span)>,
}

fn parse_include_args(
    args: &str,
    args_start: usize,
    file: FileId,
) -> Result<IncludeCall, Diagnostic> {
    let words = split_args(args);
    let Some(&(p0, path)) = words.first() else {
        return Err(Diagnostic::error(
            Span::new(file, args_start, args_start),
            "include without a path",
        )
        .with_label("path expected here")
        .with_hint("write `{% include_cached /sections/name.md %}`"));
    };
    let path = quoted(path).unwrap_or(path);
    let mut params = Vec::new();
    for &(off, w) in &words[1..] {
        let span = Span::new(file, args_start + off, args_start + off + w.len());
        let Some((k, v)) = w.split_once('=').or_else(|| w.split_once(':')) else {
            return Err(
                Diagnostic::error(span, format!("cannot read include parameter `{w}`"))
                    .with_label("expected key=value")
                    .with_hint("pass parameters as `key=\"value\"` or `key=site.variable`"),
            );
        };
        let value = match quoted(v) {
            Some(lit) => ArgValue::Literal(lit.to_string()),
            None if v.contains('.') => ArgValue::Variable(v.to_string()),
            None => ArgValue::Literal(v.to_string()),
        };
        params.push((k.to_string(), value, span));
    }
    Ok(IncludeCall {
        path: path.to_string(),
        path_start: args_start + p0,
        params,
    })
}

fn check_include_path(path: &str) -> Result<(), &'static str> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vale_and_ial_lines() {
        assert!(is_vale_comment("<!--vale off-->"));
        assert!(is_vale_comment("  <!-- vale Kong.Spelling = NO -->"));
        assert!(!is_vale_comment("<!-- other -->"));
        assert_eq!(ial_body("{:.info}"), Some(".info"));
        assert_eq!(ial_body("text {:.info}"), None);
    }

    #[test]
    fn include_paths() {
        assert!(check_include_path("/sections/a.md").is_ok());
        assert!(check_include_path("../../etc/passwd").is_err());
        assert!(check_include_path("/sections/../../x").is_err());
        assert!(check_include_path("C:\\x").is_err());
        assert!(check_include_path("").is_err());
    }

    #[test]
    fn fences_track_open_and_close() {
        let mut f = Fence::default();
        assert!(!f.feed("text"));
        assert!(f.feed("```yaml"));
        assert!(f.feed("{:.info}"));
        assert!(f.feed("```"));
        assert!(!f.feed("{:.info}"));
    }
}
