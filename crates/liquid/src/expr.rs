//! Liquid expressions: literals, variables (`site.data.plugins.ai-proxy`, `a[0]`,
//! `a["k"]`), ranges (`(1..n)`), filters (`| where: "k", v | first`), and conditions
//! (`a == b and c contains "x" or d`; `and`/`or` group from the right, as in Liquid).
//!
//! Parsed once, with byte ranges in the template's text, so evaluation errors (and an
//! unknown filter, found here) point at the exact column.

use std::ops::Range;

use crate::diag::did_you_mean;
use crate::filters;
use crate::limits::MAX_EXPRESSION_DEPTH;
use crate::syntax::Syntax;
use crate::value::Value;

/// An expression.
#[derive(Debug, Clone)]
pub(crate) enum Expr {
    Literal(Value),
    /// `root.a.b[expr]`; `range` covers the whole path.
    Path {
        root: String,
        segments: Vec<Segment>,
        range: Range<usize>,
    },
    /// `(a..b)`, and where it is written.
    Range(Box<Expr>, Box<Expr>, Range<usize>),
    /// `base | f1: args | f2`.
    Filtered {
        base: Box<Expr>,
        filters: Vec<Filter>,
    },
}

#[derive(Debug, Clone)]
pub(crate) enum Segment {
    Key(String),
    Index(Expr),
}

/// One filter of a chain.
#[derive(Debug, Clone)]
pub(crate) struct Filter {
    pub(crate) name: String,
    pub(crate) args: Vec<Expr>,
    pub(crate) keywords: Vec<(String, Expr)>,
    /// Where the filter's name is written.
    pub(crate) range: Range<usize>,
}

/// A condition of `if`, `elsif`, `unless`.
#[derive(Debug, Clone)]
pub(crate) enum Condition {
    Truthy(Expr),
    Compare(Expr, Op, Expr),
    And(Box<Condition>, Box<Condition>),
    Or(Box<Condition>, Box<Condition>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
    Contains,
}

/// Why an expression does not parse: where (a range in the template's text) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ExprError {
    pub(crate) range: Range<usize>,
    pub(crate) message: String,
    pub(crate) hint: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Int(i64),
    Float(f64),
    Dot,
    DotDot,
    Pipe,
    Colon,
    Comma,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Op(Op),
    Assign,
}

/// Reads expressions from `text[range]`, keeping offsets in `text`.
pub(crate) struct ExprParser<'t> {
    text: &'t str,
    toks: Vec<(Tok, Range<usize>)>,
    at: usize,
    end: usize,
    /// The host's filters, besides the engine's.
    syntax: &'t dyn Syntax,
    /// Expressions open around the current token.
    depth: usize,
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-'
}

impl<'t> ExprParser<'t> {
    pub(crate) fn new(
        text: &'t str,
        range: Range<usize>,
        syntax: &'t dyn Syntax,
    ) -> Result<Self, ExprError> {
        let toks = lex(text, range.clone())?;
        Ok(ExprParser {
            text,
            toks,
            at: 0,
            end: range.end,
            syntax,
            depth: 0,
        })
    }

    /// Enters one more level of nesting, or refuses past [`MAX_EXPRESSION_DEPTH`].
    fn deeper(&mut self) -> Result<(), ExprError> {
        self.depth += 1;
        if self.depth > MAX_EXPRESSION_DEPTH {
            return Err(ExprError {
                range: self.here(),
                message: format!("the expression nests more than {MAX_EXPRESSION_DEPTH} deep"),
                hint: Some("assign parts of it to variables first".into()),
            });
        }
        Ok(())
    }

    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.at).map(|(t, _)| t)
    }

    fn next(&mut self) -> Option<(Tok, Range<usize>)> {
        let t = self.toks.get(self.at).cloned();
        self.at += 1;
        t
    }

    fn here(&self) -> Range<usize> {
        self.toks
            .get(self.at)
            .map(|(_, r)| r.clone())
            .unwrap_or(self.end..self.end)
    }

    pub(crate) fn at_end(&self) -> bool {
        self.at >= self.toks.len()
    }

    fn error(&self, message: impl Into<String>) -> ExprError {
        ExprError {
            range: self.here(),
            message: message.into(),
            hint: None,
        }
    }

    /// Fails unless every token was read.
    pub(crate) fn finish(&self) -> Result<(), ExprError> {
        match self.toks.get(self.at) {
            None => Ok(()),
            Some((_, r)) => Err(ExprError {
                range: r.clone(),
                message: format!("unexpected `{}` in the expression", &self.text[r.clone()]),
                hint: Some("an expression is a value or variable, then filters after `|`".into()),
            }),
        }
    }

    /// Takes `word` (an identifier) when it comes next.
    pub(crate) fn eat_word(&mut self, word: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Ident(w)) if w == word) {
            self.at += 1;
            return true;
        }
        false
    }

    /// Takes `=` when it comes next.
    pub(crate) fn eat_assign(&mut self) -> bool {
        if self.peek() == Some(&Tok::Assign) {
            self.at += 1;
            return true;
        }
        false
    }

    /// Takes `:` when it comes next.
    pub(crate) fn eat_colon(&mut self) -> bool {
        if self.peek() == Some(&Tok::Colon) {
            self.at += 1;
            return true;
        }
        false
    }

    /// Takes `,` when it comes next.
    pub(crate) fn eat_comma(&mut self) -> bool {
        if self.peek() == Some(&Tok::Comma) {
            self.at += 1;
            return true;
        }
        false
    }

    /// An identifier (a variable name for `assign`, `for`, `capture`).
    pub(crate) fn ident(&mut self) -> Result<(String, Range<usize>), ExprError> {
        match self.next() {
            Some((Tok::Ident(s), r)) => Ok((s, r)),
            _ => {
                self.at = self.at.saturating_sub(1);
                Err(self.error("expected a name"))
            }
        }
    }

    /// Whether the next two tokens are `name:` or `name=` (a keyword argument).
    pub(crate) fn at_keyword(&self) -> Option<String> {
        match (self.toks.get(self.at), self.toks.get(self.at + 1)) {
            (Some((Tok::Ident(k), _)), Some((Tok::Colon | Tok::Assign, _))) => Some(k.clone()),
            _ => None,
        }
    }

    /// An expression with its filters.
    pub(crate) fn expr(&mut self) -> Result<Expr, ExprError> {
        self.deeper()?;
        let e = self.filtered();
        self.depth -= 1;
        e
    }

    fn filtered(&mut self) -> Result<Expr, ExprError> {
        let base = self.primary()?;
        let mut filters = Vec::new();
        while self.peek() == Some(&Tok::Pipe) {
            self.at += 1;
            filters.push(self.filter()?);
        }
        if filters.is_empty() {
            Ok(base)
        } else {
            Ok(Expr::Filtered {
                base: Box::new(base),
                filters,
            })
        }
    }

    fn filter(&mut self) -> Result<Filter, ExprError> {
        let (name, range) = match self.next() {
            Some((Tok::Ident(n), r)) => (n, r),
            _ => {
                self.at = self.at.saturating_sub(1);
                return Err(self.error("expected a filter name after `|`"));
            }
        };
        if filters::lookup(&name).is_none() && !self.syntax.has_filter(&name) {
            let host = self.syntax.filter_names();
            let known = filters::names().chain(host.iter().copied());
            let hint = match did_you_mean(&name, known) {
                Some(s) => format!("did you mean `{s}`?"),
                None => {
                    "filters are standard Liquid's, Jekyll's, and the ones this site adds".into()
                }
            };
            return Err(ExprError {
                range,
                message: format!("unknown Liquid filter `{name}`"),
                hint: Some(hint),
            });
        }
        let mut args = Vec::new();
        let mut keywords = Vec::new();
        if self.eat_colon() {
            loop {
                if let Some(k) = self.at_keyword() {
                    self.at += 2;
                    keywords.push((k, self.primary()?));
                } else {
                    args.push(self.primary()?);
                }
                if !self.eat_comma() {
                    break;
                }
            }
        }
        Ok(Filter {
            name,
            args,
            keywords,
            range,
        })
    }

    /// A value: literal, variable or range.
    pub(crate) fn primary(&mut self) -> Result<Expr, ExprError> {
        self.deeper()?;
        let e = self.value();
        self.depth -= 1;
        e
    }

    fn value(&mut self) -> Result<Expr, ExprError> {
        let Some((tok, range)) = self.next() else {
            return Err(self.error("expected a value"));
        };
        match tok {
            Tok::Str(s) => Ok(Expr::Literal(Value::str(s))),
            Tok::Int(i) => Ok(Expr::Literal(Value::Int(i))),
            Tok::Float(f) => Ok(Expr::Literal(Value::Float(f))),
            Tok::LParen => {
                let a = self.primary()?;
                if self.next().map(|t| t.0) != Some(Tok::DotDot) {
                    self.at = self.at.saturating_sub(1);
                    return Err(self.error("expected `..` in a range such as `(1..5)`"));
                }
                let b = self.primary()?;
                let close = self.next();
                if close.as_ref().map(|t| t.0.clone()) != Some(Tok::RParen) {
                    self.at = self.at.saturating_sub(1);
                    return Err(self.error("expected `)` to close the range"));
                }
                let end = close.map_or(range.end, |t| t.1.end);
                Ok(Expr::Range(Box::new(a), Box::new(b), range.start..end))
            }
            Tok::LBracket => {
                // `["key"]` at the start: a variable whose name needs quoting.
                let key = self.expr()?;
                self.expect_bracket()?;
                let root = match &key {
                    Expr::Literal(v) => v.scalar_text(),
                    _ => return Err(self.error("a variable name in brackets must be quoted text")),
                };
                self.path_rest(root, range)
            }
            Tok::Ident(name) => match name.as_str() {
                "true" => Ok(Expr::Literal(Value::Bool(true))),
                "false" => Ok(Expr::Literal(Value::Bool(false))),
                "nil" | "null" => Ok(Expr::Literal(Value::Nil)),
                "empty" => Ok(Expr::Literal(Value::Empty)),
                "blank" => Ok(Expr::Literal(Value::Blank)),
                _ => self.path_rest(name, range),
            },
            other => {
                self.at -= 1;
                Err(self.error(format!("expected a value, found `{}`", show(&other))))
            }
        }
    }

    fn expect_bracket(&mut self) -> Result<(), ExprError> {
        if self.next().map(|t| t.0) != Some(Tok::RBracket) {
            self.at = self.at.saturating_sub(1);
            return Err(self.error("expected `]`"));
        }
        Ok(())
    }

    fn path_rest(&mut self, root: String, start: Range<usize>) -> Result<Expr, ExprError> {
        let mut segments = Vec::new();
        let mut end = start.end;
        loop {
            match self.peek() {
                Some(Tok::Dot) => {
                    self.at += 1;
                    match self.next() {
                        Some((Tok::Ident(k), r)) => {
                            end = r.end;
                            segments.push(Segment::Key(k));
                        }
                        Some((Tok::Int(i), r)) => {
                            end = r.end;
                            segments.push(Segment::Key(i.to_string()));
                        }
                        _ => {
                            self.at = self.at.saturating_sub(1);
                            return Err(self.error("expected a name after `.`"));
                        }
                    }
                }
                Some(Tok::LBracket) => {
                    self.at += 1;
                    let index = self.expr()?;
                    end = self.here().end;
                    self.expect_bracket()?;
                    segments.push(Segment::Index(index));
                }
                _ => break,
            }
        }
        Ok(Expr::Path {
            root,
            segments,
            range: start.start..end,
        })
    }

    /// A condition: comparisons joined by `and`/`or`, grouped from the right.
    pub(crate) fn condition(&mut self) -> Result<Condition, ExprError> {
        self.deeper()?;
        let left = self.comparison()?;
        let c = if self.eat_word("and") {
            self.condition()
                .map(|right| Condition::And(Box::new(left), Box::new(right)))
        } else if self.eat_word("or") {
            self.condition()
                .map(|right| Condition::Or(Box::new(left), Box::new(right)))
        } else {
            Ok(left)
        };
        self.depth -= 1;
        c
    }

    fn comparison(&mut self) -> Result<Condition, ExprError> {
        let a = self.expr()?;
        let op = match self.peek() {
            Some(Tok::Op(op)) => *op,
            Some(Tok::Ident(w)) if w == "contains" => Op::Contains,
            _ => return Ok(Condition::Truthy(a)),
        };
        self.at += 1;
        let b = self.expr()?;
        Ok(Condition::Compare(a, op, b))
    }
}

fn show(t: &Tok) -> String {
    match t {
        Tok::Ident(s) | Tok::Str(s) => s.clone(),
        Tok::Int(i) => i.to_string(),
        Tok::Float(f) => f.to_string(),
        Tok::Dot => ".".into(),
        Tok::DotDot => "..".into(),
        Tok::Pipe => "|".into(),
        Tok::Colon => ":".into(),
        Tok::Comma => ",".into(),
        Tok::LParen => "(".into(),
        Tok::RParen => ")".into(),
        Tok::LBracket => "[".into(),
        Tok::RBracket => "]".into(),
        Tok::Assign => "=".into(),
        Tok::Op(_) => "operator".into(),
    }
}

fn lex(text: &str, range: Range<usize>) -> Result<Vec<(Tok, Range<usize>)>, ExprError> {
    let s = &text[range.clone()];
    let base = range.start;
    let mut out = Vec::new();
    let mut chars = s.char_indices().peekable();
    while let Some(&(i, c)) = chars.peek() {
        let at = base + i;
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let single = |t: Tok, len: usize| (t, at..at + len);
        let two = s[i..].get(..2).unwrap_or("");
        let tok = match c {
            '\'' | '"' => {
                chars.next();
                let mut end = None;
                for (j, d) in chars.by_ref() {
                    if d == c {
                        end = Some(j);
                        break;
                    }
                }
                let Some(j) = end else {
                    return Err(ExprError {
                        range: at..range.end,
                        message: format!("text opened with {c} is never closed"),
                        hint: Some(format!("close it with {c}")),
                    });
                };
                out.push((Tok::Str(s[i + 1..j].to_string()), at..base + j + 1));
                continue;
            }
            '.' if two == ".." => single(Tok::DotDot, 2),
            '.' => single(Tok::Dot, 1),
            '|' => single(Tok::Pipe, 1),
            ':' => single(Tok::Colon, 1),
            ',' => single(Tok::Comma, 1),
            '(' => single(Tok::LParen, 1),
            ')' => single(Tok::RParen, 1),
            '[' => single(Tok::LBracket, 1),
            ']' => single(Tok::RBracket, 1),
            '=' if two == "==" => single(Tok::Op(Op::Eq), 2),
            '!' if two == "!=" => single(Tok::Op(Op::Ne), 2),
            '<' if two == "<>" => single(Tok::Op(Op::Ne), 2),
            '<' if two == "<=" => single(Tok::Op(Op::Le), 2),
            '>' if two == ">=" => single(Tok::Op(Op::Ge), 2),
            '<' => single(Tok::Op(Op::Lt), 1),
            '>' => single(Tok::Op(Op::Gt), 1),
            '=' => single(Tok::Assign, 1),
            c if c.is_ascii_digit()
                || (c == '-' && s[i + 1..].starts_with(|d: char| d.is_ascii_digit())) =>
            {
                let mut j = i + 1;
                let b = s.as_bytes();
                while j < b.len() && b[j].is_ascii_digit() {
                    j += 1;
                }
                let float = j + 1 < b.len() && b[j] == b'.' && b[j + 1].is_ascii_digit();
                if float {
                    j += 1;
                    while j < b.len() && b[j].is_ascii_digit() {
                        j += 1;
                    }
                }
                let lit = &s[i..j];
                let tok = if float {
                    Tok::Float(lit.parse().unwrap_or(0.0))
                } else {
                    match lit.parse() {
                        Ok(n) => Tok::Int(n),
                        Err(_) => Tok::Float(lit.parse().unwrap_or(0.0)),
                    }
                };
                out.push((tok, at..base + j));
                while chars.peek().is_some_and(|&(k, _)| k < j) {
                    chars.next();
                }
                continue;
            }
            c if is_ident_start(c) => {
                let mut j = i;
                for (k, d) in s[i..].char_indices() {
                    if !(is_ident_char(d) || (d == '?' && k > 0)) {
                        break;
                    }
                    j = i + k + d.len_utf8();
                    if d == '?' {
                        break;
                    }
                }
                out.push((Tok::Ident(s[i..j].to_string()), at..base + j));
                while chars.peek().is_some_and(|&(k, _)| k < j) {
                    chars.next();
                }
                continue;
            }
            other => {
                return Err(ExprError {
                    range: at..at + other.len_utf8(),
                    message: format!("unexpected `{other}` in the expression"),
                    hint: None,
                })
            }
        };
        out.push(tok);
        let len = out.last().map_or(1, |(_, r)| r.end - r.start);
        for _ in 0..s[i..i + len].chars().count() {
            chars.next();
        }
    }
    Ok(out)
}

/// Parses a whole expression (an output's inside) from `text[range]`.
pub(crate) fn parse_output(
    text: &str,
    range: Range<usize>,
    syntax: &dyn Syntax,
) -> Result<Expr, ExprError> {
    let mut p = ExprParser::new(text, range.clone(), syntax)?;
    if p.at_end() {
        return Err(ExprError {
            range,
            message: "empty `{{ }}`".into(),
            hint: Some("write a variable such as `{{site.konnect_short_name}}`".into()),
        });
    }
    let e = p.expr()?;
    p.finish()?;
    Ok(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Expr, ExprError> {
        parse_output(s, 0..s.len(), &crate::syntax::PlainLiquid)
    }

    #[test]
    fn paths_literals_ranges_and_filters() {
        assert!(
            matches!(parse("site.data.plugins.ai-proxy").unwrap(), Expr::Path { root, segments, .. } if root == "site" && segments.len() == 3)
        );
        assert!(
            matches!(parse("a[0].b[\"c\"]").unwrap(), Expr::Path { segments, .. } if segments.len() == 3)
        );
        assert!(matches!(parse("'x'").unwrap(), Expr::Literal(Value::Str(s, _)) if &*s == "x"));
        assert!(matches!(parse("(1..n)").unwrap(), Expr::Range(..)));
        let Expr::Filtered { filters, .. } = parse("r | where: 'label', empty | first").unwrap()
        else {
            panic!()
        };
        assert_eq!(
            filters.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(),
            ["where", "first"]
        );
        assert_eq!(filters[0].args.len(), 2);
        assert!(matches!(
            parse("-3").unwrap(),
            Expr::Literal(Value::Int(-3))
        ));
        assert!(matches!(
            parse("2.5").unwrap(),
            Expr::Literal(Value::Float(_))
        ));
    }

    #[test]
    fn unknown_filters_are_refused_with_a_suggestion() {
        let e = parse("x | upcasee").unwrap_err();
        assert_eq!(e.message, "unknown Liquid filter `upcasee`");
        assert_eq!(e.hint.as_deref(), Some("did you mean `upcase`?"));
        assert_eq!(e.range, 4..11);
    }

    #[test]
    fn conditions_group_from_the_right() {
        let s = "a == 1 or b and c contains 'x'";
        let mut p = ExprParser::new(s, 0..s.len(), &crate::syntax::PlainLiquid).unwrap();
        let c = p.condition().unwrap();
        assert!(matches!(c, Condition::Or(_, right) if matches!(*right, Condition::And(..))));
    }

    /// Nesting is bounded: a thousand parentheses or `and`s are an error, not a stack
    /// overflow.
    #[test]
    fn deep_expressions_are_refused() {
        let deep = format!("{}1..2{}", "(".repeat(1000), "..3)".repeat(1000));
        assert!(parse(&deep)
            .unwrap_err()
            .message
            .contains("nests more than"));
        let index = format!("a{}0{}", "[a".repeat(1000), "]".repeat(1000));
        assert!(parse(&index)
            .unwrap_err()
            .message
            .contains("nests more than"));
        let chain = vec!["a"; 2000].join(" and ");
        let mut p = ExprParser::new(&chain, 0..chain.len(), &crate::syntax::PlainLiquid).unwrap();
        assert!(p
            .condition()
            .unwrap_err()
            .message
            .contains("nests more than"));
    }

    #[test]
    fn errors_point_at_their_column() {
        let e = parse("a b").unwrap_err();
        assert_eq!(e.range, 2..3);
        assert!(parse("'open").unwrap_err().message.contains("never closed"));
        assert_eq!(parse("  ").unwrap_err().message, "empty `{{ }}`");
    }
}
