//! Standard Liquid's filters, as Ruby's Liquid computes them: text, numbers, arrays.
//!
//! Every one is linear in its input (sorting: n log n), asks for the bytes it builds before
//! building them (or builds into a bounded string), and does integer arithmetic that cannot
//! overflow: a result too large for 64 bits becomes a float, as Ruby's would become a
//! bignum.

use std::collections::HashMap;
use std::hash::Hasher;

use super::{property, FilterCall};
use crate::budget::Exceeded;
use crate::value::{Number, Value};

type Out = Result<Value, Exceeded>;

fn num(v: &Value) -> Number {
    v.as_number().unwrap_or(Number::Int(0))
}

/// `a op b` on integers when it fits, else on floats.
fn arithmetic(
    a: &Value,
    b: &Value,
    int: impl Fn(i64, i64) -> Option<i64>,
    float: impl Fn(f64, f64) -> f64,
) -> Value {
    match (num(a), num(b)) {
        (Number::Int(x), Number::Int(y)) => match int(x, y) {
            Some(i) => Value::Int(i),
            None => Value::Float(float(x as f64, y as f64)),
        },
        (x, y) => Value::Float(float(x.as_f64(), y.as_f64())),
    }
}

pub(super) fn abs(c: &mut FilterCall<'_>) -> Out {
    Ok(match num(&c.input) {
        Number::Int(i) => i
            .checked_abs()
            .map_or(Value::Float((i as f64).abs()), Value::Int),
        Number::Float(f) => Value::Float(f.abs()),
    })
}

pub(super) fn plus(c: &mut FilterCall<'_>) -> Out {
    Ok(arithmetic(&c.input, c.arg(0), i64::checked_add, |x, y| {
        x + y
    }))
}

pub(super) fn minus(c: &mut FilterCall<'_>) -> Out {
    Ok(arithmetic(&c.input, c.arg(0), i64::checked_sub, |x, y| {
        x - y
    }))
}

pub(super) fn times(c: &mut FilterCall<'_>) -> Out {
    Ok(arithmetic(&c.input, c.arg(0), i64::checked_mul, |x, y| {
        x * y
    }))
}

/// Ruby's integer division rounds toward negative infinity; by zero it is nil here.
pub(super) fn divided_by(c: &mut FilterCall<'_>) -> Out {
    Ok(match (num(&c.input), num(c.arg(0))) {
        (_, Number::Int(0)) => Value::Nil,
        (Number::Int(x), Number::Int(y)) => match x.checked_div(y) {
            Some(q) if x % y != 0 && ((x < 0) != (y < 0)) => Value::Int(q - 1),
            Some(q) => Value::Int(q),
            None => Value::Float(x as f64 / y as f64),
        },
        (x, y) => Value::Float(x.as_f64() / y.as_f64()),
    })
}

/// Ruby's `%`: the result has the divisor's sign.
pub(super) fn modulo(c: &mut FilterCall<'_>) -> Out {
    Ok(match (num(&c.input), num(c.arg(0))) {
        (_, Number::Int(0)) => Value::Nil,
        (Number::Int(x), Number::Int(y)) => {
            let r = x.checked_rem(y).unwrap_or(0);
            Value::Int(if r != 0 && ((r < 0) != (y < 0)) {
                r + y
            } else {
                r
            })
        }
        (x, y) => {
            let (x, y) = (x.as_f64(), y.as_f64());
            Value::Float(x - y * (x / y).floor())
        }
    })
}

fn pick(c: &mut FilterCall<'_>, at_least: bool) -> Out {
    let (x, y) = (num(&c.input), num(c.arg(0)));
    let pick_y = if at_least {
        y.as_f64() > x.as_f64()
    } else {
        y.as_f64() < x.as_f64()
    };
    Ok(if pick_y { y.value() } else { x.value() })
}

pub(super) fn at_least(c: &mut FilterCall<'_>) -> Out {
    pick(c, true)
}

pub(super) fn at_most(c: &mut FilterCall<'_>) -> Out {
    pick(c, false)
}

/// A float to an integer, saturating (Rust's `as` does; Ruby would make a bignum).
fn to_int(f: f64) -> Value {
    Value::Int(f as i64)
}

pub(super) fn ceil(c: &mut FilterCall<'_>) -> Out {
    Ok(to_int(num(&c.input).as_f64().ceil()))
}

pub(super) fn floor(c: &mut FilterCall<'_>) -> Out {
    Ok(to_int(num(&c.input).as_f64().floor()))
}

pub(super) fn round(c: &mut FilterCall<'_>) -> Out {
    let digits = c
        .arg(0)
        .as_number()
        .map_or(0, |n| n.as_f64().clamp(0.0, 12.0) as i32);
    let f = num(&c.input).as_f64();
    Ok(if digits == 0 {
        to_int(f.round())
    } else {
        let p = 10f64.powi(digits);
        Value::Float((f * p).round() / p)
    })
}

/// Builds text from the input's text with `each`, which writes into a bounded string.
fn map_text(
    c: &mut FilterCall<'_>,
    each: impl FnOnce(&str, &mut crate::budget::Bounded<'_>) -> Result<(), Exceeded>,
) -> Out {
    let s = c.input_text()?;
    let mut out = c.out();
    each(&s, &mut out)?;
    Ok(Value::str(out.finish()))
}

pub(super) fn append(c: &mut FilterCall<'_>) -> Out {
    let tail = c.arg_text(0)?;
    map_text(c, |s, out| {
        out.push_str(s)?;
        out.push_str(&tail)
    })
}

pub(super) fn prepend(c: &mut FilterCall<'_>) -> Out {
    let head = c.arg_text(0)?;
    map_text(c, |s, out| {
        out.push_str(&head)?;
        out.push_str(s)
    })
}

pub(super) fn capitalize(c: &mut FilterCall<'_>) -> Out {
    map_text(c, |s, out| {
        let mut chars = s.chars();
        if let Some(first) = chars.next() {
            for u in first.to_uppercase() {
                out.push(u)?;
            }
        }
        for ch in chars {
            for l in ch.to_lowercase() {
                out.push(l)?;
            }
        }
        Ok(())
    })
}

pub(super) fn downcase(c: &mut FilterCall<'_>) -> Out {
    map_text(c, |s, out| {
        for ch in s.chars() {
            for l in ch.to_lowercase() {
                out.push(l)?;
            }
        }
        Ok(())
    })
}

pub(super) fn upcase(c: &mut FilterCall<'_>) -> Out {
    map_text(c, |s, out| {
        for ch in s.chars() {
            for u in ch.to_uppercase() {
                out.push(u)?;
            }
        }
        Ok(())
    })
}

pub(super) fn escape(c: &mut FilterCall<'_>) -> Out {
    map_text(c, |s, out| out.push_str(&portolan_htmlscan::escape_html(s)))
}

pub(super) fn escape_once(c: &mut FilterCall<'_>) -> Out {
    map_text(c, |s, out| {
        out.push_str(&portolan_htmlscan::escape_html(
            &portolan_htmlscan::decode_references(s),
        ))
    })
}

pub(super) fn lstrip(c: &mut FilterCall<'_>) -> Out {
    map_text(c, |s, out| out.push_str(s.trim_start()))
}

pub(super) fn rstrip(c: &mut FilterCall<'_>) -> Out {
    map_text(c, |s, out| out.push_str(s.trim_end()))
}

pub(super) fn strip(c: &mut FilterCall<'_>) -> Out {
    map_text(c, |s, out| out.push_str(s.trim()))
}

pub(super) fn strip_newlines(c: &mut FilterCall<'_>) -> Out {
    map_text(c, |s, out| {
        for part in s.split(['\n', '\r']) {
            out.push_str(part)?;
        }
        Ok(())
    })
}

pub(super) fn newline_to_br(c: &mut FilterCall<'_>) -> Out {
    map_text(c, |s, out| {
        for (i, part) in s.split('\n').enumerate() {
            if i > 0 {
                out.push_str("<br />\n")?;
            }
            out.push_str(part)?;
        }
        Ok(())
    })
}

pub(super) fn strip_html(c: &mut FilterCall<'_>) -> Out {
    map_text(c, |s, out| out.push_str(&portolan_htmlscan::text(s)))
}

/// Replaces the matches of `from` that `pick` keeps (by index among all matches), in
/// one pass into a bounded string: an empty `from` matches between every character, as
/// Ruby's `gsub("")` does.
fn replace_matches(c: &mut FilterCall<'_>, to: &str, which: Which) -> Out {
    let from = c.arg_text(0)?;
    let s = c.input_text()?;
    let matches: Vec<usize> = if from.is_empty() {
        s.char_indices().map(|(i, _)| i).chain([s.len()]).collect()
    } else {
        s.match_indices(from.as_str()).map(|(i, _)| i).collect()
    };
    let chosen: &[usize] = match which {
        Which::All => &matches,
        Which::First => &matches[..matches.len().min(1)],
        Which::Last => &matches[matches.len().saturating_sub(1)..],
    };
    let mut out = c.out();
    let mut at = 0;
    for &m in chosen {
        out.push_str(&s[at..m])?;
        out.push_str(to)?;
        at = m + from.len();
    }
    out.push_str(&s[at..])?;
    Ok(Value::str(out.finish()))
}

enum Which {
    All,
    First,
    Last,
}

pub(super) fn replace(c: &mut FilterCall<'_>) -> Out {
    let to = c.arg_text(1)?;
    replace_matches(c, &to, Which::All)
}

pub(super) fn replace_first(c: &mut FilterCall<'_>) -> Out {
    let to = c.arg_text(1)?;
    replace_matches(c, &to, Which::First)
}

pub(super) fn replace_last(c: &mut FilterCall<'_>) -> Out {
    let to = c.arg_text(1)?;
    if c.arg_text(0)?.is_empty() {
        return Ok(Value::str(c.input_text()?));
    }
    replace_matches(c, &to, Which::Last)
}

pub(super) fn remove(c: &mut FilterCall<'_>) -> Out {
    if c.arg_text(0)?.is_empty() {
        return Ok(Value::str(c.input_text()?));
    }
    replace_matches(c, "", Which::All)
}

pub(super) fn remove_first(c: &mut FilterCall<'_>) -> Out {
    if c.arg_text(0)?.is_empty() {
        return Ok(Value::str(c.input_text()?));
    }
    replace_matches(c, "", Which::First)
}

pub(super) fn remove_last(c: &mut FilterCall<'_>) -> Out {
    if c.arg_text(0)?.is_empty() {
        return Ok(Value::str(c.input_text()?));
    }
    replace_matches(c, "", Which::Last)
}

pub(super) fn size(c: &mut FilterCall<'_>) -> Out {
    Ok(match &c.input {
        Value::Str(s, _) => Value::Int(s.chars().count() as i64),
        v => Value::Int(v.item_count() as i64),
    })
}

pub(super) fn first(c: &mut FilterCall<'_>) -> Out {
    Ok(match &c.input {
        Value::Str(s, _) => Value::str(s.chars().next().map(String::from).unwrap_or_default()),
        v => v.member("first"),
    })
}

pub(super) fn last(c: &mut FilterCall<'_>) -> Out {
    Ok(match &c.input {
        Value::Str(s, _) => Value::str(s.chars().last().map(String::from).unwrap_or_default()),
        v => v.member("last"),
    })
}

pub(super) fn join(c: &mut FilterCall<'_>) -> Out {
    let sep = if c.args.is_empty() {
        " ".to_string()
    } else {
        c.arg_text(0)?
    };
    let items = c.input_items()?;
    let input = c.input.clone();
    c.walk(&input)?;
    let mut out = c.out();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(&sep)?;
        }
        match item {
            Value::Str(s, _) => out.push_str(s)?,
            Value::Array(_) | Value::Map(_) => item.write_to(&mut out)?,
            scalar => out.push_str(&scalar.scalar_text())?,
        }
    }
    Ok(Value::str(out.finish()))
}

pub(super) fn split(c: &mut FilterCall<'_>) -> Out {
    let s = c.input_text()?;
    let sep = c.arg_text(0)?;
    if sep.is_empty() {
        // Each character's text, then the array (which takes its items' bytes).
        c.budget.bytes(s.len())?;
        let n = s.chars().count();
        if n.saturating_mul(crate::budget::ITEM_BYTES) > c.budget.bytes_left() {
            return Err(Exceeded::Bytes);
        }
        return c.array(s.chars().map(|ch| Value::str(ch.to_string())).collect());
    }
    // Ruby's split drops trailing empty parts.
    let mut parts: Vec<&str> = s.split(sep.as_str()).collect();
    while parts.last() == Some(&"") {
        parts.pop();
    }
    c.budget.bytes(parts.iter().map(|p| p.len()).sum())?;
    let items = parts.into_iter().map(Value::str).collect();
    c.array(items)
}

pub(super) fn compact(c: &mut FilterCall<'_>) -> Out {
    let items = c.input_items()?;
    c.array(
        items
            .into_iter()
            .filter(|v| !matches!(v, Value::Nil))
            .collect(),
    )
}

pub(super) fn concat(c: &mut FilterCall<'_>) -> Out {
    let mut items = c.input_items()?;
    let more = c.arg(0).clone();
    c.budget.items(more.item_count())?;
    items.extend(more.items());
    c.array(items)
}

pub(super) fn reverse(c: &mut FilterCall<'_>) -> Out {
    let mut items = c.input_items()?;
    items.reverse();
    c.array(items)
}

pub(super) fn map(c: &mut FilterCall<'_>) -> Out {
    let key = c.arg_text(0)?;
    let items = c.input_items()?;
    c.array(items.iter().map(|i| property(i, &key)).collect())
}

pub(super) fn sum(c: &mut FilterCall<'_>) -> Out {
    let key = c.arg_text(0)?;
    let items = c.input_items()?;
    Ok(items
        .iter()
        .map(|i| num(&property(i, &key)))
        .fold(Value::Int(0), |acc, n| {
            arithmetic(&acc, &n.value(), i64::checked_add, |x, y| x + y)
        }))
}

/// Characters `start..start+len` of text, or items of an array; a negative start counts
/// from the end.
pub(super) fn slice(c: &mut FilterCall<'_>) -> Out {
    let start = num(c.arg(0)).as_f64() as i64;
    let len = if c.args.len() > 1 {
        num(c.arg(1)).as_f64() as i64
    } else {
        1
    };
    let len = usize::try_from(len.max(0)).unwrap_or(usize::MAX);
    let from = |n: usize| -> Option<usize> {
        let n = i64::try_from(n).unwrap_or(i64::MAX);
        let at = if start < 0 {
            n.checked_add(start)?
        } else {
            start
        };
        (0..n).contains(&at).then_some(at as usize)
    };
    match &c.input {
        Value::Str(s, _) => {
            let Some(at) = from(s.chars().count()) else {
                return Ok(Value::str(""));
            };
            let mut bounds = s.char_indices().map(|(i, _)| i).chain([s.len()]).skip(at);
            let begin = bounds.next().unwrap_or(s.len());
            let end = bounds.nth(len.saturating_sub(1)).unwrap_or(s.len());
            let end = if len == 0 { begin } else { end };
            let part = s[begin..end].to_string();
            c.budget.bytes(part.len())?;
            Ok(Value::str(part))
        }
        v => {
            let Some(at) = from(v.item_count()) else {
                return Ok(Value::array(Vec::new()));
            };
            let items = v.items();
            c.array(items.into_iter().skip(at).take(len).collect())
        }
    }
}

pub(super) fn sort(c: &mut FilterCall<'_>) -> Out {
    let key = c.arg_text(0)?;
    let mut items = c.input_items()?;
    let input = c.input.clone();
    charge_sort(c, &input)?;
    let keys: Vec<Value> = items.iter().map(|i| property(i, &key)).collect();
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|&a, &b| {
        keys[a]
            .compare(&keys[b])
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let mut slots: Vec<Option<Value>> = items.drain(..).map(Some).collect();
    let sorted = order.into_iter().filter_map(|i| slots[i].take()).collect();
    c.array(sorted)
}

/// Sorting walks each item about log n times.
fn charge_sort(c: &mut FilterCall<'_>, input: &Value) -> Result<(), Exceeded> {
    let n = input.item_count().max(2) as f64;
    let rounds = n.log2().ceil() as u64 + 1;
    c.budget.work(input.size().saturating_mul(rounds))
}

pub(super) fn sort_natural(c: &mut FilterCall<'_>) -> Out {
    let key = c.arg_text(0)?;
    let items = c.input_items()?;
    let input = c.input.clone();
    charge_sort(c, &input)?;
    let mut keyed: Vec<(String, Value)> = Vec::with_capacity(items.len());
    for item in items {
        let k = property(&item, &key);
        let text = c.text(&k)?.to_lowercase();
        keyed.push((text, item));
    }
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    c.array(keyed.into_iter().map(|(_, v)| v).collect())
}

pub(super) fn truncate(c: &mut FilterCall<'_>) -> Out {
    let n = c
        .arg(0)
        .as_number()
        .map_or(50, |n| n.as_f64().max(0.0) as usize);
    let ellipsis = if c.args.len() > 1 {
        c.arg_text(1)?
    } else {
        "...".into()
    };
    let s = c.input_text()?;
    if s.chars().count() <= n {
        return Ok(Value::str(s));
    }
    let keep = n.saturating_sub(ellipsis.chars().count());
    let end = s.char_indices().nth(keep).map_or(s.len(), |(i, _)| i);
    let mut out = c.out();
    out.push_str(&s[..end])?;
    out.push_str(&ellipsis)?;
    Ok(Value::str(out.finish()))
}

pub(super) fn truncatewords(c: &mut FilterCall<'_>) -> Out {
    let n = c
        .arg(0)
        .as_number()
        .map_or(15, |n| n.as_f64().max(1.0) as usize)
        .max(1);
    let ellipsis = if c.args.len() > 1 {
        c.arg_text(1)?
    } else {
        "...".into()
    };
    let s = c.input_text()?;
    if s.split_whitespace().nth(n).is_none() {
        return Ok(Value::str(s));
    }
    let mut out = c.out();
    for (i, w) in s.split_whitespace().take(n).enumerate() {
        if i > 0 {
            out.push(' ')?;
        }
        out.push_str(w)?;
    }
    out.push_str(&ellipsis)?;
    Ok(Value::str(out.finish()))
}

/// The items, each once, in the order first seen: hashed, so linear.
pub(super) fn uniq(c: &mut FilterCall<'_>) -> Out {
    let items = c.input_items()?;
    let input = c.input.clone();
    c.walk(&input)?;
    let mut buckets: HashMap<u64, Vec<usize>> = HashMap::with_capacity(items.len());
    let mut kept: Vec<Value> = Vec::new();
    for v in items {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        v.hash_into(&mut h);
        let bucket = buckets.entry(h.finish()).or_default();
        if !bucket.iter().any(|&k| kept[k].equals(&v)) {
            bucket.push(kept.len());
            kept.push(v);
        }
    }
    c.array(kept)
}

pub(super) fn url_encode(c: &mut FilterCall<'_>) -> Out {
    map_text(c, |s, out| {
        for chunk in percent_encoding::utf8_percent_encode(s, FORM) {
            if chunk == "%20" {
                out.push('+')?;
            } else {
                out.push_str(chunk)?;
            }
        }
        Ok(())
    })
}

/// What `url_encode` (Ruby's `CGI.escape`) escapes: all but letters, digits and `-_.~`.
const FORM: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// What `uri_escape` escapes: [`FORM`], but URI punctuation kept.
pub(super) const URI: &percent_encoding::AsciiSet = &FORM
    .remove(b'/')
    .remove(b':')
    .remove(b'?')
    .remove(b'#')
    .remove(b'&')
    .remove(b'=')
    .remove(b'@')
    .remove(b'!')
    .remove(b'$')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';');

pub(super) fn url_decode(c: &mut FilterCall<'_>) -> Out {
    map_text(c, |s, out| {
        let plus_as_space = s.replace('+', " ");
        out.push_str(&percent_encoding::percent_decode_str(&plus_as_space).decode_utf8_lossy())
    })
}

/// Items whose `key` is the value (an array property holds it), or is truthy.
pub(super) fn where_(c: &mut FilterCall<'_>) -> Out {
    let key = c.arg_text(0)?;
    let want = (c.args.len() > 1).then(|| c.arg(1).clone());
    let items = c.input_items()?;
    let input = c.input.clone();
    c.walk(&input)?;
    let want_text = match &want {
        Some(w) => Some(c.text(w)?.into_owned()),
        None => None,
    };
    let mut kept = Vec::new();
    for item in items {
        let v = property(&item, &key);
        let holds = match (&want, &want_text) {
            // Jekyll compares as text; an array property matches when it holds the value.
            (Some(w), Some(wt)) => match &v {
                Value::Array(a) => a.iter().any(|x| {
                    x.as_str()
                        .map_or_else(|| x.scalar_text() == *wt, |s| s == wt)
                }),
                _ => {
                    v.equals(w)
                        || v.as_str()
                            .map_or_else(|| v.scalar_text() == *wt, |s| s == wt)
                }
            },
            _ => v.truthy(),
        };
        if holds {
            kept.push(item);
        }
    }
    c.array(kept)
}

pub(super) fn default(c: &mut FilterCall<'_>) -> Out {
    let allow_false = c.keyword("allow_false").is_some_and(Value::truthy);
    let empty = match &c.input {
        Value::Bool(false) => !allow_false,
        v => !v.truthy() || v.is_empty(),
    };
    Ok(if empty {
        c.arg(0).clone()
    } else {
        c.input.clone()
    })
}

pub(super) fn date(c: &mut FilterCall<'_>) -> Out {
    let fmt = c.arg_text(0)?;
    let input = match c.input.as_str() {
        Some("now" | "today") => Value::Int(c.now),
        _ => c.input.clone(),
    };
    // Each directive writes at most a few dozen bytes.
    c.budget.bytes(fmt.len().saturating_mul(24))?;
    Ok(crate::date::format(&input, &fmt))
}

#[cfg(test)]
mod tests {
    use super::super::tests::{run, run_with, strs, text};
    use crate::budget::{Budget, Exceeded};
    use crate::value::Value;

    #[test]
    fn text_filters() {
        assert_eq!(text("append", Value::str("a"), &[Value::str("b")]), "ab");
        assert_eq!(text("prepend", Value::str("a"), &[Value::str("b")]), "ba");
        assert_eq!(text("capitalize", Value::str("kONG gw"), &[]), "Kong gw");
        assert_eq!(
            text(
                "replace",
                Value::str("a-b-c"),
                &[Value::str("-"), Value::str("+")]
            ),
            "a+b+c"
        );
        assert_eq!(
            text(
                "replace_first",
                Value::str("a-b-c"),
                &[Value::str("-"), Value::str("+")]
            ),
            "a+b-c"
        );
        assert_eq!(
            text(
                "replace_last",
                Value::str("a-b-c"),
                &[Value::str("-"), Value::str("+")]
            ),
            "a-b+c"
        );
        assert_eq!(
            text(
                "replace",
                Value::str("ab"),
                &[Value::str(""), Value::str(".")]
            ),
            ".a.b."
        );
        assert_eq!(text("remove", Value::str("a-b"), &[Value::str("-")]), "ab");
        assert_eq!(
            text("remove_last", Value::str("a-b-"), &[Value::str("-")]),
            "a-b"
        );
        assert_eq!(text("strip", Value::str("  x "), &[]), "x");
        assert_eq!(
            text("truncate", Value::str("abcdefgh"), &[Value::Int(5)]),
            "ab..."
        );
        assert_eq!(
            text("truncatewords", Value::str("a b c d"), &[Value::Int(2)]),
            "a b..."
        );
        assert_eq!(text("escape", Value::str("<b>&"), &[]), "&lt;b&gt;&amp;");
        assert_eq!(
            text("strip_html", Value::str("<p>a <b>b</b></p>"), &[]),
            "a b"
        );
        assert_eq!(
            text("url_encode", Value::str("a b&c~é"), &[]),
            "a+b%26c~%C3%A9"
        );
        assert_eq!(
            text("url_decode", Value::str("a+b%26c%C3%A9"), &[]),
            "a b&cé"
        );
        assert_eq!(
            text(
                "slice",
                Value::str("héllo"),
                &[Value::Int(1), Value::Int(3)]
            ),
            "éll"
        );
        assert_eq!(text("slice", Value::str("hello"), &[Value::Int(-2)]), "l");
        assert_eq!(text("slice", Value::str("hello"), &[Value::Int(9)]), "");
        assert_eq!(text("newline_to_br", Value::str("a\nb"), &[]), "a<br />\nb");
        assert_eq!(text("upcase", Value::str("straße"), &[]), "STRASSE");
    }

    #[test]
    fn numbers_as_ruby_computes_them() {
        assert_eq!(text("plus", Value::Int(2), &[Value::Int(3)]), "5");
        assert_eq!(text("plus", Value::str("2"), &[Value::Float(0.5)]), "2.5");
        assert_eq!(text("minus", Value::Int(2), &[Value::Int(3)]), "-1");
        assert_eq!(text("times", Value::Int(4), &[Value::Int(3)]), "12");
        assert_eq!(text("divided_by", Value::Int(7), &[Value::Int(2)]), "3");
        assert_eq!(text("divided_by", Value::Int(-7), &[Value::Int(2)]), "-4");
        assert_eq!(text("divided_by", Value::Int(7), &[Value::Int(-2)]), "-4");
        assert_eq!(text("divided_by", Value::Int(7), &[Value::Int(0)]), "");
        assert_eq!(text("modulo", Value::Int(7), &[Value::Int(3)]), "1");
        assert_eq!(text("modulo", Value::Int(7), &[Value::Int(-3)]), "-2");
        assert_eq!(text("modulo", Value::Int(-7), &[Value::Int(3)]), "2");
        assert_eq!(text("round", Value::Float(2.567), &[Value::Int(2)]), "2.57");
        assert_eq!(text("at_least", Value::Int(2), &[Value::Int(5)]), "5");
        assert_eq!(text("abs", Value::Int(-3), &[]), "3");
    }

    /// Overflow becomes a float, never a panic.
    #[test]
    fn integer_arithmetic_cannot_overflow() {
        let min = Value::Int(i64::MIN);
        assert_eq!(
            text("divided_by", min.clone(), &[Value::Int(-1)]),
            "9223372036854776000"
        );
        assert_eq!(text("modulo", min.clone(), &[Value::Int(-1)]), "0");
        assert_eq!(text("abs", min.clone(), &[]), "9223372036854776000");
        assert_eq!(
            text("minus", min.clone(), &[Value::Int(1)]),
            "-9223372036854776000"
        );
        assert_eq!(
            text("plus", Value::Int(i64::MAX), &[Value::Int(1)]),
            "9223372036854776000"
        );
        assert_eq!(
            text("times", Value::Int(i64::MAX), &[Value::Int(2)]),
            "18446744073709552000"
        );
        assert_eq!(text("ceil", Value::Float(1e300), &[]), i64::MAX.to_string());
        assert_eq!(
            text(
                "slice",
                strs(&["a"]),
                &[Value::Int(i64::MIN), Value::Int(i64::MAX)]
            ),
            ""
        );
        assert_eq!(
            text(
                "slice",
                Value::str("ab"),
                &[Value::Int(-1), Value::Int(i64::MAX)]
            ),
            "b"
        );
    }

    #[test]
    fn arrays() {
        let a = strs(&["b", "a", "c", "a"]);
        assert_eq!(text("join", a.clone(), &[Value::str(",")]), "b,a,c,a");
        assert_eq!(text("sort", a.clone(), &[]), "aabc");
        assert_eq!(text("uniq", a.clone(), &[]), "bac");
        assert_eq!(text("reverse", a.clone(), &[]), "acab");
        assert_eq!(text("first", a.clone(), &[]), "b");
        assert_eq!(text("last", a.clone(), &[]), "a");
        assert_eq!(text("size", a.clone(), &[]), "4");
        let parts = run("split", Value::str("a,b,,"), &[Value::str(",")]);
        assert_eq!(text("join", parts, &[Value::str("|")]), "a|b");
        assert_eq!(
            text(
                "uniq",
                Value::array(vec![Value::Int(1), Value::Float(1.0), Value::str("1")]),
                &[]
            ),
            "11"
        );
        assert_eq!(text("sort_natural", strs(&["b", "A", "a"]), &[]), "Aab");
    }

    #[test]
    fn where_and_default() {
        let item = |name: &str, label: Option<&str>| {
            let mut m = crate::value::Map::new();
            m.insert("name".into(), Value::str(name));
            if let Some(l) = label {
                m.insert("label".into(), Value::str(l));
            }
            Value::map(m)
        };
        let items = Value::array(vec![
            item("a", Some("")),
            item("b", Some("lts")),
            item("c", None),
        ]);
        let lts = run(
            "where",
            items.clone(),
            &[Value::str("label"), Value::str("lts")],
        );
        assert_eq!(text("map", lts, &[Value::str("name")]), "b");
        // Jekyll compares as text: a missing label is "" too.
        let empty = run("where", items, &[Value::str("label"), Value::Empty]);
        assert_eq!(text("map", empty, &[Value::str("name")]), "ac");
        assert_eq!(text("default", Value::Nil, &[Value::str("d")]), "d");
        assert_eq!(text("default", Value::str(""), &[Value::str("d")]), "d");
        assert_eq!(text("default", Value::str("x"), &[Value::str("d")]), "x");
        let kept = run_with(
            "default",
            Value::Bool(false),
            &[Value::str("d")],
            &[("allow_false", Value::Bool(true))],
            &mut Budget::default(),
        )
        .unwrap();
        assert_eq!(kept.scalar_text(), "false");
    }

    /// Results are refused before they are built: a terabyte join stops at the budget.
    #[test]
    fn results_are_charged_before_they_are_built() {
        let big = Value::str("x".repeat(1 << 20));
        let mut budget = Budget::new(8 << 20, u64::MAX);
        let chars = run_with("split", big.clone(), &[Value::str("")], &[], &mut budget);
        assert_eq!(
            chars.err(),
            Some(Exceeded::Bytes),
            "a million one-letter items"
        );
        let mut budget = Budget::new(64 << 20, u64::MAX);
        let parts = run_with(
            "split",
            Value::str("a,".repeat(1000)),
            &[Value::str(",")],
            &[],
            &mut budget,
        )
        .unwrap();
        let joined = run_with("join", parts, &[big], &[], &mut budget);
        assert_eq!(joined.err(), Some(Exceeded::Bytes));
        let mut budget = Budget::new(1 << 20, u64::MAX);
        let r = run_with(
            "replace",
            Value::str("ab".repeat(1000)),
            &[Value::str(""), Value::str("y".repeat(1000))],
            &[],
            &mut budget,
        );
        assert_eq!(r.err(), Some(Exceeded::Bytes));
    }

    /// `uniq` is linear: 200,000 distinct numbers take a moment, not minutes.
    #[test]
    fn uniq_is_linear() {
        let many = Value::array((0..200_000).map(Value::Int).collect());
        assert_eq!(run("uniq", many, &[]).item_count(), 200_000);
    }
}
