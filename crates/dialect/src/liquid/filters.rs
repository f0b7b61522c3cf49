//! The filters Kong's pages use: standard Liquid's, Jekyll's, and Kong's own (`indent`,
//! `escape_env_variables`, `json_prettify`, `to_check`). The ones that need the page being
//! rendered (`markdownify`, `markdown`, `liquify`, `where_exp`, `find_exp`) are applied by
//! the renderer; every other one is a function of its input and arguments, here.
//!
//! Filters are lenient like Liquid's: a filter given something it cannot use returns its
//! input (or nil), never an error; only an unknown filter name is an error, found when the
//! expression is parsed.

use std::sync::Arc;

use super::value::{Map, Number, Value};

/// Every filter name Portolan knows, for the parser and its suggestions.
pub(crate) const NAMES: &[&str] = &[
    // Standard Liquid.
    "abs",
    "append",
    "at_least",
    "at_most",
    "capitalize",
    "ceil",
    "compact",
    "concat",
    "date",
    "default",
    "divided_by",
    "downcase",
    "escape",
    "escape_once",
    "first",
    "floor",
    "join",
    "last",
    "lstrip",
    "map",
    "minus",
    "modulo",
    "newline_to_br",
    "plus",
    "prepend",
    "remove",
    "remove_first",
    "remove_last",
    "replace",
    "replace_first",
    "replace_last",
    "reverse",
    "round",
    "rstrip",
    "size",
    "slice",
    "sort",
    "sort_natural",
    "split",
    "strip",
    "strip_html",
    "strip_newlines",
    "sum",
    "times",
    "truncate",
    "truncatewords",
    "uniq",
    "upcase",
    "url_decode",
    "url_encode",
    "where",
    // Jekyll's.
    "absolute_url",
    "array_to_sentence_string",
    "cgi_escape",
    "find",
    "find_exp",
    "group_by",
    "inspect",
    "jsonify",
    "markdownify",
    "normalize_whitespace",
    "number_of_words",
    "pop",
    "push",
    "relative_url",
    "sample",
    "shift",
    "slugify",
    "smartify",
    "unshift",
    "uri_escape",
    "where_exp",
    "xml_escape",
    // Kong's.
    "escape_env_variables",
    "indent",
    "json_prettify",
    "liquify",
    "markdown",
    "to_check",
];

/// True for a filter Portolan knows.
pub(crate) fn is_known(name: &str) -> bool {
    NAMES.contains(&name)
}

fn text(v: &Value) -> String {
    v.render()
}

fn arg(args: &[Value], i: usize) -> Value {
    args.get(i).cloned().unwrap_or_default()
}

fn num(v: &Value) -> Number {
    v.as_number().unwrap_or(Number::Int(0))
}

fn arithmetic(
    a: &Value,
    b: &Value,
    int: impl Fn(i64, i64) -> Option<i64>,
    float: impl Fn(f64, f64) -> f64,
) -> Value {
    match (num(a), num(b)) {
        (Number::Int(x), Number::Int(y)) => int(x, y).map_or(Value::Nil, Value::Int),
        (x, y) => Value::Float(float(x.as_f64(), y.as_f64())),
    }
}

/// The `key` of each map item (or the item itself when `key` is empty).
fn property(item: &Value, key: &str) -> Value {
    if key.is_empty() {
        return item.clone();
    }
    key.split('.').fold(item.clone(), |v, k| v.member(k))
}

/// Applies filter `name` (a pure one) to `input`.
pub(crate) fn apply(
    name: &str,
    input: &Value,
    args: &[Value],
    keywords: &[(String, Value)],
) -> Value {
    let a0 = || arg(args, 0);
    let a1 = || arg(args, 1);
    match name {
        "abs" => match num(input) {
            Number::Int(i) => Value::Int(i.saturating_abs()),
            Number::Float(f) => Value::Float(f.abs()),
        },
        "append" => Value::str(text(input) + &text(&a0())),
        "prepend" => Value::str(text(&a0()) + &text(input)),
        "at_least" => max_num(input, &a0(), true),
        "at_most" => max_num(input, &a0(), false),
        "capitalize" => {
            let s = text(input);
            let mut c = s.chars();
            match c.next() {
                Some(f) => Value::str(
                    f.to_uppercase()
                        .chain(c.flat_map(char::to_lowercase))
                        .collect::<String>(),
                ),
                None => Value::str(""),
            }
        }
        "ceil" => Value::Int(num(input).as_f64().ceil() as i64),
        "floor" => Value::Int(num(input).as_f64().floor() as i64),
        "round" => {
            let digits = a0()
                .as_number()
                .map_or(0, |n| n.as_f64() as i32)
                .clamp(0, 12);
            let f = num(input).as_f64();
            if digits == 0 {
                Value::Int(f.round() as i64)
            } else {
                let p = 10f64.powi(digits);
                Value::Float((f * p).round() / p)
            }
        }
        "compact" => Value::array(
            input
                .items()
                .into_iter()
                .filter(|v| !matches!(v, Value::Nil))
                .collect(),
        ),
        "concat" => {
            let mut v = input.items();
            v.extend(a0().items());
            Value::array(v)
        }
        "date" => super::date::format(input, &text(&a0())),
        "default" => {
            let allow_false = keywords
                .iter()
                .any(|(k, v)| k == "allow_false" && v.truthy());
            let empty = match input {
                Value::Bool(false) => !allow_false,
                v => !v.truthy() || v.is_empty(),
            };
            if empty {
                a0()
            } else {
                input.clone()
            }
        }
        "divided_by" => match (num(input), num(&a0())) {
            (_, Number::Int(0)) => Value::Nil,
            (Number::Int(x), Number::Int(y)) => Value::Int(x.div_euclid(y)),
            (x, y) => Value::Float(x.as_f64() / y.as_f64()),
        },
        "minus" => arithmetic(input, &a0(), i64::checked_sub, |x, y| x - y),
        "plus" => arithmetic(input, &a0(), i64::checked_add, |x, y| x + y),
        "times" => arithmetic(input, &a0(), i64::checked_mul, |x, y| x * y),
        "modulo" => arithmetic(
            input,
            &a0(),
            |x, y| if y == 0 { None } else { Some(x.rem_euclid(y)) },
            |x, y| x % y,
        ),
        "downcase" => Value::str(text(input).to_lowercase()),
        "upcase" => Value::str(text(input).to_uppercase()),
        "escape" | "xml_escape" => Value::str(portolan_htmlscan::escape_html(&text(input))),
        "escape_once" => Value::str(portolan_htmlscan::escape_html(
            &portolan_htmlscan::decode_references(&text(input)),
        )),
        "first" => match input {
            Value::Str(s, _) => Value::str(s.chars().next().map(String::from).unwrap_or_default()),
            v => v.member("first"),
        },
        "last" => match input {
            Value::Str(s, _) => Value::str(s.chars().last().map(String::from).unwrap_or_default()),
            v => v.member("last"),
        },
        "join" => {
            let sep = if args.is_empty() {
                " ".to_string()
            } else {
                text(&a0())
            };
            Value::str(
                input
                    .items()
                    .iter()
                    .map(text)
                    .collect::<Vec<_>>()
                    .join(&sep),
            )
        }
        "array_to_sentence_string" => {
            let items: Vec<String> = input.items().iter().map(text).collect();
            let conj = if args.is_empty() {
                "and".to_string()
            } else {
                text(&a0())
            };
            Value::str(match items.len() {
                0 => String::new(),
                1 => items[0].clone(),
                2 => format!("{} {conj} {}", items[0], items[1]),
                n => format!("{}, {conj} {}", items[..n - 1].join(", "), items[n - 1]),
            })
        }
        "lstrip" => Value::str(text(input).trim_start()),
        "rstrip" => Value::str(text(input).trim_end()),
        "strip" => Value::str(text(input).trim()),
        "map" => {
            let key = text(&a0());
            Value::array(input.items().iter().map(|i| property(i, &key)).collect())
        }
        "newline_to_br" => Value::str(text(input).replace('\n', "<br />\n")),
        "strip_newlines" => Value::str(text(input).replace(['\n', '\r'], "")),
        "normalize_whitespace" => {
            Value::str(text(input).split_whitespace().collect::<Vec<_>>().join(" "))
        }
        "number_of_words" => Value::Int(text(input).split_whitespace().count() as i64),
        "remove" => Value::str(text(input).replace(&text(&a0()), "")),
        "remove_first" => Value::str(text(input).replacen(&text(&a0()), "", 1)),
        "remove_last" => Value::str(replace_last(&text(input), &text(&a0()), "")),
        "replace" => Value::str(text(input).replace(&text(&a0()), &text(&a1()))),
        "replace_first" => Value::str(text(input).replacen(&text(&a0()), &text(&a1()), 1)),
        "replace_last" => Value::str(replace_last(&text(input), &text(&a0()), &text(&a1()))),
        "reverse" => {
            let mut v = input.items();
            v.reverse();
            Value::array(v)
        }
        "size" => match input {
            Value::Str(s, _) => Value::Int(s.chars().count() as i64),
            v => Value::Int(v.items().len() as i64),
        },
        "slice" => {
            let start = num(&a0()).as_f64() as i64;
            let len = if args.len() > 1 {
                num(&a1()).as_f64() as i64
            } else {
                1
            };
            slice(input, start, len)
        }
        "sort" | "sort_natural" => {
            let key = text(&a0());
            let mut v = input.items();
            let natural = name == "sort_natural";
            v.sort_by(|a, b| {
                let (a, b) = (property(a, &key), property(b, &key));
                if natural {
                    text(&a).to_lowercase().cmp(&text(&b).to_lowercase())
                } else {
                    a.compare(&b).unwrap_or(std::cmp::Ordering::Equal)
                }
            });
            Value::array(v)
        }
        "split" => {
            let s = text(input);
            let sep = text(&a0());
            let parts: Vec<Value> = if sep.is_empty() {
                s.chars().map(|c| Value::str(c.to_string())).collect()
            } else {
                // Ruby's split drops trailing empty parts.
                let mut v: Vec<&str> = s.split(sep.as_str()).collect();
                while v.last() == Some(&"") {
                    v.pop();
                }
                v.into_iter().map(Value::str).collect()
            };
            Value::array(parts)
        }
        "strip_html" => Value::str(portolan_htmlscan::text(&text(input))),
        "sum" => {
            let key = text(&a0());
            input
                .items()
                .iter()
                .map(|i| num(&property(i, &key)))
                .fold(Value::Int(0), |acc, n| {
                    arithmetic(&acc, &n.value(), i64::checked_add, |x, y| x + y)
                })
        }
        "truncate" => {
            let n = a0().as_number().map_or(50, |n| n.as_f64() as usize);
            let ellipsis = if args.len() > 1 {
                text(&a1())
            } else {
                "...".into()
            };
            let s = text(input);
            if s.chars().count() <= n {
                Value::str(s)
            } else {
                let keep = n.saturating_sub(ellipsis.chars().count());
                Value::str(s.chars().take(keep).collect::<String>() + &ellipsis)
            }
        }
        "truncatewords" => {
            let n = a0().as_number().map_or(15, |n| n.as_f64() as usize).max(1);
            let ellipsis = if args.len() > 1 {
                text(&a1())
            } else {
                "...".into()
            };
            let s = text(input);
            let words: Vec<&str> = s.split_whitespace().collect();
            if words.len() <= n {
                Value::str(s)
            } else {
                Value::str(words[..n].join(" ") + &ellipsis)
            }
        }
        "uniq" => {
            let mut out: Vec<Value> = Vec::new();
            for v in input.items() {
                if !out.iter().any(|o| o.equals(&v)) {
                    out.push(v);
                }
            }
            Value::array(out)
        }
        "url_encode" | "cgi_escape" => Value::str(url_encode(&text(input), true)),
        "uri_escape" => Value::str(url_encode(&text(input), false)),
        "url_decode" => Value::str(url_decode(&text(input))),
        "where" => {
            let key = text(&a0());
            let want = if args.len() > 1 { Some(a1()) } else { None };
            Value::array(
                input
                    .items()
                    .into_iter()
                    .filter(|item| {
                        let v = property(item, &key);
                        match &want {
                            // Jekyll compares as text; an array property matches when it holds the value.
                            Some(w) => match &v {
                                Value::Array(a) => a.iter().any(|x| text(x) == text(w)),
                                _ => v.equals(w) || text(&v) == text(w),
                            },
                            None => v.truthy(),
                        }
                    })
                    .collect(),
            )
        }
        "find" => {
            let key = text(&a0());
            let want = a1();
            input
                .items()
                .into_iter()
                .find(|item| {
                    let v = property(item, &key);
                    v.equals(&want) || text(&v) == text(&want)
                })
                .unwrap_or_default()
        }
        "group_by" => {
            let key = text(&a0());
            let mut groups: Vec<(String, Vec<Value>)> = Vec::new();
            for item in input.items() {
                let k = text(&property(&item, &key));
                match groups.iter_mut().find(|(g, _)| *g == k) {
                    Some((_, items)) => items.push(item),
                    None => groups.push((k, vec![item])),
                }
            }
            Value::array(
                groups
                    .into_iter()
                    .map(|(name, items)| {
                        let mut m = Map::new();
                        m.insert("name".into(), Value::str(name));
                        m.insert("size".into(), Value::Int(items.len() as i64));
                        m.insert("items".into(), Value::array(items));
                        Value::Map(Arc::new(m))
                    })
                    .collect(),
            )
        }
        "inspect" => Value::str(format!("{:?}", input.to_json().to_string())),
        "jsonify" => Value::str(input.to_json().to_string()),
        "json_prettify" => {
            // Text that is JSON is reformatted; anything else is written as JSON.
            let v = match input {
                Value::Str(s, _) => serde_json::from_str(s).unwrap_or_else(|_| input.to_json()),
                other => other.to_json(),
            };
            Value::str(serde_json::to_string_pretty(&v).unwrap_or_default())
        }
        "pop" => {
            let mut v = input.items();
            v.pop();
            Value::array(v)
        }
        "shift" => {
            let mut v = input.items();
            if !v.is_empty() {
                v.remove(0);
            }
            Value::array(v)
        }
        "push" => {
            let mut v = input.items();
            v.push(a0());
            Value::array(v)
        }
        "unshift" => {
            let mut v = input.items();
            v.insert(0, a0());
            Value::array(v)
        }
        // Deterministic: a build gives the same pages every time.
        "sample" => input.member("first"),
        "slugify" => Value::str(jekyll_slugify(&text(input))),
        "smartify" => Value::str(text(input)),
        "escape_env_variables" => Value::str(escape_env_variables(&text(input))),
        "indent" => {
            let n = a0().as_number().map_or(3, |n| n.as_f64() as usize).min(64);
            let pad = " ".repeat(n);
            let s = text(input);
            Value::str(
                s.split('\n')
                    .map(|l| {
                        if l.trim().is_empty() {
                            l.to_string()
                        } else {
                            format!("{pad}{l}")
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("\n"),
            )
        }
        "to_check" => Value::str(if input.truthy() { "✓" } else { "✗" }),
        // The contextual filters are applied by the renderer; reaching here means one was
        // applied without a page (a value expanded on its own): the input unchanged.
        _ => input.clone(),
    }
}

fn max_num(a: &Value, b: &Value, at_least: bool) -> Value {
    let (x, y) = (num(a), num(b));
    let pick_y = if at_least {
        y.as_f64() > x.as_f64()
    } else {
        y.as_f64() < x.as_f64()
    };
    if pick_y {
        y.value()
    } else {
        x.value()
    }
}

fn replace_last(s: &str, from: &str, to: &str) -> String {
    match s.rfind(from) {
        Some(i) if !from.is_empty() => format!("{}{to}{}", &s[..i], &s[i + from.len()..]),
        _ => s.to_string(),
    }
}

fn slice(input: &Value, start: i64, len: i64) -> Value {
    let len = len.max(0) as usize;
    match input {
        Value::Str(s, _) => {
            let chars: Vec<char> = s.chars().collect();
            let n = chars.len() as i64;
            let start = if start < 0 { n + start } else { start };
            if start < 0 || start >= n {
                return Value::str("");
            }
            Value::str(chars[start as usize..].iter().take(len).collect::<String>())
        }
        v => {
            let items = v.items();
            let n = items.len() as i64;
            let start = if start < 0 { n + start } else { start };
            if start < 0 || start >= n {
                return Value::array(Vec::new());
            }
            Value::array(items.into_iter().skip(start as usize).take(len).collect())
        }
    }
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

/// Kong's `escape_env_variables`: `$NAME` written so a shell leaves it alone in a
/// double-quoted string (`\$NAME`).
fn escape_env_variables(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev = '\0';
    for c in s.chars() {
        if c == '$' && prev != '\\' {
            out.push('\\');
        }
        out.push(c);
        prev = c;
    }
    out
}

fn url_encode(s: &str, form: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' if form => out.push('+'),
            b'/' | b':' | b'?' | b'#' | b'&' | b'=' | b'@' | b'!' | b'$' | b'\'' | b'(' | b')'
            | b'*' | b'+' | b',' | b';'
                if !form =>
            {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn url_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() && hex(b[i + 1]).is_some() && hex(b[i + 2]).is_some() => {
                let v = hex(b[i + 1]).unwrap_or(0) * 16 + hex(b[i + 2]).unwrap_or(0);
                out.push(v as u8);
                i += 2;
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(name: &str, input: Value, args: &[Value]) -> String {
        apply(name, &input, args, &[]).render()
    }

    fn strs(v: &[&str]) -> Value {
        Value::array(v.iter().map(|s| Value::str(*s)).collect())
    }

    #[test]
    fn text_filters() {
        assert_eq!(f("append", Value::str("a"), &[Value::str("b")]), "ab");
        assert_eq!(f("prepend", Value::str("a"), &[Value::str("b")]), "ba");
        assert_eq!(f("capitalize", Value::str("kONG gw"), &[]), "Kong gw");
        assert_eq!(
            f(
                "replace",
                Value::str("a-b-c"),
                &[Value::str("-"), Value::str("+")]
            ),
            "a+b+c"
        );
        assert_eq!(f("remove", Value::str("a-b"), &[Value::str("-")]), "ab");
        assert_eq!(f("strip", Value::str("  x "), &[]), "x");
        assert_eq!(
            f("truncate", Value::str("abcdefgh"), &[Value::Int(5)]),
            "ab..."
        );
        assert_eq!(
            f("slugify", Value::str("Kong Gateway 3.4!"), &[]),
            "kong-gateway-3-4"
        );
        assert_eq!(f("escape", Value::str("<b>&"), &[]), "&lt;b&gt;&amp;");
        assert_eq!(f("strip_html", Value::str("<p>a <b>b</b></p>"), &[]), "a b");
        assert_eq!(
            f("escape_env_variables", Value::str("x $A \\$B"), &[]),
            "x \\$A \\$B"
        );
        assert_eq!(f("url_encode", Value::str("a b&c"), &[]), "a+b%26c");
        assert_eq!(f("url_decode", Value::str("a+b%26c"), &[]), "a b&c");
        assert_eq!(
            f(
                "slice",
                Value::str("hello"),
                &[Value::Int(1), Value::Int(3)]
            ),
            "ell"
        );
        assert_eq!(f("slice", Value::str("hello"), &[Value::Int(-2)]), "l");
    }

    #[test]
    fn numbers() {
        assert_eq!(f("plus", Value::Int(2), &[Value::Int(3)]), "5");
        assert_eq!(f("plus", Value::str("2"), &[Value::Float(0.5)]), "2.5");
        assert_eq!(f("minus", Value::Int(2), &[Value::Int(3)]), "-1");
        assert_eq!(f("times", Value::Int(4), &[Value::Int(3)]), "12");
        assert_eq!(f("divided_by", Value::Int(7), &[Value::Int(2)]), "3");
        assert_eq!(f("divided_by", Value::Int(7), &[Value::Int(0)]), "");
        assert_eq!(f("modulo", Value::Int(7), &[Value::Int(3)]), "1");
        assert_eq!(f("round", Value::Float(2.567), &[Value::Int(2)]), "2.57");
        assert_eq!(f("at_least", Value::Int(2), &[Value::Int(5)]), "5");
        assert_eq!(f("abs", Value::Int(-3), &[]), "3");
    }

    #[test]
    fn arrays() {
        let a = strs(&["b", "a", "c", "a"]);
        assert_eq!(f("join", a.clone(), &[Value::str(",")]), "b,a,c,a");
        assert_eq!(f("sort", a.clone(), &[]), "aabc");
        assert_eq!(f("uniq", a.clone(), &[]), "bac");
        assert_eq!(f("reverse", a.clone(), &[]), "acab");
        assert_eq!(f("first", a.clone(), &[]), "b");
        assert_eq!(f("last", a.clone(), &[]), "a");
        assert_eq!(f("size", a.clone(), &[]), "4");
        assert_eq!(
            f(
                "join",
                apply("split", &Value::str("a,b,,"), &[Value::str(",")], &[]),
                &[Value::str("|")]
            ),
            "a|b"
        );
        assert_eq!(f("push", a.clone(), &[Value::str("z")]), "bacaz");
        assert_eq!(f("shift", a.clone(), &[]), "aca");
        assert_eq!(
            f("array_to_sentence_string", strs(&["a", "b", "c"]), &[]),
            "a, b, and c"
        );
    }

    #[test]
    fn where_find_map_and_default() {
        let y: serde_yaml::Value = serde_yaml::from_str(
            "- {name: a, label: ''}\n- {name: b, label: lts, tags: [x, y]}\n- {name: c}\n",
        )
        .unwrap();
        let items = Value::from_yaml(&y);
        assert_eq!(
            f(
                "map",
                apply(
                    "where",
                    &items,
                    &[Value::str("label"), Value::str("lts")],
                    &[]
                ),
                &[Value::str("name")]
            ),
            "b"
        );
        assert_eq!(
            f(
                "map",
                apply("where", &items, &[Value::str("label"), Value::Empty], &[]),
                &[Value::str("name")]
            ),
            "ac"
        );
        assert_eq!(
            f(
                "map",
                apply("where", &items, &[Value::str("tags"), Value::str("y")], &[]),
                &[Value::str("name")]
            ),
            "b"
        );
        assert_eq!(
            apply("find", &items, &[Value::str("name"), Value::str("c")], &[])
                .member("name")
                .render(),
            "c"
        );
        assert_eq!(f("default", Value::Nil, &[Value::str("d")]), "d");
        assert_eq!(f("default", Value::str(""), &[Value::str("d")]), "d");
        assert_eq!(f("default", Value::str("x"), &[Value::str("d")]), "x");
        assert_eq!(
            apply(
                "default",
                &Value::Bool(false),
                &[Value::str("d")],
                &[("allow_false".into(), Value::Bool(true))]
            )
            .render(),
            "false"
        );
    }

    #[test]
    fn kong_filters() {
        assert_eq!(
            f("indent", Value::str("a\n\nb"), &[Value::Int(3)]),
            "   a\n\n   b"
        );
        assert_eq!(f("indent", Value::str("a"), &[]), "   a");
        assert_eq!(
            f("json_prettify", Value::str("{\"a\":1}"), &[]),
            "{\n  \"a\": 1\n}"
        );
        assert_eq!(f("to_check", Value::Bool(true), &[]), "✓");
        assert_eq!(f("jsonify", strs(&["a"]), &[]), "[\"a\"]");
    }

    #[test]
    fn every_name_is_handled_or_contextual() {
        for name in NAMES {
            // No filter panics on odd input.
            let _ = apply(name, &Value::Nil, &[], &[]);
            let _ = apply(
                name,
                &Value::str("é"),
                &[Value::Int(-9), Value::Int(99)],
                &[],
            );
        }
    }
}
