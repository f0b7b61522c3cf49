//! What a fence's info string names. Docs write short names (`sh`, `ts`, `tf`, `yml`) and
//! a few that name no grammar on purpose (`text`, `ansi` for terminal output); the table
//! below maps the ones docs use to grammars, and any other name is looked up among the
//! grammars' names and file extensions (`rust`, `java`, `proto`…).

use crate::SYNTAXES;

/// A language code blocks are highlighted as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Language {
    /// Its name, as `data-lang` shows it: the alias table's name, else the grammar's.
    pub name: &'static str,
    /// The grammar's name in the set; `None` for plain text.
    pub syntax: Option<&'static str>,
    kind: Kind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Code,
    /// Text with no grammar: shown as written.
    Plain,
    /// A shell transcript: `$ ` prompts, then output.
    Console,
}

impl Language {
    /// Whether it is a shell transcript (prompts and output; only commands are copied).
    pub fn is_console(&self) -> bool {
        self.kind == Kind::Console
    }

    /// Whether it is plain text (no grammar).
    pub fn is_plain(&self) -> bool {
        self.kind == Kind::Plain
    }
}

/// Names docs use, the name shown, and the grammar (or plain text).
const ALIASES: &[(&[&str], &str, Option<&str>, Kind)] = {
    use Kind::*;
    let bash = Some("Bourne Again Shell (bash)");
    &[
        (&["bash", "sh", "shell", "zsh"], "bash", bash, Code),
        (
            &["console", "shell-session", "terminal"],
            "console",
            bash,
            Console,
        ),
        (&["yaml", "yml"], "yaml", Some("YAML"), Code),
        (&["json", "jsonc", "json5"], "json", Some("JSON"), Code),
        (&["http"], "http", Some("HTTP Request and Response"), Code),
        (&["lua"], "lua", Some("Lua"), Code),
        (&["toml"], "toml", Some("TOML"), Code),
        (&["hcl", "terraform", "tf"], "hcl", Some("Terraform"), Code),
        (&["go", "golang"], "go", Some("Go"), Code),
        (&["python", "py"], "python", Some("Python"), Code),
        (
            &["javascript", "js", "jsx", "mjs"],
            "javascript",
            Some("JavaScript (Babel)"),
            Code,
        ),
        (
            &["typescript", "ts"],
            "typescript",
            Some("TypeScript"),
            Code,
        ),
        (&["tsx"], "tsx", Some("TypeScriptReact"), Code),
        (&["sql"], "sql", Some("SQL"), Code),
        (&["xml", "svg"], "xml", Some("XML"), Code),
        (&["html", "htm", "xhtml"], "html", Some("HTML"), Code),
        (&["nginx"], "nginx", Some("nginx"), Code),
        (
            &["dockerfile", "docker"],
            "dockerfile",
            Some("Dockerfile"),
            Code,
        ),
        (
            &["ini", "conf", "cfg", "properties"],
            "ini",
            Some("INI"),
            Code,
        ),
        (&["diff", "patch"], "diff", Some("Diff"), Code),
        (
            &["powershell", "ps1", "pwsh"],
            "powershell",
            Some("PowerShell"),
            Code,
        ),
        // Liquid's tags are Jinja's ({% %}, {{ }}) around HTML.
        (
            &["liquid", "jinja", "jinja2"],
            "liquid",
            Some("HTML (Jinja2)"),
            Code,
        ),
        (&["graphql", "gql"], "graphql", Some("GraphQL"), Code),
        (
            &["text", "txt", "plaintext", "plain", "output", "log"],
            "text",
            None,
            Plain,
        ),
        (&["ansi"], "ansi", None, Plain),
    ]
};

/// The language a fence labelled `info` (its first word, any case) is highlighted as;
/// `None` when nothing knows the name (the block is plain text).
pub fn language(info: &str) -> Option<Language> {
    let word = info.split_whitespace().next()?.trim_start_matches('.');
    let lower = word.to_ascii_lowercase();
    if let Some((_, name, syntax, kind)) = ALIASES
        .iter()
        .find(|(names, ..)| names.contains(&lower.as_str()))
    {
        return Some(Language {
            name,
            syntax: *syntax,
            kind: *kind,
        });
    }
    let set = &*SYNTAXES;
    let found = set
        .find_syntax_by_token(word)
        .or_else(|| set.find_syntax_by_token(&lower))?;
    let name: &'static str = &found.name;
    Some(Language {
        name,
        syntax: Some(name),
        kind: Kind::Code,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_aliased_grammar_is_in_the_set() {
        for (names, _, syntax, _) in ALIASES {
            if let Some(s) = syntax {
                assert!(
                    SYNTAXES.find_syntax_by_name(s).is_some(),
                    "{names:?}: no grammar {s}"
                );
            }
        }
    }

    #[test]
    fn docs_names_and_grammar_names_both_resolve() {
        assert_eq!(language("sh").map(|l| l.name), Some("bash"));
        assert_eq!(language("YAML").map(|l| l.name), Some("yaml"));
        assert_eq!(language("tf").map(|l| l.name), Some("hcl"));
        assert_eq!(language("rust").map(|l| l.name), Some("Rust"));
        assert_eq!(language("rs").map(|l| l.name), Some("Rust"));
        assert!(language("ansi").is_some_and(|l| l.is_plain()));
        assert!(language("console").is_some_and(|l| l.is_console()));
        assert_eq!(language("no-such-language"), None);
        assert_eq!(language(""), None);
    }
}
