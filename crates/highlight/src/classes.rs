//! Which class a token gets: the innermost of its grammar scopes that names a kind of
//! token decides (a string's quote marks are punctuation inside the string, so they take
//! the string's class). Sublime scope names are shared across grammars, so one table
//! serves every language; a token no entry matches is plain text.

use std::sync::LazyLock;

use syntect::parsing::{Scope, ScopeStack};

/// Every class [`class_of`] gives, with what it marks (the theme colours each one).
pub const CLASSES: &[(&str, &str)] = &[
    ("c", "comment"),
    ("k", "keyword, storage, operator"),
    ("s", "string"),
    ("se", "escape in a string"),
    ("m", "number, constant"),
    ("nf", "function, command"),
    ("nt", "tag, YAML key"),
    ("na", "attribute, JSON or TOML key"),
    ("nv", "variable, parameter"),
    ("nc", "type, class, section"),
    ("gi", "inserted line"),
    ("gd", "deleted line"),
    ("gh", "heading, diff header"),
];

/// Scope prefixes, most specific first, and the class each gives.
const BY_SCOPE: &[(&str, &str)] = &[
    ("comment", "c"),
    ("constant.character.escape", "se"),
    ("string", "s"),
    ("constant", "m"),
    ("keyword", "k"),
    ("storage", "k"),
    ("entity.name.function", "nf"),
    ("support.function", "nf"),
    ("variable.function", "nf"),
    ("entity.name.tag", "nt"),
    ("entity.other.attribute-name", "na"),
    ("support.type.property-name", "na"),
    ("entity.name", "nc"),
    ("entity.other.inherited-class", "nc"),
    ("support.type", "nc"),
    ("support.class", "nc"),
    ("support.constant", "m"),
    ("variable", "nv"),
    ("support.variable", "nv"),
    ("markup.inserted", "gi"),
    ("markup.deleted", "gd"),
    ("markup.heading", "gh"),
    ("meta.diff.header", "gh"),
    ("meta.diff.range", "gh"),
];

/// Scopes that decide wherever they are in the stack: a key is a key even though its
/// grammar reads it as a string (JSON's `"name":`).
const ENCLOSING: &[(&str, &str)] = &[("meta.mapping.key", "na")];

struct Table {
    by_scope: Vec<(Scope, &'static str)>,
    enclosing: Vec<(Scope, &'static str)>,
}

static TABLE: LazyLock<Table> = LazyLock::new(|| {
    let read = |rows: &[(&str, &'static str)]| {
        rows.iter()
            .filter_map(|(s, c)| Scope::new(s).ok().map(|s| (s, *c)))
            .collect()
    };
    Table {
        by_scope: read(BY_SCOPE),
        enclosing: read(ENCLOSING),
    }
});

/// The class of a token whose scopes are `stack`, or `None` for plain text.
pub(crate) fn class_of(stack: &ScopeStack) -> Option<&'static str> {
    let t = &*TABLE;
    let scopes = stack.as_slice();
    for scope in scopes {
        if let Some((_, c)) = t.enclosing.iter().find(|(p, _)| p.is_prefix_of(*scope)) {
            // Inside a key, a comment is still a comment.
            if !scopes.iter().any(|s| t.by_scope[0].0.is_prefix_of(*s)) {
                return Some(c);
            }
        }
    }
    scopes.iter().rev().find_map(|scope| {
        t.by_scope
            .iter()
            .find(|(p, _)| p.is_prefix_of(*scope))
            .map(|(_, c)| *c)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stack(scopes: &str) -> ScopeStack {
        scopes.parse().expect("scopes")
    }

    #[test]
    fn the_innermost_scope_that_names_a_kind_decides() {
        let quote = stack("source.shell string.quoted.double punctuation.definition.string");
        assert_eq!(class_of(&quote), Some("s"));
        assert_eq!(class_of(&stack("source.shell keyword.control")), Some("k"));
        assert_eq!(class_of(&stack("source.shell punctuation.separator")), None);
        let escape = stack("source.json string.quoted constant.character.escape");
        assert_eq!(class_of(&escape), Some("se"));
    }

    #[test]
    fn a_key_is_a_key_though_its_grammar_reads_a_string() {
        let key = stack("source.json meta.mapping.key.json string.quoted.double.json");
        assert_eq!(class_of(&key), Some("na"));
    }

    #[test]
    fn every_class_given_is_listed() {
        for (_, c) in BY_SCOPE.iter().chain(ENCLOSING) {
            assert!(CLASSES.iter().any(|(k, _)| k == c), "{c}");
        }
        assert_eq!(TABLE.by_scope.len(), BY_SCOPE.len());
    }
}
