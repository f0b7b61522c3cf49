//! Jekyll's filters (those that need no site: `relative_url` and `markdownify` are the
//! host's), as Jekyll computes them.

use std::collections::HashMap;
use std::sync::Arc;

use super::{property, FilterCall};
use crate::budget::{BoundedWriter, Exceeded};
use crate::value::{Map, Value};

type Out = Result<Value, Exceeded>;

pub(super) fn array_to_sentence_string(c: &mut FilterCall<'_>) -> Out {
    let conj = if c.args.is_empty() {
        "and".to_string()
    } else {
        c.arg_text(0)?
    };
    let items = c.input_items()?;
    let mut texts = Vec::with_capacity(items.len());
    for i in &items {
        texts.push(c.text(i)?.into_owned());
    }
    let mut out = c.out();
    let n = texts.len();
    for (i, t) in texts.iter().enumerate() {
        match (n, i) {
            (_, 0) => {}
            (2, 1) => out.push_str(&format!(" {conj} "))?,
            (_, i) if i + 1 == n => out.push_str(&format!(", {conj} "))?,
            _ => out.push_str(", ")?,
        }
        out.push_str(t)?;
    }
    Ok(Value::str(out.finish()))
}

/// The first item whose `key` is the value (compared as Jekyll does, also as text).
pub(super) fn find(c: &mut FilterCall<'_>) -> Out {
    let key = c.arg_text(0)?;
    let want = c.arg(1).clone();
    let want_text = c.text(&want)?.into_owned();
    let items = c.input_items()?;
    let input = c.input.clone();
    c.walk(&input)?;
    Ok(items
        .into_iter()
        .find(|item| {
            let v = property(item, &key);
            v.equals(&want)
                || v.as_str()
                    .map_or_else(|| v.scalar_text() == want_text, |s| s == want_text)
        })
        .unwrap_or_default())
}

/// Items grouped by the text of their `key`: `[{name, size, items}]`, in the order the
/// groups are first met; hashed, so linear.
pub(super) fn group_by(c: &mut FilterCall<'_>) -> Out {
    let key = c.arg_text(0)?;
    let items = c.input_items()?;
    let input = c.input.clone();
    c.walk(&input)?;
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut groups: Vec<(String, Vec<Value>)> = Vec::new();
    for item in items {
        let k = property(&item, &key);
        let name = c.text(&k)?.into_owned();
        match index.get(&name) {
            Some(&g) => groups[g].1.push(item),
            None => {
                index.insert(name.clone(), groups.len());
                groups.push((name, vec![item]));
            }
        }
    }
    let mut out = Vec::with_capacity(groups.len());
    for (name, items) in groups {
        let size = items.len() as i64;
        let members = c.array(items)?;
        let mut m = Map::new();
        m.insert(Arc::from("name"), Value::str(name));
        m.insert(Arc::from("size"), Value::Int(size));
        m.insert(Arc::from("items"), members);
        c.budget.items(3)?;
        out.push(Value::map(m));
    }
    c.array(out)
}

/// JSON text of the input, built in a buffer that stops at the page's budget.
fn json_text(c: &mut FilterCall<'_>, v: &Value) -> Result<String, Exceeded> {
    let json = v.to_json_within(c.budget)?;
    let mut out = BoundedWriter::new(c.budget);
    serde_json::to_writer(&mut out, &json).map_err(|_| Exceeded::Bytes)?;
    Ok(out.into_string())
}

pub(super) fn jsonify(c: &mut FilterCall<'_>) -> Out {
    let input = c.input.clone();
    Ok(Value::str(json_text(c, &input)?))
}

pub(super) fn inspect(c: &mut FilterCall<'_>) -> Out {
    let input = c.input.clone();
    let json = json_text(c, &input)?;
    let mut out = c.out();
    out.push_str(&format!("{json:?}"))?;
    Ok(Value::str(out.finish()))
}

pub(super) fn normalize_whitespace(c: &mut FilterCall<'_>) -> Out {
    let s = c.input_text()?;
    let mut out = c.out();
    for (i, w) in s.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ')?;
        }
        out.push_str(w)?;
    }
    Ok(Value::str(out.finish()))
}

pub(super) fn number_of_words(c: &mut FilterCall<'_>) -> Out {
    Ok(Value::Int(c.input_text()?.split_whitespace().count() as i64))
}

pub(super) fn pop(c: &mut FilterCall<'_>) -> Out {
    let mut items = c.input_items()?;
    items.pop();
    c.array(items)
}

pub(super) fn shift(c: &mut FilterCall<'_>) -> Out {
    let items = c.input_items()?;
    c.array(items.into_iter().skip(1).collect())
}

pub(super) fn push(c: &mut FilterCall<'_>) -> Out {
    let mut items = c.input_items()?;
    items.push(c.arg(0).clone());
    c.array(items)
}

pub(super) fn unshift(c: &mut FilterCall<'_>) -> Out {
    let rest = c.input_items()?;
    let mut items = Vec::with_capacity(rest.len() + 1);
    items.push(c.arg(0).clone());
    items.extend(rest);
    c.array(items)
}

/// Deterministic: a build gives the same pages every time.
pub(super) fn sample(c: &mut FilterCall<'_>) -> Out {
    Ok(c.input.member("first"))
}

pub(super) fn slugify(c: &mut FilterCall<'_>) -> Out {
    let s = c.input_text()?;
    c.budget.bytes(s.len())?;
    Ok(Value::str(jekyll_slugify(&s)))
}

/// Typographic quotes are left to the theme's font: the text as it is.
pub(super) fn smartify(c: &mut FilterCall<'_>) -> Out {
    Ok(Value::str(c.input_text()?))
}

pub(super) fn uri_escape(c: &mut FilterCall<'_>) -> Out {
    let s = c.input_text()?;
    let mut out = c.out();
    for chunk in percent_encoding::utf8_percent_encode(&s, super::standard::URI) {
        out.push_str(chunk)?;
    }
    Ok(Value::str(out.finish()))
}

/// Jekyll's `slugify` (default mode): lower case, runs of anything but letters and digits
/// become one `-`, none at either end.
pub fn jekyll_slugify(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut dash = false;
    for c in s.chars() {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else {
            dash = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::tests::{run, strs, text};
    use crate::value::Value;

    #[test]
    fn jekyll_filters() {
        assert_eq!(
            text("slugify", Value::str("Kong Gateway 3.4!"), &[]),
            "kong-gateway-3-4"
        );
        assert_eq!(
            text("array_to_sentence_string", strs(&["a", "b", "c"]), &[]),
            "a, b, and c"
        );
        assert_eq!(
            text("array_to_sentence_string", strs(&["a", "b"]), &[]),
            "a and b"
        );
        assert_eq!(text("jsonify", strs(&["a"]), &[]), "[\"a\"]");
        assert_eq!(text("push", strs(&["a"]), &[Value::str("z")]), "az");
        assert_eq!(text("shift", strs(&["a", "b"]), &[]), "b");
        assert_eq!(
            text("uri_escape", Value::str("/a b?x=é"), &[]),
            "/a%20b?x=%C3%A9"
        );
        let groups = run("group_by", strs(&["x", "y", "x"]), &[]);
        assert_eq!(groups.item_count(), 2);
        assert_eq!(
            groups.index(&Value::Int(0)).member("size").scalar_text(),
            "2"
        );
    }

    /// Pushing a list into itself nests it one level each time: past the limit it is
    /// refused, so no value is deep enough to overflow the stack when dropped.
    #[test]
    fn values_cannot_nest_without_bound() {
        let mut v = strs(&["a"]);
        let mut refused = false;
        for _ in 0..200 {
            match super::super::tests::run_with(
                "push",
                strs(&[]),
                &[v.clone()],
                &[],
                &mut Default::default(),
            ) {
                Ok(next) => v = next,
                Err(e) => {
                    assert_eq!(e, crate::budget::Exceeded::Depth);
                    refused = true;
                    break;
                }
            }
        }
        assert!(refused);
        assert!(v.depth() <= crate::limits::MAX_VALUE_DEPTH);
    }
}
