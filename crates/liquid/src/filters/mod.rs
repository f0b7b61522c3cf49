//! The engine's filters: one table, [`FILTERS`], from each name to its code. Standard
//! Liquid's are in `standard.rs`, Jekyll's in `jekyll.rs`; a host adds its own through
//! [`crate::Host`] (the dialect's `markdownify`, `relative_url`, Kong's filters...).
//!
//! Filters are lenient like Liquid's: a filter given something it cannot use returns its
//! input (or nil), never an error; only an unknown filter name is an error, found when the
//! expression is parsed. The one other way a filter fails is a page's budget: every filter
//! asks its [`FilterCall`] for the bytes it builds and the walk it does before doing it
//! (see [`crate::limits`]), and the renderer turns a refusal into an error at the filter.

mod jekyll;
mod standard;

use std::borrow::Cow;

use crate::budget::{Bounded, Budget, Exceeded};
use crate::value::Value;

/// One call of a filter: its input, its arguments, and the page's budget.
pub struct FilterCall<'c> {
    /// What the filter is applied to.
    pub input: Value,
    /// Positional arguments.
    pub args: Vec<Value>,
    /// `key: value` arguments.
    pub keywords: Vec<(String, Value)>,
    /// What the page may still spend.
    pub budget: &'c mut Budget,
    /// The build's time, Unix seconds (`"now" | date`): the engine reads no clock.
    pub now: i64,
}

/// A filter of the engine's own.
pub(crate) type FilterFn = fn(&mut FilterCall<'_>) -> Result<Value, Exceeded>;

/// What a filter name stands for.
#[derive(Clone, Copy)]
pub(crate) enum Filter {
    /// A function of its call.
    Pure(FilterFn),
    /// `where_exp`/`find_exp`: an expression evaluated for each item, by the renderer.
    Expression { find: bool },
}

/// Every filter the engine knows, by name.
pub(crate) const FILTERS: &[(&str, Filter)] = &[
    // Standard Liquid.
    ("abs", Filter::Pure(standard::abs)),
    ("append", Filter::Pure(standard::append)),
    ("at_least", Filter::Pure(standard::at_least)),
    ("at_most", Filter::Pure(standard::at_most)),
    ("capitalize", Filter::Pure(standard::capitalize)),
    ("ceil", Filter::Pure(standard::ceil)),
    ("compact", Filter::Pure(standard::compact)),
    ("concat", Filter::Pure(standard::concat)),
    ("date", Filter::Pure(standard::date)),
    ("default", Filter::Pure(standard::default)),
    ("divided_by", Filter::Pure(standard::divided_by)),
    ("downcase", Filter::Pure(standard::downcase)),
    ("escape", Filter::Pure(standard::escape)),
    ("escape_once", Filter::Pure(standard::escape_once)),
    ("first", Filter::Pure(standard::first)),
    ("floor", Filter::Pure(standard::floor)),
    ("join", Filter::Pure(standard::join)),
    ("last", Filter::Pure(standard::last)),
    ("lstrip", Filter::Pure(standard::lstrip)),
    ("map", Filter::Pure(standard::map)),
    ("minus", Filter::Pure(standard::minus)),
    ("modulo", Filter::Pure(standard::modulo)),
    ("newline_to_br", Filter::Pure(standard::newline_to_br)),
    ("plus", Filter::Pure(standard::plus)),
    ("prepend", Filter::Pure(standard::prepend)),
    ("remove", Filter::Pure(standard::remove)),
    ("remove_first", Filter::Pure(standard::remove_first)),
    ("remove_last", Filter::Pure(standard::remove_last)),
    ("replace", Filter::Pure(standard::replace)),
    ("replace_first", Filter::Pure(standard::replace_first)),
    ("replace_last", Filter::Pure(standard::replace_last)),
    ("reverse", Filter::Pure(standard::reverse)),
    ("round", Filter::Pure(standard::round)),
    ("rstrip", Filter::Pure(standard::rstrip)),
    ("size", Filter::Pure(standard::size)),
    ("slice", Filter::Pure(standard::slice)),
    ("sort", Filter::Pure(standard::sort)),
    ("sort_natural", Filter::Pure(standard::sort_natural)),
    ("split", Filter::Pure(standard::split)),
    ("strip", Filter::Pure(standard::strip)),
    ("strip_html", Filter::Pure(standard::strip_html)),
    ("strip_newlines", Filter::Pure(standard::strip_newlines)),
    ("sum", Filter::Pure(standard::sum)),
    ("times", Filter::Pure(standard::times)),
    ("truncate", Filter::Pure(standard::truncate)),
    ("truncatewords", Filter::Pure(standard::truncatewords)),
    ("uniq", Filter::Pure(standard::uniq)),
    ("upcase", Filter::Pure(standard::upcase)),
    ("url_decode", Filter::Pure(standard::url_decode)),
    ("url_encode", Filter::Pure(standard::url_encode)),
    ("where", Filter::Pure(standard::where_)),
    // Jekyll's.
    (
        "array_to_sentence_string",
        Filter::Pure(jekyll::array_to_sentence_string),
    ),
    ("cgi_escape", Filter::Pure(standard::url_encode)),
    ("find", Filter::Pure(jekyll::find)),
    ("find_exp", Filter::Expression { find: true }),
    ("group_by", Filter::Pure(jekyll::group_by)),
    ("inspect", Filter::Pure(jekyll::inspect)),
    ("jsonify", Filter::Pure(jekyll::jsonify)),
    (
        "normalize_whitespace",
        Filter::Pure(jekyll::normalize_whitespace),
    ),
    ("number_of_words", Filter::Pure(jekyll::number_of_words)),
    ("pop", Filter::Pure(jekyll::pop)),
    ("push", Filter::Pure(jekyll::push)),
    ("sample", Filter::Pure(jekyll::sample)),
    ("shift", Filter::Pure(jekyll::shift)),
    ("slugify", Filter::Pure(jekyll::slugify)),
    ("smartify", Filter::Pure(jekyll::smartify)),
    ("unshift", Filter::Pure(jekyll::unshift)),
    ("uri_escape", Filter::Pure(jekyll::uri_escape)),
    ("where_exp", Filter::Expression { find: false }),
    ("xml_escape", Filter::Pure(standard::escape)),
];

/// The engine's filter called `name`.
pub(crate) fn lookup(name: &str) -> Option<Filter> {
    FILTERS.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
}

/// Applies the engine's pure filter `name` to `call`; `None` when there is no such filter
/// (or it needs the renderer: `where_exp`, `find_exp`).
pub fn apply_filter(name: &str, call: &mut FilterCall<'_>) -> Option<Result<Value, Exceeded>> {
    match lookup(name)? {
        Filter::Pure(f) => Some(f(call)),
        Filter::Expression { .. } => None,
    }
}

/// The names of the engine's filters, for suggestions.
pub(crate) fn names() -> impl Iterator<Item = &'static str> {
    FILTERS.iter().map(|(n, _)| *n)
}

pub use jekyll::jekyll_slugify;

static NIL: Value = Value::Nil;

impl FilterCall<'_> {
    /// Argument `i`, nil when not given.
    pub fn arg(&self, i: usize) -> &Value {
        self.args.get(i).unwrap_or(&NIL)
    }

    /// The keyword argument `name`.
    pub fn keyword(&self, name: &str) -> Option<&Value> {
        self.keywords
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    /// `v` as text, as `{{ }}` writes it: text as it is, an array or map written out (its
    /// walk and bytes charged).
    pub fn text<'v>(&mut self, v: &'v Value) -> Result<Cow<'v, str>, Exceeded> {
        match v {
            Value::Str(s, _) => Ok(Cow::Borrowed(s)),
            Value::Array(_) | Value::Map(_) => Ok(Cow::Owned(v.render_within(self.budget)?)),
            scalar => Ok(Cow::Owned(scalar.scalar_text())),
        }
    }

    /// The input as text.
    pub fn input_text(&mut self) -> Result<String, Exceeded> {
        let input = std::mem::take(&mut self.input);
        let s = self.text(&input)?.into_owned();
        self.input = input;
        Ok(s)
    }

    /// Argument `i` as text.
    pub fn arg_text(&mut self, i: usize) -> Result<String, Exceeded> {
        let v = self.arg(i).clone();
        Ok(self.text(&v)?.into_owned())
    }

    /// A string builder drawing on the page's budget.
    pub fn out(&mut self) -> Bounded<'_> {
        Bounded::new(self.budget)
    }

    /// An array of `items`, once their bytes are taken; refused when it would nest deeper
    /// than [`crate::limits::MAX_VALUE_DEPTH`].
    pub fn array(&mut self, items: Vec<Value>) -> Result<Value, Exceeded> {
        self.budget.items(items.len())?;
        let v = Value::array(items);
        if v.depth() > crate::limits::MAX_VALUE_DEPTH {
            return Err(Exceeded::Depth);
        }
        Ok(v)
    }

    /// Charges walking `v` (its size).
    pub fn walk(&mut self, v: &Value) -> Result<(), Exceeded> {
        self.budget.work(v.size())
    }

    /// The input's items, its walk charged when the caller will look into each.
    pub fn input_items(&mut self) -> Result<Vec<Value>, Exceeded> {
        self.budget.items(self.input.item_count())?;
        Ok(self.input.items())
    }
}

/// The `key` of each map item (`a.b` reaches into nested maps), or the item itself when
/// `key` is empty.
pub(crate) fn property(item: &Value, key: &str) -> Value {
    if key.is_empty() {
        return item.clone();
    }
    key.split('.').fold(item.clone(), |v, k| v.member(k))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Runs filter `name` on `input` with `args`, rendered as text.
    pub(crate) fn run(name: &str, input: Value, args: &[Value]) -> Value {
        run_with(name, input, args, &[], &mut Budget::default()).unwrap()
    }

    pub(crate) fn run_with(
        name: &str,
        input: Value,
        args: &[Value],
        keywords: &[(&str, Value)],
        budget: &mut Budget,
    ) -> Result<Value, Exceeded> {
        let Some(Filter::Pure(f)) = lookup(name) else {
            panic!("no pure filter `{name}`")
        };
        f(&mut FilterCall {
            input,
            args: args.to_vec(),
            keywords: keywords
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
            budget,
            now: 0,
        })
    }

    pub(crate) fn text(name: &str, input: Value, args: &[Value]) -> String {
        run(name, input, args)
            .render_within(&mut Budget::default())
            .unwrap()
    }

    pub(crate) fn strs(v: &[&str]) -> Value {
        Value::array(v.iter().map(|s| Value::str(*s)).collect())
    }

    /// Every name in the table has code behind it that answers for the name: a filter
    /// given text, a number and an array each gives something, and no two names share
    /// their code by accident (aliases are listed).
    #[test]
    fn every_filter_in_the_table_runs_and_is_distinct() {
        const ALIASES: &[(&str, &str)] = &[("cgi_escape", "url_encode"), ("xml_escape", "escape")];
        let mut seen: Vec<(usize, &str)> = Vec::new();
        for (name, f) in FILTERS {
            match f {
                Filter::Pure(code) => {
                    for input in [
                        Value::str("é <a> 3"),
                        Value::Int(-9),
                        strs(&["b", "a"]),
                        Value::Nil,
                    ] {
                        let mut b = Budget::default();
                        let r = code(&mut FilterCall {
                            input,
                            args: vec![Value::Int(-9), Value::Int(99)],
                            keywords: Vec::new(),
                            budget: &mut b,
                            now: 0,
                        });
                        assert!(r.is_ok(), "{name}");
                    }
                    let addr = *code as usize;
                    if let Some((_, other)) = seen.iter().find(|(a, _)| *a == addr) {
                        assert!(
                            ALIASES.contains(&(name, other)) || ALIASES.contains(&(other, name)),
                            "`{name}` and `{other}` run the same code"
                        );
                    }
                    seen.push((addr, name));
                }
                Filter::Expression { .. } => assert!(name.ends_with("_exp")),
            }
        }
        let mut names: Vec<&str> = names().collect();
        let n = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), n, "a name listed twice");
    }
}
