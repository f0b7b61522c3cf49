//! Every limit in `portolan_dialect::limits`, and the inputs that once took quadratic (or
//! exponential) time or memory: each gives a clear error, or renders, well within a time
//! bound (debug build; release is 10-30x faster).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use portolan_dialect::limits::*;
use portolan_dialect::{
    render_page, Context, Diagnostic, IncludeError, IncludeResolver, Included, KeepLinks,
    NoComponents, PageInfo, RenderedPage, SiteValues,
};

struct Files(HashMap<String, (usize, Arc<str>)>);

impl Files {
    fn new(files: &[(&str, String)]) -> Self {
        Files(
            files
                .iter()
                .enumerate()
                .map(|(i, (p, t))| (p.to_string(), (i + 1, Arc::from(t.as_str()))))
                .collect(),
        )
    }
}

impl IncludeResolver for Files {
    fn resolve(&self, path: &str) -> Result<Included, IncludeError> {
        match self.0.get(path) {
            Some((file, text)) => Ok(Included {
                file: *file,
                text: text.clone(),
            }),
            None => Err(IncludeError {
                message: format!("include `{path}` not found"),
                hint: None,
            }),
        }
    }
}

/// A hang guard, not a performance figure (those are in bench/): each case takes well under a
/// second, and the inputs here would take minutes to hours without their limits.
const BOUND: Duration = Duration::from_secs(60);

const INFO: PageInfo<'static> = PageInfo {
    url: "/limits/",
    path: "limits.md",
    defaults: None,
};

fn render_with(body: &str, files: &Files) -> (Option<RenderedPage>, Vec<Diagnostic>) {
    let site = SiteValues::new(
        &portolan_yaml::load("product: Kong Gateway\n", Default::default()).unwrap(),
    );
    let ctx = Context {
        site: &site,
        includes: files,
        links: &KeepLinks,
        components: &NoComponents,
        diagrams: &portolan_dialect::BrowserDiagrams,
        highlighter: &portolan_dialect::DirectHighlighter,
    };
    let text = format!("---\ntitle: Limits\n---\n{body}");
    let t = Instant::now();
    let r = render_page(ctx, 0, &text, INFO);
    assert!(t.elapsed() < BOUND, "took {:?}", t.elapsed());
    assert!(
        r.1.len() <= MAX_DIAGNOSTICS_PER_PAGE + 1,
        "{} diagnostics",
        r.1.len()
    );
    r
}

fn render(body: &str) -> (Option<RenderedPage>, Vec<Diagnostic>) {
    render_with(body, &Files::new(&[]))
}

fn errors(d: &[Diagnostic]) -> Vec<&str> {
    d.iter()
        .filter(|d| d.is_error())
        .map(|d| d.message.as_str())
        .collect()
}

fn has_error(d: &[Diagnostic], part: &str) -> bool {
    d.iter().any(|d| d.is_error() && d.message.contains(part))
}

#[test]
fn unclosed_tags_are_linear_and_capped() {
    for open in ["{{ x\n", "{% x\n", "{%- x\n"] {
        let (_, d) = render(&open.repeat(200_000));
        assert!(has_error(&d, "unclosed"), "{open:?}: {:?}", errors(&d));
        assert!(
            d.iter()
                .any(|d| d.message == portolan_dialect::diag::TOO_MANY && d.is_error()),
            "{open:?}: the rest is summed up"
        );
    }
    // A raw block followed by many tag openers and one closer at the very end.
    let (_, d) = render(&format!("{{% raw %}}{}%}}", "{%".repeat(200_000)));
    assert!(has_error(&d, "unclosed `{% raw %}`"), "{:?}", errors(&d));
}

#[test]
fn trimming_and_repeated_tags_are_linear() {
    let (p, d) = render(&"a {%- # comment -%} ".repeat(100_000));
    assert!(errors(&d).is_empty(), "{:?}", errors(&d));
    assert!(p.unwrap().html.starts_with("<p>aaaa"));
    // Block tags mid-line: only the blanks before each are looked at.
    let table = "{% table %}\ncolumns:\n  - title: A\n    key: a\nrows:\n  - a: b\n{% endtable %}";
    let (p, d) = render(&format!("x {}\n", table.repeat(5_000)));
    assert!(errors(&d).is_empty(), "{:?}", errors(&d));
    assert_eq!(p.unwrap().tables.len(), 5_000);
    // One calculator per page; the others are errors, listed up to the cap.
    let (_, d) = render(&format!(
        "x {}\n",
        "{% hostname_calculator %}".repeat(50_000)
    ));
    assert!(
        errors(&d)
            .iter()
            .all(|e| e.starts_with("a second `{% hostname_calculator %}`")
                || e.starts_with("too many problems")),
        "{:?}",
        errors(&d)
    );
    assert!(has_error(&d, "a second"));
}

#[test]
fn includes_that_multiply_are_stopped() {
    let fan = |inner: &str| format!("{{% include /{inner}.md %}}").repeat(8);
    let files = Files::new(&[
        ("a.md", fan("b")),
        ("b.md", fan("c")),
        ("c.md", fan("d")),
        ("d.md", fan("e")),
        ("e.md", "leaf\n".into()),
    ]);
    let (_, d) = render_with("{% include /a.md %}\n", &files);
    assert!(
        has_error(&d, &format!("more than {MAX_INCLUDES_PER_PAGE} includes")),
        "{:?}",
        errors(&d)
    );

    // Ten includes of 2 MiB each: over the expanded limit, reported once.
    let big = "x".repeat(2 << 20) + "\n";
    let files = Files::new(&[("big.md", big)]);
    let (_, d) = render_with(&"{% include /big.md %}\n".repeat(10), &files);
    assert!(
        has_error(&d, &format!("larger than {} MiB", MAX_EXPANDED_BYTES >> 20)),
        "{:?}",
        errors(&d)
    );
    assert_eq!(d.iter().filter(|d| d.message.contains("MiB")).count(), 1);

    // An include file over the page limit.
    let files = Files::new(&[("huge.md", "y".repeat(MAX_PAGE_BYTES + 1))]);
    let (_, d) = render_with("{% include /huge.md %}\n", &files);
    assert!(has_error(&d, "the limit is 8 MiB"), "{:?}", errors(&d));

    // Deep include chains stop at the depth limit, cycles are named.
    let chain: Vec<(String, String)> = (0..40)
        .map(|i| {
            (
                format!("c{i}.md"),
                format!("{{% include /c{}.md %}}", i + 1),
            )
        })
        .collect();
    let chain: Vec<(&str, String)> = chain.iter().map(|(p, t)| (p.as_str(), t.clone())).collect();
    let (_, d) = render_with("{% include /c0.md %}", &Files::new(&chain));
    assert!(
        has_error(&d, &format!("nested more than {MAX_INCLUDE_DEPTH} deep")),
        "{:?}",
        errors(&d)
    );
}

#[test]
fn pages_over_the_size_limit_are_refused() {
    let (p, d) = render(&"a".repeat(MAX_PAGE_BYTES));
    assert!(p.is_none());
    assert!(has_error(&d, "the limit is 8 MiB"), "{:?}", errors(&d));
    assert_eq!(d[0].span.unwrap().start, 0);
}

#[test]
fn deep_yaml_is_refused_before_libyaml_goes_quadratic() {
    let (_, d) = render_with("", &Files::new(&[]));
    assert!(errors(&d).is_empty());
    let site = SiteValues::default();
    let files = Files::new(&[]);
    let ctx = Context {
        site: &site,
        includes: &files,
        links: &KeepLinks,
        components: &NoComponents,
        diagrams: &portolan_dialect::BrowserDiagrams,
        highlighter: &portolan_dialect::DirectHighlighter,
    };
    let t = Instant::now();
    let (_, d) = render_page(
        ctx,
        0,
        &format!("---\ntitle: T\nx: {}\n---\n", "[".repeat(500_000)),
        INFO,
    );
    assert!(
        has_error(
            &d,
            &format!("frontmatter nests more than {MAX_YAML_DEPTH} levels deep")
        ),
        "{:?}",
        errors(&d)
    );
    let (_, d) = render_page(
        ctx,
        0,
        &format!("---\ntitle: T\nx: {}\n---\n", "{a: ".repeat(200_000)),
        INFO,
    );
    assert!(
        has_error(&d, "frontmatter nests more than"),
        "{:?}",
        errors(&d)
    );
    assert!(t.elapsed() < BOUND, "{:?}", t.elapsed());

    let (_, d) = render(&format!(
        "{{% table %}}\ncolumns: {}\n{{% endtable %}}\n",
        "[".repeat(1_000_000)
    ));
    assert!(
        has_error(
            &d,
            &format!("table YAML nests more than {MAX_YAML_DEPTH} levels deep")
        ),
        "{:?}",
        errors(&d)
    );
    let (_, d) = render(&format!(
        "{{% table %}}\ncolumns: []\nrows:\n{}x\n{{% endtable %}}\n",
        "- ".repeat(1_000_000)
    ));
    assert!(
        has_error(&d, "table YAML nests more than"),
        "{:?}",
        errors(&d)
    );
}

#[test]
fn markdown_nesting_is_bounded() {
    let nest = |n: usize| format!("{}x\n", "- ".repeat(n));
    let (_, d) = render(&nest(MAX_BLOCK_NESTING));
    assert!(
        errors(&d).is_empty(),
        "{} levels are fine: {:?}",
        MAX_BLOCK_NESTING,
        errors(&d)
    );
    let (_, d) = render(&nest(MAX_BLOCK_NESTING + 1));
    assert!(
        has_error(&d, "nest more than 32 levels deep"),
        "{:?}",
        errors(&d)
    );
    // Deep nesting followed by many lazy lines: pulldown-cmark matches every open container
    // on every line, so this is refused before parsing.
    let (_, d) = render(&format!(
        "{}\n{}",
        nest(2_000_000),
        "lazy\n".repeat(500_000)
    ));
    assert!(has_error(&d, "nest more than"), "{:?}", errors(&d));
    let (_, d) = render(&format!(
        "{}x\n{}",
        "> ".repeat(1_000_000),
        "lazy\n".repeat(500_000)
    ));
    assert!(has_error(&d, "nest more than"), "{:?}", errors(&d));
    // Just under the pre-parse bound, legal-looking nesting by indentation.
    let indented: String = (0..100)
        .map(|k| format!("{}- x\n", "  ".repeat(k)))
        .collect();
    let (_, d) = render(&format!("{indented}{}", "lazy\n".repeat(200_000)));
    assert!(has_error(&d, "nest more than"), "{:?}", errors(&d));
}

#[test]
fn block_text_is_capped_but_html_is_not() {
    let long = "word ".repeat(MAX_BLOCK_TEXT_BYTES / 2);
    let (p, d) = render(&format!("- {long}\n"));
    assert!(errors(&d).is_empty());
    let p = p.unwrap();
    assert!(p
        .blocks
        .iter()
        .all(|b| b.text.len() <= MAX_BLOCK_TEXT_BYTES));
    assert!(p.html.len() > long.len(), "the HTML keeps everything");
}

#[test]
fn table_cells_are_bounded_per_page() {
    // Pipe tables: a wide header over one-byte rows.
    let (_, d) = render(&format!(
        "|{}\n|{}\n{}",
        "a|".repeat(1000),
        "-|".repeat(1000),
        "x\n".repeat(1000)
    ));
    assert!(has_error(&d, "too many table cells"), "{:?}", errors(&d));
    // Many such tables, each under pulldown-cmark's own per-table cap.
    let one = format!(
        "|{}\n|{}\n{}\n",
        "a|".repeat(500),
        "-|".repeat(500),
        "x\n".repeat(100)
    );
    let (_, d) = render(&one.repeat(200));
    assert!(has_error(&d, "too many table cells"), "{:?}", errors(&d));
    // A real table is fine.
    let real = format!(
        "| a | b | c |\n|---|:-:|--:|\n{}",
        "| 1 | 2 | 3 |\n".repeat(2000)
    );
    let (p, d) = render(&real);
    assert!(errors(&d).is_empty(), "{:?}", errors(&d));
    assert!(p.unwrap().html.matches("<tr>").count() >= 2000);

    // {% table %}: columns and cells.
    let cols = |n: usize| {
        (0..n)
            .map(|c| format!("  - title: C{c}\n    key: c{c}\n"))
            .collect::<String>()
    };
    let (_, d) = render(&format!(
        "{{% table %}}\ncolumns:\n{}rows: []\n{{% endtable %}}\n",
        cols(MAX_TABLE_COLUMNS + 1)
    ));
    assert!(
        has_error(&d, &format!("the limit is {MAX_TABLE_COLUMNS}")),
        "{:?}",
        errors(&d)
    );
    let table = |rows: usize| {
        format!(
            "{{% table %}}\ncolumns:\n{}rows:\n{}{{% endtable %}}\n",
            cols(50),
            "  - {}\n".repeat(rows)
        )
    };
    let (_, d) = render(&table(MAX_TABLE_CELLS_PER_PAGE / 50 + 1));
    assert!(has_error(&d, "too many table cells"), "{:?}", errors(&d));
    // The budget is per page: two tables that fit alone do not fit together.
    let (_, d) = render(&format!(
        "{}\n{}",
        table(MAX_TABLE_CELLS_PER_PAGE / 100 + 1),
        table(MAX_TABLE_CELLS_PER_PAGE / 100 + 1)
    ));
    assert!(has_error(&d, "too many table cells"), "{:?}", errors(&d));
    // Cells take from the same budget when they hold a pipe table.
    let (_, d) = render(&format!(
        "{{% table %}}\ncolumns:\n  - title: A\n    key: a\nrows:\n  - a: \"|{}\\n|{}\\n{}\"\n{{% endtable %}}\n",
        "a|".repeat(2000),
        "-|".repeat(2000),
        "x\\n".repeat(200)
    ));
    assert!(has_error(&d, "too many table cells"), "{:?}", errors(&d));
}

#[test]
fn big_tables_with_unfindable_links_stay_linear() {
    // Links written through Liquid are not verbatim in the body, so their positions are
    // searched for and not found; the searches are bounded.
    let mut body = String::from("{% table %}\ncolumns:\n  - title: A\n    key: a\nrows:\n");
    for i in 0..40_000 {
        body.push_str(&format!("  - a: \"[l]({{{{site.product}}}}/{i})\"\n"));
    }
    body.push_str("{% endtable %}\n");
    let (p, d) = render(&body);
    assert!(errors(&d).is_empty(), "{:?}", errors(&d));
    assert_eq!(p.unwrap().tables[0].rows.len(), 40_000);
}

#[test]
fn repeated_headings_get_ids_in_linear_time() {
    let (p, _) = render(&"## Same\n".repeat(100_000));
    let p = p.unwrap();
    assert_eq!(p.headings.last().unwrap().id, "same-99999");
}

#[test]
fn warnings_are_capped_without_hiding_errors() {
    let keys: String = (0..5000).map(|i| format!("unknown_{i}: x\n")).collect();
    let site = SiteValues::default();
    let files = Files::new(&[]);
    let ctx = Context {
        site: &site,
        includes: &files,
        links: &KeepLinks,
        components: &NoComponents,
        diagrams: &portolan_dialect::BrowserDiagrams,
        highlighter: &portolan_dialect::DirectHighlighter,
    };
    let t = Instant::now();
    let (p, d) = render_page(
        ctx,
        0,
        &format!("---\ntitle: T\n{keys}---\nBody {{{{site.nope}}}}\n"),
        INFO,
    );
    assert!(t.elapsed() < BOUND);
    assert!(p.is_some());
    assert!(d.len() <= MAX_DIAGNOSTICS_PER_PAGE + 1, "{}", d.len());
    // The unknown variable comes after 5,000 warnings: it is left out, and the summary is
    // an error so that the build still fails.
    let summary = d
        .iter()
        .find(|d| d.message == portolan_dialect::diag::TOO_MANY)
        .unwrap();
    assert!(summary.is_error());

    let (_, d) = render(&"{:.info}\n\n".repeat(100_000));
    assert!(d.len() <= MAX_DIAGNOSTICS_PER_PAGE + 1);
    assert!(
        !d.iter().any(Diagnostic::is_error),
        "only warnings: the page still builds"
    );
}

#[test]
fn suggestions_skip_huge_words() {
    let (_, d) = render(&format!("{{{{site.{}}}}}\n", "a".repeat(1_000_000)));
    assert!(has_error(&d, "unknown site variable"), "{:?}", errors(&d));
    let (_, d) = render(&format!("{{% {} %}}\n", "t".repeat(1_000_000)));
    assert!(has_error(&d, "unknown Liquid tag"), "{:?}", errors(&d));
}
