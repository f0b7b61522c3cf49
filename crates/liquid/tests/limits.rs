//! Every runaway is an error at its place: the break-it reproducers against the engine
//! alone, each ending in output or a positioned error, never a panic, a stack overflow, a
//! hang or gigabytes.

mod support;

use support::{render, render_with, TestHost};

fn errors(diags: &[portolan_liquid::Diagnostic]) -> Vec<String> {
    diags
        .iter()
        .filter(|d| d.is_error())
        .map(|d| {
            let s = d.span.expect("positioned");
            format!("{}@{}:{}", d.message, s.file, s.start)
        })
        .collect()
}

/// Runs `f` on a thread with a small stack (what rayon's threads and tests get): the
/// limits must hold with room to spare, in debug builds too.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .expect("no stack overflow")
}

#[test]
fn two_thousand_nested_ifs_are_an_error_not_an_overflow() {
    let page = format!(
        "{}x{}",
        "{% if true %}".repeat(2000),
        "{% endif %}".repeat(2000)
    );
    let (_, diags) = on_small_stack(move || render(&page));
    let e = errors(&diags);
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].starts_with("blocks nest more than 100 deep@0:"),
        "{e:?}"
    );
    // The error is at the 101st `if`.
    assert!(e[0].ends_with(&format!(":{}", 100 * 13)), "{e:?}");
}

/// The deepest nesting the limits allow, through includes, renders on a small stack.
#[test]
fn the_deepest_allowed_nesting_fits_a_small_stack() {
    let block = |inner: &str| {
        format!(
            "{}{inner}{}",
            "{% if true %}{% for i in (1..1) %}".repeat(49),
            "{% endfor %}{% endif %}".repeat(49)
        )
    };
    let mut files = Vec::new();
    for i in 0..16 {
        let next = if i == 15 {
            "leaf".to_string()
        } else {
            format!("{{% include i{} %}}", i + 1)
        };
        files.push((format!("i{i}"), block(&next)));
    }
    let (out, diags) = on_small_stack(move || {
        let refs: Vec<(&str, &str)> = files
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        render_with(TestHost::with_includes(&refs), "{% include i0 %}")
    });
    let e = errors(&diags);
    assert!(
        out.contains("leaf") || e.iter().any(|m| m.contains("nest more than")),
        "{e:?}"
    );
}

#[test]
fn deep_expressions_and_conditions_are_errors() {
    let parens = format!("{{{{ {}1..2{} }}}}", "(".repeat(5000), "..3)".repeat(5000));
    let chain = format!("{{% if {} %}}x{{% endif %}}", vec!["a"; 5000].join(" and "));
    let index = format!("{{{{ a{}0{} }}}}", "[a".repeat(5000), "]".repeat(5000));
    for page in [parens, chain, index] {
        let (_, diags) = on_small_stack(move || render(&page));
        let e = errors(&diags);
        assert!(
            e.iter().any(|m| m.contains("nests more than 64 deep")),
            "{e:?}"
        );
    }
}

#[test]
fn integer_arithmetic_never_panics() {
    for page in [
        "{{ -9223372036854775808 | divided_by: -1 }}",
        "{{ -9223372036854775808 | modulo: -1 }}",
        "{{ -9223372036854775808 | abs }}",
        "{{ 9223372036854775807 | plus: 1 }}",
        "{{ 9223372036854775807 | times: 9223372036854775807 }}",
        "{{ -9223372036854775808 | minus: 1 }}",
        "{% for i in (9223372036854775800..9223372036854775807) %}{{ i }}{% endfor %}",
        "{% for i in (-9223372036854775808..-9223372036854775800) %}{% endfor %}",
        "{{ 'ab' | slice: -9223372036854775808, 9223372036854775807 }}",
        "{{ 99999999999999999999.5 | times: 99999999999999999999.5 | ceil }}",
        "{{ '99999999999999999-01-01' | date: '%s %j' }}",
        "{{ '9223372036854775807' | date: '%s %j %Y' }}",
        "{{ -9223372036854775808 | date: '%Y %s' }}",
        "{% decrement x %}{% increment x %}",
    ] {
        let (_, diags) = render(page);
        assert!(errors(&diags).is_empty(), "{page}: {diags:?}");
    }
}

/// `split: ""` of a megabyte then `join` with the megabyte: a terabyte asked for, refused
/// at the filter before it is built.
#[test]
fn a_terabyte_join_is_refused_at_its_filter() {
    let page = format!(
        "{{% capture a %}}{}{{% endcapture %}}{{{{ a | split: \"\" | join: a }}}}",
        "x".repeat(1 << 20)
    );
    let (out, diags) = render(&page);
    let e = errors(&diags);
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].starts_with("the page builds more than 64 MiB"),
        "{e:?}"
    );
    let filter_at = page.find("join").unwrap();
    assert!(
        e[0].ends_with(&format!(":{filter_at}")),
        "{e:?} vs {filter_at}"
    );
    assert!(out.len() < 4 << 20);
}

/// A value that shares itself ([a, a] of [b, b]...) is small in memory; walking it is
/// refused before it starts.
#[test]
fn self_sharing_values_cannot_be_walked_forever() {
    let page = "{% assign a = 'x' | split: ',' %}{% for i in (1..70) %}{% assign a = a | concat: a %}{% endfor %}{{ a | size }}";
    let (_, diags) = render(page);
    let e = errors(&diags);
    assert!(
        e.iter().any(|m| m.starts_with("the page builds more than")),
        "{e:?}"
    );

    let nested = "{% assign a = 'x' | split: ',' %}{% for i in (1..80) %}{% assign b = '' | split: '' | push: a | push: a %}{% assign a = b %}{% endfor %}{{ a | jsonify | size }}{% if a == a %}{% endif %}{{ a }}";
    let (_, diags) = render(nested);
    let e = errors(&diags);
    assert!(
        e.iter().any(|m| m.starts_with("the page walks more than")),
        "{e:?}"
    );
}

#[test]
fn a_list_pushed_into_itself_stops_at_the_depth_limit() {
    let page = "{% assign a = '' | split: '' %}{% for i in (1..1000) %}{% assign a = '' | split: '' | push: a %}{% endfor %}{{ a | size }}";
    let (_, diags) = on_small_stack(move || render(page));
    let e = errors(&diags);
    assert!(
        e.iter()
            .any(|m| m.starts_with("a value nests more than 128 arrays deep")),
        "{e:?}"
    );
}

/// `uniq` over 200,000 numbers is linear (it was quadratic: 197 s).
#[test]
fn uniq_of_a_long_range_is_linear() {
    let (out, diags) = render("{{ (1..199999) | uniq | size }}");
    assert!(errors(&diags).is_empty(), "{diags:?}");
    assert_eq!(out, "199999");
}

#[test]
fn loops_are_bounded_in_all() {
    let (_, diags) =
        render("{% for i in (1..1000) %}{% for j in (1..1000) %}{% endfor %}{% endfor %}");
    assert!(errors(&diags)[0].starts_with("loops run more than 200000 times"));
    let (_, diags) = render("{% assign a = (1..150000) %}{{ a | where_exp: 'x', 'x > 1' | size }}{{ a | where_exp: 'x', 'x > 1' | size }}");
    assert!(
        errors(&diags)[0].starts_with("loops run more than 200000 times"),
        "{diags:?}"
    );
}

/// One line made of many tags: finding the current line stays linear.
#[test]
fn a_long_line_of_includes_renders() {
    let page = "{% include a %}".repeat(4000);
    let (out, diags) = render_with(TestHost::with_includes(&[("a", "x")]), &page);
    assert!(errors(&diags).is_empty(), "{diags:?}");
    // The last include ends its line, as a block does.
    assert_eq!(out.len(), 4001);
}
