//! tree-sitter for the languages that dominate docs' code blocks: shell (also the commands
//! of a transcript), YAML, JSON and TOML. Measured on the Kong folder's fences, tree-sitter
//! highlights bash in about 12 µs a line and YAML in about 9, where syntect takes 45 and
//! 61; these four are most of a docs site's fences, so they decide a cold build's time.
//!
//! Each grammar crate ships its highlight query; its capture names (`string`, `property`,
//! `function`...) map to the same classes syntect's scopes get, per language where the
//! grammars differ in what a name marks (bash calls a variable a `property`, YAML a key).
//! A block tree-sitter cannot highlight (an error, or a panic caught) returns `None`, and
//! the caller uses syntect.

use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::LazyLock;

use tree_sitter_highlight::{HighlightConfiguration, HighlightEvent, Highlighter};

use crate::Run;

/// A language tree-sitter highlights here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Grammar {
    Bash,
    Yaml,
    Json,
    Toml,
}

impl Grammar {
    /// The grammar for a language's display name (`Language::name`), if tree-sitter has it.
    pub(crate) fn for_language(name: &str) -> Option<Grammar> {
        match name {
            "bash" | "console" => Some(Grammar::Bash),
            "yaml" => Some(Grammar::Yaml),
            "json" => Some(Grammar::Json),
            "toml" => Some(Grammar::Toml),
            _ => None,
        }
    }

    /// The class a capture name gives in this language; `None` leaves the text to the
    /// enclosing capture (a command substitution, whose words have classes of their own).
    fn class(self, capture: &str) -> Option<&'static str> {
        use Grammar::*;
        match (self, capture) {
            (_, "comment") => Some("c"),
            (_, "escape") => Some("se"),
            // Shell: `$NAME` is a variable, and a `-flag` a parameter (syntect's bash: `nv`).
            (Bash, "property" | "constant") => Some("nv"),
            // A key: `nt` in YAML, `na` in JSON and TOML, as syntect's grammars have them.
            (Yaml, "property" | "string.special.key") => Some("nt"),
            (_, "property" | "string.special.key") => Some("na"),
            (Yaml, "label") => Some("nv"),
            (_, "string") => Some("s"),
            (_, "number" | "boolean" | "constant") => Some("m"),
            (_, "keyword" | "operator" | "attribute") => Some("k"),
            (_, "function") => Some("nf"),
            // A YAML tag; a TOML table's header (syntect: a section).
            (_, "type") => Some("nc"),
            _ => None,
        }
    }

    fn configuration(self) -> Option<&'static Configured> {
        static BASH: LazyLock<Option<Configured>> = LazyLock::new(|| {
            configure(
                Grammar::Bash,
                tree_sitter_bash::LANGUAGE.into(),
                tree_sitter_bash::HIGHLIGHT_QUERY,
            )
        });
        static YAML: LazyLock<Option<Configured>> = LazyLock::new(|| {
            configure(
                Grammar::Yaml,
                tree_sitter_yaml::LANGUAGE.into(),
                tree_sitter_yaml::HIGHLIGHTS_QUERY,
            )
        });
        static JSON: LazyLock<Option<Configured>> = LazyLock::new(|| {
            configure(Grammar::Json, tree_sitter_json::LANGUAGE.into(), JSON_QUERY)
        });
        static TOML: LazyLock<Option<Configured>> = LazyLock::new(|| {
            configure(
                Grammar::Toml,
                tree_sitter_toml_ng::LANGUAGE.into(),
                tree_sitter_toml_ng::HIGHLIGHTS_QUERY,
            )
        });
        match self {
            Grammar::Bash => BASH.as_ref(),
            Grammar::Yaml => YAML.as_ref(),
            Grammar::Json => JSON.as_ref(),
            Grammar::Toml => TOML.as_ref(),
        }
    }
}

/// JSON's highlights, written here: the grammar's own query captures a key both as a key and
/// as a string, and tree-sitter-highlight keeps the string's capture. Each string is
/// captured once, by where it is.
const JSON_QUERY: &str = r#"
(pair key: (string) @string.special.key)
(pair value: (string) @string)
(array (string) @string)
(document (string) @string)
(number) @number
[(null) (true) (false)] @constant.builtin
(escape_sequence) @escape
(comment) @comment
"#;

/// The capture names the highlight queries use that can give a class (a longer name wins:
/// `string.special.key` over `string`); the others (punctuation) give no event at all.
const CAPTURES: &[&str] = &[
    "comment",
    "escape",
    "property",
    "string.special.key",
    "label",
    "string",
    "number",
    "boolean",
    "constant",
    "keyword",
    "operator",
    "attribute",
    "function",
    "type",
    "embedded",
];

/// The classes of keys, which decide over the captures inside them.
const KEYS: [&str; 2] = ["na", "nt"];

/// A grammar's configuration and the class of each capture name it was told.
struct Configured {
    config: HighlightConfiguration,
    classes: Vec<Option<&'static str>>,
}

/// `None` if the query does not compile against its grammar (a mismatched crate pair),
/// which sends its blocks to syntect.
fn configure(grammar: Grammar, language: tree_sitter::Language, query: &str) -> Option<Configured> {
    let mut config = HighlightConfiguration::new(language, "", query, "", "").ok()?;
    config.configure(CAPTURES);
    let classes = CAPTURES.iter().map(|c| grammar.class(c)).collect();
    Some(Configured { config, classes })
}

thread_local! {
    /// A parser and its query cursors, kept per thread (blocks are highlighted in parallel).
    static HIGHLIGHTER: RefCell<Highlighter> = RefCell::new(Highlighter::new());
}

/// `code` as escaped HTML with class spans, or `None` when tree-sitter cannot do it.
pub(crate) fn highlight(grammar: Grammar, code: &str) -> Option<String> {
    let configured = grammar.configuration()?;
    HIGHLIGHTER.with(|cell| {
        let mut highlighter = cell.try_borrow_mut().ok()?;
        let result = catch_unwind(AssertUnwindSafe(|| {
            spans(&mut highlighter, configured, code)
        }));
        match result {
            Ok(html) => html,
            Err(_) => {
                // Its state may be half-updated: start the next block from a new one.
                *highlighter = Highlighter::new();
                None
            }
        }
    })
}

fn spans(highlighter: &mut Highlighter, configured: &Configured, code: &str) -> Option<String> {
    let events = highlighter
        .highlight(&configured.config, code.as_bytes(), None, |_| None)
        .ok()?;
    let mut out = String::with_capacity(code.len() * 2);
    let mut run = Run::default();
    // The classes of the captures open at this point, innermost last.
    let mut open: Vec<Option<&'static str>> = Vec::new();
    for event in events {
        match event.ok()? {
            HighlightEvent::HighlightStart(h) => {
                open.push(configured.classes.get(h.0).copied().flatten())
            }
            HighlightEvent::HighlightEnd => {
                open.pop();
            }
            HighlightEvent::Source { start, end } => {
                // A key is a key though the grammar also reads it as a string (JSON's
                // `"name":` is both captures, the string inside); else the innermost decides.
                let class = open
                    .iter()
                    .find_map(|c| c.filter(|c| KEYS.contains(c)))
                    .or_else(|| open.iter().rev().find_map(|c| *c));
                run.push(&mut out, class, code.get(start..end)?);
            }
        }
    }
    run.close(&mut out);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_grammar_configures() {
        for g in [Grammar::Bash, Grammar::Yaml, Grammar::Json, Grammar::Toml] {
            assert!(g.configuration().is_some(), "{g:?}");
        }
    }

    #[test]
    fn the_names_docs_use_reach_their_grammar() {
        for (fence, grammar) in [
            ("sh", Grammar::Bash),
            ("shell", Grammar::Bash),
            ("console", Grammar::Bash),
            ("yml", Grammar::Yaml),
            ("json", Grammar::Json),
            ("toml", Grammar::Toml),
        ] {
            let name = crate::language(fence).expect("a known fence").name;
            assert_eq!(Grammar::for_language(name), Some(grammar), "{fence}");
        }
        assert_eq!(
            Grammar::for_language(crate::language("hcl").unwrap().name),
            None
        );
    }

    #[test]
    fn keys_commands_and_variables_get_their_classes() {
        let quoted = highlight(Grammar::Yaml, "\"a b\": 'c'\n").unwrap();
        assert!(
            quoted.starts_with("<span class=\"nt\">&quot;a b&quot;</span>"),
            "{quoted}"
        );
        let yaml = highlight(Grammar::Yaml, "name: kong # gateway\nport: 8000\n").unwrap();
        assert_eq!(
            yaml,
            "<span class=\"nt\">name</span>: <span class=\"s\">kong</span> \
             <span class=\"c\"># gateway</span>\n<span class=\"nt\">port</span>: \
             <span class=\"m\">8000</span>\n"
        );
        let bash = highlight(Grammar::Bash, "curl -i $URL\n").unwrap();
        assert_eq!(
            bash,
            "<span class=\"nf\">curl</span> <span class=\"nv\">-i</span> \
             <span class=\"k\">$</span><span class=\"nv\">URL</span>\n"
        );
        let json = highlight(Grammar::Json, "{\"a\": [1, true, \"x\"], \"b\\n\": \"y\"}").unwrap();
        assert!(
            json.contains("<span class=\"na\">&quot;b\\n&quot;</span>"),
            "{json}"
        );
        assert!(
            json.contains("<span class=\"na\">&quot;a&quot;</span>"),
            "{json}"
        );
        assert!(
            json.contains("<span class=\"s\">&quot;x&quot;</span>"),
            "{json}"
        );
    }

    #[test]
    fn broken_text_still_comes_back_whole() {
        for (g, code) in [
            (Grammar::Bash, "if [ \"$x\" ; then\n  echo <b>&\n"),
            (Grammar::Yaml, "a: [1, 2\n  - : : {\n"),
            (Grammar::Json, "{\"a\": <script>"),
            (Grammar::Toml, "[x\nkey = \"é\u{0}\""),
        ] {
            let html = highlight(g, code).unwrap();
            assert!(!html.contains("<b>") && !html.contains("<script"), "{html}");
        }
    }
}
