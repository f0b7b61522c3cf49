//! Liquid as a tree: tokens ([`crate::lex`]) become nodes with their byte ranges, blocks
//! nested (`if`/`elsif`/`else`, `unless`, `case`/`when`, `for`/`else`, `capture`, and the
//! host's tags, with or without a body). A problem is reported where it is written and
//! parsing goes on, so one pass finds every error of a file. Blocks nest at most
//! [`MAX_BLOCK_DEPTH`] deep: parsing (and rendering) recurse once per level.

use std::ops::Range;

use crate::delimiters::{quoted, split_args};
use crate::expr::{parse_output, Condition, Expr, ExprError, ExprParser};
use crate::lex::{tokens, TagToken, Token};
use crate::limits::MAX_BLOCK_DEPTH;
use crate::syntax::{BodyMode, Syntax};
use crate::value::Value;

/// The tags the engine knows: Liquid's, and Jekyll's `include`.
pub(crate) const BUILT_IN: &[&str] = &[
    "assign",
    "break",
    "capture",
    "case",
    "comment",
    "continue",
    "decrement",
    "echo",
    "for",
    "if",
    "include",
    "include_cached",
    "increment",
    "raw",
    "unless",
];

/// A node of a template.
#[derive(Debug, Clone)]
pub(crate) enum Node {
    /// Text copied as written.
    Text(Range<usize>),
    /// `{{ expr }}` (and `{% echo expr %}`).
    Output {
        expr: Expr,
        range: Range<usize>,
    },
    /// `if`/`elsif`/`else` (and `unless`, whose first condition is negated).
    If {
        branches: Vec<Branch>,
        otherwise: Vec<Node>,
    },
    Case {
        subject: Expr,
        whens: Vec<(Vec<Expr>, Vec<Node>)>,
        otherwise: Vec<Node>,
    },
    For(Box<ForLoop>),
    Break,
    Continue,
    Assign {
        name: String,
        value: Expr,
    },
    Capture {
        name: String,
        body: Vec<Node>,
    },
    /// `increment`/`decrement`: a counter that is written out.
    Counter {
        name: String,
        step: i64,
    },
    Include(Box<Include>),
    /// A host's tag.
    Tag(Box<HostTag>),
}

#[derive(Debug, Clone)]
pub(crate) struct Branch {
    pub(crate) condition: Condition,
    pub(crate) negate: bool,
    pub(crate) body: Vec<Node>,
}

#[derive(Debug, Clone)]
pub(crate) struct ForLoop {
    pub(crate) var: String,
    pub(crate) iter: Expr,
    pub(crate) limit: Option<Expr>,
    pub(crate) offset: Option<Expr>,
    pub(crate) reversed: bool,
    pub(crate) body: Vec<Node>,
    pub(crate) otherwise: Vec<Node>,
    pub(crate) range: Range<usize>,
}

/// A value given to an include or a component: an expression, a text with `{{ }}` in it,
/// or an unquoted word (a variable, else its own text, as Kong's tags read them).
#[derive(Debug, Clone)]
pub(crate) enum Arg {
    Expr(Expr),
    Template(Vec<Node>),
    Word(String, Expr),
}

/// A `key=value` argument: its key, its value, and where the pair is written.
pub(crate) type Param = (String, Arg, Range<usize>);

#[derive(Debug, Clone)]
pub(crate) struct Include {
    pub(crate) path: Arg,
    pub(crate) path_range: Range<usize>,
    pub(crate) params: Vec<Param>,
    pub(crate) range: Range<usize>,
}

/// A call of one of the host's tags.
#[derive(Debug, Clone)]
pub(crate) struct HostTag {
    pub(crate) name: String,
    pub(crate) args: Vec<Arg>,
    pub(crate) params: Vec<(String, Arg)>,
    /// The body and how it renders, for a block tag.
    pub(crate) body: Option<(Vec<Node>, BodyMode)>,
    pub(crate) range: Range<usize>,
}

/// A problem found while parsing, at a range of the text.
#[derive(Debug, Clone)]
pub(crate) struct ParseError {
    pub(crate) range: Range<usize>,
    pub(crate) message: String,
    pub(crate) label: String,
    pub(crate) hint: Option<String>,
}

impl From<ExprError> for ParseError {
    fn from(e: ExprError) -> Self {
        ParseError {
            range: e.range,
            message: e.message,
            label: "here".into(),
            hint: e.hint,
        }
    }
}

/// A parsed template.
#[derive(Debug, Clone, Default)]
pub struct Template {
    pub(crate) nodes: Vec<Node>,
    pub(crate) errors: Vec<ParseError>,
}

/// Parses `text[start..]`, knowing the host's tags and filters from `syntax`.
pub fn parse(text: &str, start: usize, syntax: &dyn Syntax) -> Template {
    let toks = tokens(text, start);
    let mut p = Parser {
        text,
        toks,
        at: 0,
        errors: Vec::new(),
        syntax,
        depth: 0,
        too_deep: false,
    };
    let (nodes, stop) = p.nodes(&[]);
    debug_assert!(stop.is_none());
    Template {
        nodes,
        errors: p.errors,
    }
}

/// Parses a tag argument or include path that holds `{{ }}`: a small template of its own.
pub(crate) fn parse_fragment(
    text: &str,
    range: Range<usize>,
    syntax: &dyn Syntax,
) -> (Vec<Node>, Vec<ParseError>) {
    let toks: Vec<Token> = tokens(&text[..range.end], range.start);
    let mut p = Parser {
        text,
        toks,
        at: 0,
        errors: Vec::new(),
        syntax,
        depth: 0,
        too_deep: false,
    };
    let (nodes, _) = p.nodes(&[]);
    (nodes, p.errors)
}

struct Parser<'t> {
    text: &'t str,
    toks: Vec<Token>,
    at: usize,
    errors: Vec<ParseError>,
    syntax: &'t dyn Syntax,
    /// Blocks open around the current token.
    depth: usize,
    /// Set once blocks nested past [`MAX_BLOCK_DEPTH`]: the rest of the file was skipped.
    too_deep: bool,
}

/// The tag that ended a run of nodes.
struct Stop {
    name: String,
    tag: TagToken,
}

impl Parser<'_> {
    fn err(
        &mut self,
        range: Range<usize>,
        message: impl Into<String>,
        label: &str,
        hint: Option<String>,
    ) {
        self.errors.push(ParseError {
            range,
            message: message.into(),
            label: label.into(),
            hint,
        });
    }

    fn name<'a>(&'a self, t: &TagToken) -> &'a str {
        &self.text[t.name.clone()]
    }

    /// Nodes up to one of the tags in `stops` (returned) or the end.
    fn nodes(&mut self, stops: &[&str]) -> (Vec<Node>, Option<Stop>) {
        let mut out = Vec::new();
        while let Some(tok) = self.toks.get(self.at).cloned() {
            self.at += 1;
            match tok {
                Token::Text(r) | Token::Raw { body: r, .. } => out.push(Node::Text(r)),
                Token::Output { range, inner } => match parse_output(self.text, inner, self.syntax)
                {
                    Ok(expr) => out.push(Node::Output { expr, range }),
                    Err(e) => self.errors.push(e.into()),
                },
                Token::Unclosed { at, tag } => {
                    let (open, close) = if tag { ("{%", "%}") } else { ("{{", "}}") };
                    let hint = if tag {
                        "close the tag with `%}`".to_string()
                    } else {
                        "close the variable with `}}`, or wrap literal braces in `{% raw %}...{% endraw %}`".to_string()
                    };
                    let what = if tag {
                        "tag opened here"
                    } else {
                        "opened here"
                    };
                    self.err(
                        at..at + 2,
                        format!("unclosed `{open}`: no `{close}` before the end of the file"),
                        what,
                        Some(hint),
                    );
                }
                Token::UnclosedBlock { range, name } => {
                    self.err(
                        range,
                        format!("unclosed `{{% {name} %}}`: no `{{% end{name} %}}` before the end of the file"),
                        "opened here",
                        Some(format!("add `{{% end{name} %}}` where the block ends")),
                    );
                }
                Token::Tag(t) => {
                    let name = self.name(&t).to_string();
                    if stops.contains(&name.as_str()) {
                        return (out, Some(Stop { name, tag: t }));
                    }
                    if let Some(node) = self.tag(&name, t) {
                        out.push(node);
                    }
                }
            }
        }
        (out, None)
    }

    /// The body of block `name` opened at `open`, up to one of `stops`; an error when the
    /// file ends first.
    fn block(&mut self, name: &str, open: &TagToken, stops: &[&str]) -> (Vec<Node>, Option<Stop>) {
        if self.depth >= MAX_BLOCK_DEPTH {
            if !self.too_deep {
                self.too_deep = true;
                self.err(
                    open.range.clone(),
                    format!("blocks nest more than {MAX_BLOCK_DEPTH} deep"),
                    "one block too deep",
                    Some(
                        "close blocks before opening more; the rest of the file is not read".into(),
                    ),
                );
            }
            self.at = self.toks.len();
            return (Vec::new(), None);
        }
        self.depth += 1;
        let (nodes, stop) = self.nodes(stops);
        self.depth -= 1;
        if stop.is_none() && !self.too_deep {
            self.err(
                open.range.clone(),
                format!(
                    "unclosed `{{% {name} %}}`: no `{{% end{name} %}}` before the end of the file"
                ),
                "opened here",
                Some(format!("add `{{% end{name} %}}` where the block ends")),
            );
        }
        (nodes, stop)
    }

    fn expr_parser(&mut self, t: &TagToken) -> Option<ExprParser<'_>> {
        match ExprParser::new(self.text, t.args.clone(), self.syntax) {
            Ok(p) => Some(p),
            Err(e) => {
                self.errors.push(e.into());
                None
            }
        }
    }

    fn tag(&mut self, name: &str, t: TagToken) -> Option<Node> {
        match name {
            "#" => None,
            "if" | "unless" => self.if_tag(name, t),
            "case" => self.case_tag(t),
            "for" => self.for_tag(t),
            "break" => Some(Node::Break),
            "continue" => Some(Node::Continue),
            "assign" => self.assign_tag(t),
            "capture" => {
                let var = self.text[t.args.clone()]
                    .trim()
                    .trim_matches(['"', '\''])
                    .to_string();
                let (body, _) = self.block("capture", &t, &["endcapture"]);
                if var.is_empty() {
                    self.err(
                        t.range.clone(),
                        "`capture` without a variable name",
                        "name expected",
                        Some("write `{% capture name %}...{% endcapture %}`".into()),
                    );
                    return None;
                }
                Some(Node::Capture { name: var, body })
            }
            "increment" | "decrement" => Some(Node::Counter {
                name: self.text[t.args.clone()].trim().to_string(),
                step: if name == "increment" { 1 } else { -1 },
            }),
            "echo" => match parse_output(self.text, t.args.clone(), self.syntax) {
                Ok(expr) => Some(Node::Output {
                    expr,
                    range: t.range,
                }),
                Err(e) => {
                    self.errors.push(e.into());
                    None
                }
            },
            "include" | "include_cached" => self.include_tag(t),
            other if other.starts_with("end") || ["else", "elsif", "when"].contains(&other) => {
                let open = other.strip_prefix("end").unwrap_or(other);
                let (message, hint) = if ["else", "elsif", "when"].contains(&other) {
                    (format!("`{{% {other} %}}` outside the block it belongs to"), "`else` and `elsif` belong inside `if`, `unless`, `case` or `for`; `when` inside `case`".to_string())
                } else {
                    (
                        format!("`{{% {other} %}}` without an opening `{{% {open} %}}`"),
                        format!("remove it, or add `{{% {open} %}}` before it"),
                    )
                };
                self.err(t.range, message, "nothing to close", Some(hint));
                None
            }
            other => self.host_tag(other, t),
        }
    }

    fn if_tag(&mut self, name: &str, t: TagToken) -> Option<Node> {
        let mut branches = Vec::new();
        let mut otherwise = Vec::new();
        let mut tag = t.clone();
        let mut negate = name == "unless";
        let end = format!("end{name}");
        loop {
            let condition = self.condition(&tag);
            let (body, stop) = self.block(name, &t, &["elsif", "else", end.as_str()]);
            if let Some(c) = condition {
                branches.push(Branch {
                    condition: c,
                    negate,
                    body,
                });
            }
            negate = false;
            match stop {
                Some(s) if s.name == "elsif" => tag = s.tag,
                Some(s) if s.name == "else" => {
                    let (body, _) = self.block(name, &t, &[end.as_str()]);
                    otherwise = body;
                    break;
                }
                _ => break,
            }
        }
        Some(Node::If {
            branches,
            otherwise,
        })
    }

    fn condition(&mut self, t: &TagToken) -> Option<Condition> {
        let mut p = self.expr_parser(t)?;
        if p.at_end() {
            self.err(
                t.range.clone(),
                "a condition is missing",
                "condition expected",
                Some("write `{% if page.x == \"y\" %}`".into()),
            );
            return None;
        }
        let r = p.condition().and_then(|c| p.finish().map(|()| c));
        match r {
            Ok(c) => Some(c),
            Err(e) => {
                self.errors.push(e.into());
                None
            }
        }
    }

    fn case_tag(&mut self, t: TagToken) -> Option<Node> {
        let subject = match parse_output(self.text, t.args.clone(), self.syntax) {
            Ok(e) => Some(e),
            Err(e) => {
                self.errors.push(e.into());
                None
            }
        };
        // What comes between `case` and the first `when` is not output.
        let (_, mut stop) = self.block("case", &t, &["when", "else", "endcase"]);
        let mut whens = Vec::new();
        let mut otherwise = Vec::new();
        while let Some(s) = stop {
            match s.name.as_str() {
                "when" => {
                    let values = self.when_values(&s.tag);
                    let (body, next) = self.block("case", &t, &["when", "else", "endcase"]);
                    whens.push((values, body));
                    stop = next;
                }
                "else" => {
                    let (body, _) = self.block("case", &t, &["endcase"]);
                    otherwise = body;
                    break;
                }
                _ => break,
            }
        }
        subject.map(|subject| Node::Case {
            subject,
            whens,
            otherwise,
        })
    }

    fn when_values(&mut self, t: &TagToken) -> Vec<Expr> {
        let Some(mut p) = self.expr_parser(t) else {
            return Vec::new();
        };
        let mut values = Vec::new();
        loop {
            match p.expr() {
                Ok(e) => values.push(e),
                Err(e) => {
                    self.errors.push(e.into());
                    break;
                }
            }
            if !(p.eat_comma() || p.eat_word("or")) {
                break;
            }
        }
        values
    }

    fn for_tag(&mut self, t: TagToken) -> Option<Node> {
        let parsed = (|| {
            let mut p = ExprParser::new(self.text, t.args.clone(), self.syntax)?;
            let (var, _) = p.ident()?;
            if !p.eat_word("in") {
                return Err(ExprError {
                    range: t.args.clone(),
                    message: "expected `in`: `{% for item in list %}`".into(),
                    hint: None,
                });
            }
            let iter = p.primary()?;
            let (mut limit, mut offset, mut reversed) = (None, None, false);
            while !p.at_end() {
                if p.eat_word("reversed") {
                    reversed = true;
                } else if let Some(k) = p.at_keyword().filter(|k| k == "limit" || k == "offset") {
                    p.ident()?;
                    p.eat_colon();
                    let v = p.primary()?;
                    if k == "limit" {
                        limit = Some(v);
                    } else {
                        offset = Some(v);
                    }
                } else {
                    p.finish()?;
                }
            }
            Ok((var, iter, limit, offset, reversed))
        })();
        let (body, stop) = self.block("for", &t, &["else", "endfor"]);
        let otherwise = match stop {
            Some(s) if s.name == "else" => self.block("for", &t, &["endfor"]).0,
            _ => Vec::new(),
        };
        match parsed {
            Ok((var, iter, limit, offset, reversed)) => Some(Node::For(Box::new(ForLoop {
                var,
                iter,
                limit,
                offset,
                reversed,
                body,
                otherwise,
                range: t.range,
            }))),
            Err(e) => {
                self.errors.push(e.into());
                None
            }
        }
    }

    fn assign_tag(&mut self, t: TagToken) -> Option<Node> {
        let r = (|| {
            let mut p = ExprParser::new(self.text, t.args.clone(), self.syntax)?;
            let (name, _) = p.ident()?;
            if !p.eat_assign() {
                return Err(ExprError {
                    range: t.args.clone(),
                    message: "expected `=`: `{% assign name = value %}`".into(),
                    hint: None,
                });
            }
            let value = p.expr()?;
            p.finish()?;
            Ok(Node::Assign { name, value })
        })();
        match r {
            Ok(n) => Some(n),
            Err(e) => {
                self.errors.push(e.into());
                None
            }
        }
    }

    /// A value written in a tag's arguments at `range` (quoted, `{{ }}`, a number, a word).
    fn arg(&mut self, range: Range<usize>) -> Option<Arg> {
        let word = &self.text[range.clone()];
        if word.contains("{{") {
            let inner = quoted(word).map_or(range.clone(), |_| range.start + 1..range.end - 1);
            let (nodes, errors) = parse_fragment(self.text, inner, self.syntax);
            self.errors.extend(errors);
            return Some(Arg::Template(nodes));
        }
        match ExprParser::new(self.text, range.clone(), self.syntax).and_then(|mut p| {
            let e = p.expr()?;
            p.finish()?;
            Ok(e)
        }) {
            Ok(e @ Expr::Path { .. }) => Some(Arg::Word(word.to_string(), e)),
            Ok(e) => Some(Arg::Expr(e)),
            // A word that is no expression (`a/b.md`, `3.4.x`): its own text.
            Err(_) => Some(Arg::Expr(Expr::Literal(Value::str(
                quoted(word).unwrap_or(word),
            )))),
        }
    }

    /// `key=value` (or `key: value`) pairs and positional words of a tag's arguments.
    fn args(&mut self, t: &TagToken) -> (Vec<(Arg, Range<usize>)>, Vec<Param>) {
        let base = t.args.start;
        let words = split_args(&self.text[t.args.clone()]);
        let mut positional = Vec::new();
        let mut params = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let (off, w) = words[i];
            let start = base + off;
            let eq = w.find('=').filter(|&e| !w[..e].contains(['"', '\'', '{']));
            let colon_key = w
                .strip_suffix(':')
                .filter(|k| !k.is_empty() && !k.contains(['"', '\'']) && i + 1 < words.len());
            if let Some(e) = eq {
                let key = w[..e].to_string();
                let vrange = start + e + 1..start + w.len();
                let value = if vrange.is_empty() {
                    Some(Arg::Expr(Expr::Literal(Value::str(""))))
                } else {
                    self.arg(vrange)
                };
                if let Some(v) = value {
                    params.push((key, v, start..start + w.len()));
                }
            } else if let Some(key) = colon_key {
                // `key: value` as two words.
                let (voff, vw) = words[i + 1];
                if let Some(v) = self.arg(base + voff..base + voff + vw.len()) {
                    params.push((key.to_string(), v, start..base + voff + vw.len()));
                }
                i += 1;
            } else if let Some(a) = self.arg(start..start + w.len()) {
                positional.push((a, start..start + w.len()));
            }
            i += 1;
        }
        (positional, params)
    }

    fn include_tag(&mut self, t: TagToken) -> Option<Node> {
        let (mut positional, params) = self.args(&t);
        if positional.is_empty() {
            self.err(
                t.args.start..t.args.start,
                "include without a path",
                "path expected here",
                Some("write `{% include_cached /sections/name.md %}`".into()),
            );
            return None;
        }
        let first = split_args(&self.text[t.args.clone()])[0];
        let path_range = t.args.start + first.0..t.args.start + first.0 + first.1.len();
        let path = positional.remove(0).0;
        // An unquoted path (`/sections/x.md`) is its own text, not a variable.
        let path = match path {
            Arg::Word(w, _) => Arg::Expr(Expr::Literal(Value::str(w))),
            other => other,
        };
        Some(Node::Include(Box::new(Include {
            path,
            path_range,
            params,
            range: t.range,
        })))
    }

    fn host_tag(&mut self, name: &str, t: TagToken) -> Option<Node> {
        let Some(shape) = self.syntax.tag(name) else {
            let hint = self.syntax.unknown_tag_hint(name, BUILT_IN);
            self.err(
                t.range.clone(),
                format!("unknown Liquid tag `{name}`"),
                "not a tag or component",
                Some(hint),
            );
            return None;
        };
        let (args, params) = self.args(&t);
        // A host's tag gets numbers as written: `{% new_in 3.10 %}` is version "3.10", not
        // the number 3.1 (Liquid hands a custom tag its text; Kong's tags read it so).
        // The number is the last word of its range (`3.10`, `level=3`, `level: 3`).
        let as_written = |a: Arg, range: &Range<usize>| match a {
            Arg::Expr(Expr::Literal(v @ (Value::Int(_) | Value::Float(_)))) => {
                let text = &self.text[range.clone()];
                let word = text.rsplit(|c: char| c == '=' || c.is_whitespace()).next();
                Arg::Expr(Expr::Literal(word.map_or(v, Value::str)))
            }
            other => other,
        };
        let args = args.into_iter().map(|(a, r)| as_written(a, &r)).collect();
        let params = params
            .into_iter()
            .map(|(k, v, r)| (k, as_written(v, &r)))
            .collect();
        let body = shape.body.map(|mode| {
            let end_name = format!("end{name}");
            let (nodes, _) = self.block(name, &t, &[end_name.as_str()]);
            (nodes, mode)
        });
        Some(Node::Tag(Box::new(HostTag {
            name: name.to_string(),
            args,
            params,
            body,
            range: t.range,
        })))
    }
}
