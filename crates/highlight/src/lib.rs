//! Build-time syntax highlighting: a code block's text becomes HTML whose tokens are
//! `<span class="…">`s with a dozen short class names (`k` keyword, `s` string, `c`
//! comment…), which the theme colours for light and dark. No inline styles: pages forbid
//! them (their Content-Security-Policy), and classes keep the HTML small.
//!
//! Two engines, chosen per language on measurement (ARCHITECTURE.md, Decisions): the
//! languages most fences are written in (shell, YAML, JSON, TOML) go to tree-sitter, three
//! to seven times faster on them; the long tail (HCL, nginx, Dockerfile, HTTP, INI and
//! twenty more) to syntect with Sublime Text's grammars as bat keeps them (the `two-face`
//! crate), one crate for all of them. Both give the same classes.
//!
//! - [`language`]: what a fence's info string names (with the aliases docs use: `sh`,
//!   `shell`, `tf`, `ts`…), or `None`, which renders as plain text.
//! - [`highlight`]: the HTML inside `<code>` for a block.
//! - `classes`: which class a token gets from its grammar scopes (syntect).
//! - `tree`: tree-sitter's languages and which class each of their captures gives.
//! - `console`: transcripts (`console`, `shell-session`): prompts and output marked so
//!   that copying takes the commands only.

mod classes;
mod console;
mod languages;
mod tree;

use std::fmt::Write as _;
use std::sync::LazyLock;

use portolan_htmlscan::{escape_html, escape_html_into};
use syntect::parsing::{ParseState, ScopeStack, SyntaxReference, SyntaxSet};

pub use classes::CLASSES;
pub use languages::{language, Language};

/// The grammars, read once per process (about 30 ms) on first use.
static SYNTAXES: LazyLock<SyntaxSet> = LazyLock::new(two_face::syntax::extra_newlines);

/// A block's highlighted HTML: what goes inside `<code>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Highlighted {
    /// Escaped text with token spans.
    pub html: String,
    /// The language it was highlighted as; `None` for plain text.
    pub language: Option<Language>,
}

/// Highlights `code` written in a fence labelled `lang` (its first word). An unknown
/// language, or text its grammar cannot read, comes back escaped and unhighlighted.
pub fn highlight(lang: &str, code: &str) -> Highlighted {
    let language = language(lang);
    let html = match language {
        Some(l) if l.is_console() => console::transcript(code, &highlight_with),
        Some(l) if l.is_plain() => plain(l, code),
        Some(l) => highlight_with(l, code),
        None => escape_html(code),
    };
    Highlighted { html, language }
}

/// Plain text; an `ansi` block loses its escape sequences (a terminal's colours, which the
/// page cannot show and which would be control characters in HTML).
fn plain(l: Language, code: &str) -> String {
    if l.name == "ansi" {
        escape_html(&console::strip_ansi(code))
    } else {
        escape_html(code)
    }
}

/// `code` highlighted with `l`'s grammar (plain when no engine has it): tree-sitter's when
/// it has one and can read the block, else syntect's.
fn highlight_with(l: Language, code: &str) -> String {
    if let Some(html) = tree::Grammar::for_language(l.name).and_then(|g| tree::highlight(g, code)) {
        return html;
    }
    let set = &*SYNTAXES;
    match l.syntax.and_then(|name| set.find_syntax_by_name(name)) {
        Some(syntax) => tokens(set, syntax, code).unwrap_or_else(|| escape_html(code)),
        None => escape_html(code),
    }
}

/// The tokens of `code` as spans; `None` if the grammar fails on a line (syntect reports
/// a grammar error rather than panicking; the block is then shown plain).
fn tokens(set: &SyntaxSet, syntax: &SyntaxReference, code: &str) -> Option<String> {
    let mut state = ParseState::new(syntax);
    let mut stack = ScopeStack::new();
    let mut out = String::with_capacity(code.len() * 2);
    let mut run = Run::default();
    for line in code.split_inclusive('\n') {
        let ops = state.parse_line(line, set).ok()?;
        let mut at = 0;
        for (i, op) in ops {
            if i > at {
                run.push(&mut out, classes::class_of(&stack), &line[at..i]);
                at = i;
            }
            stack.apply(&op).ok()?;
        }
        if at < line.len() {
            run.push(&mut out, classes::class_of(&stack), &line[at..]);
        }
    }
    run.close(&mut out);
    Some(out)
}

/// Adjacent text of one class in one span: grammars split tokens finer than colours do.
#[derive(Default)]
pub(crate) struct Run {
    class: Option<&'static str>,
}

impl Run {
    pub(crate) fn push(&mut self, out: &mut String, class: Option<&'static str>, text: &str) {
        // A line break ends a span, so that a line's HTML never starts inside one
        // opened on the line before (a multi-line comment gets a span per line).
        for piece in text.split_inclusive('\n') {
            if class != self.class {
                self.close(out);
                if let Some(c) = class {
                    let _ = write!(out, "<span class=\"{c}\">");
                }
                self.class = class;
            }
            match piece.strip_suffix('\n') {
                Some(body) => {
                    escape_html_into(out, body);
                    self.close(out);
                    out.push('\n');
                }
                None => escape_html_into(out, piece),
            }
        }
    }

    pub(crate) fn close(&mut self, out: &mut String) {
        if self.class.take().is_some() {
            out.push_str("</span>");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_strings_and_comments_get_classes() {
        let h = highlight("bash", "# install\nif true; then echo \"hi\"; fi\n");
        assert_eq!(h.language.map(|l| l.name), Some("bash"));
        assert!(
            h.html.contains("<span class=\"c\"># install</span>\n"),
            "{}",
            h.html
        );
        assert!(h.html.contains("<span class=\"k\">if</span>"), "{}", h.html);
        assert!(
            h.html.contains("<span class=\"s\">&quot;hi&quot;</span>"),
            "{}",
            h.html
        );
    }

    #[test]
    fn text_is_escaped_inside_and_outside_tokens() {
        let h = highlight("html", "<script>alert('&')</script>");
        assert!(!h.html.contains("<script"), "{}", h.html);
        assert!(h.html.contains("&lt;"), "{}", h.html);
        let plain = highlight("nonesuch", "<b>&</b>");
        assert_eq!(plain.html, "&lt;b&gt;&amp;&lt;/b&gt;");
        assert_eq!(plain.language, None);
    }

    /// The text of highlighted HTML: tags dropped, references decoded (the spans hold no
    /// `>` of their own: text is escaped).
    fn text_of(html: &str) -> String {
        let mut text = String::new();
        let mut in_tag = false;
        for c in html.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => text.push(c),
                _ => {}
            }
        }
        portolan_htmlscan::decode_references(&text).into_owned()
    }

    #[test]
    fn the_text_survives_highlighting() {
        let code = "key: \"v\" # note\nlist:\n  - 1\n  - <x>\n";
        for lang in [
            "yaml", "json", "hcl", "lua", "go", "python", "ts", "sql", "nginx",
        ] {
            let h = highlight(lang, code);
            assert_eq!(text_of(&h.html), code, "{lang}");
        }
    }

    #[test]
    fn no_span_crosses_a_line_break() {
        let h = highlight("js", "/* one\ntwo */ let x = `a\nb`;\n");
        for line in h.html.lines() {
            assert_eq!(
                line.matches("<span").count(),
                line.matches("</span>").count(),
                "{line}"
            );
        }
    }

    #[test]
    fn ansi_blocks_lose_escape_sequences() {
        let h = highlight("ansi", "\u{1b}[1;32mok\u{1b}[0m <done>");
        assert_eq!(h.html, "ok &lt;done&gt;");
    }
}
