//! What the fuzz targets do with an input, shared by `fuzz/fuzz_targets/*.rs` (cargo-fuzz)
//! and `tests/fuzz_regressions.rs` (which replays saved crash inputs and the seed corpus),
//! so a reproducer fails the same way in both.
//!
//! Beyond "does not panic", each harness checks what the site relies on: every diagnostic
//! points inside its own file, a page without errors holds no HTML that can run script, and
//! rendering with frontmatter read first (the streaming build) gives the same page as
//! rendering in one go (the session).

#![allow(dead_code, unreachable_pub)]

use std::sync::Arc;

use portolan_dialect::{
    render_frontmatter, render_page, render_page_with_frontmatter, BodyKind, ComponentBody,
    ComponentCall, ComponentError, ComponentOutput, Components, Context, Diagnostic, IncludeError,
    IncludeResolver, Included, KeepLinks, OutputKind, PageInfo, SiteValues, BODY_MARKER,
};

/// Components of every kind, like a theme's: an inline badge, a wrapper with a markdown
/// body, a YAML-bodied table, a text-bodied diagram, and one that tries to write script
/// (which the dialect must refuse).
pub struct TestComponents;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

impl Components for TestComponents {
    fn body(&self, name: &str) -> Option<BodyKind> {
        match name {
            "badge" | "evil" => Some(BodyKind::None),
            "tabs" | "tab" => Some(BodyKind::Markdown),
            "facts" => Some(BodyKind::Yaml),
            "diagram" => Some(BodyKind::Text),
            _ => None,
        }
    }

    fn names(&self) -> Vec<String> {
        ["badge", "evil", "tabs", "tab", "facts", "diagram"]
            .map(String::from)
            .to_vec()
    }

    fn render(&self, call: &ComponentCall<'_>) -> Result<ComponentOutput, ComponentError> {
        let arg = call
            .this
            .args
            .first()
            .map(|a| a.to_string())
            .unwrap_or_default();
        let html = |text: String| {
            Ok(ComponentOutput {
                text,
                kind: OutputKind::Html,
                warnings: Vec::new(),
            })
        };
        match call.this.name.as_str() {
            "badge" => html(format!("<span class=\"badge\">{}</span>", escape(&arg))),
            "evil" => html("<img src=x onerror=alert(1)>".into()),
            "tabs" => html(format!(
                "<div class=\"tabs\" data-n=\"{}\">\n{BODY_MARKER}\n</div>",
                call.children.len()
            )),
            "tab" => html(format!(
                "<section id=\"{}\" data-title=\"{}\">\n{BODY_MARKER}\n</section>",
                escape(&call.this.id),
                escape(&arg)
            )),
            "facts" => match &call.body {
                ComponentBody::Data(d) => Ok(ComponentOutput {
                    text: format!("```json\n{}\n```", d),
                    kind: OutputKind::Markdown,
                    warnings: Vec::new(),
                }),
                _ => Err(ComponentError {
                    message: "needs YAML".into(),
                    hint: None,
                }),
            },
            "diagram" => match &call.body {
                ComponentBody::Text(t) => Ok(ComponentOutput {
                    text: format!("````text\n{}\n````", t.replace("````", "")),
                    kind: OutputKind::Markdown,
                    warnings: vec!["diagrams are not drawn here".into()],
                }),
                _ => Err(ComponentError {
                    message: "needs text".into(),
                    hint: None,
                }),
            },
            other => Err(ComponentError {
                message: format!("no {other}"),
                hint: None,
            }),
        }
    }
}

const INFO: PageInfo<'static> = PageInfo {
    url: "/fuzz/",
    path: "fuzz.md",
    defaults: None,
};

/// The page's file id; includes are 1, 2, ...
pub const PAGE: usize = 0;

/// Includes from memory: a few fixed files (nested, self-including, with a table) and one
/// the input supplies (`/sections/fuzz.md`).
pub struct Includes {
    files: Vec<(&'static str, Arc<str>)>,
}

impl Includes {
    pub fn new(fuzzed: &str) -> Self {
        let files = vec![
            ("sections/a.md", Arc::from("A {{include.x}} {{site.product}}\n{% include_cached /sections/b.md y=\"1\" %}\n")),
            ("sections/b.md", Arc::from("- item `{{include.y}}`\n\n{% table %}\ncolumns:\n  - title: Port\n    key: port\nrows:\n  - port: \"`443`\"\n{% endtable %}\n")),
            ("sections/self.md", Arc::from("{% include /sections/self.md %}")),
            ("sections/fan.md", Arc::from("{% include /sections/a.md x=1 %}{% include /sections/a.md x=2 %}{% include /sections/fan.md %}")),
            ("sections/bom.md", Arc::from("\u{feff}---\r\nnot frontmatter\r\n")),
            ("sections/fuzz.md", Arc::from(fuzzed)),
        ];
        Includes { files }
    }

    /// The text of file `id`.
    pub fn text<'a>(&'a self, page: &'a str, id: usize) -> &'a str {
        if id == PAGE {
            page
        } else {
            &self.files[id - 1].1
        }
    }
}

impl IncludeResolver for Includes {
    fn resolve(&self, path: &str) -> Result<Included, IncludeError> {
        match self.files.iter().position(|(p, _)| *p == path) {
            Some(i) => Ok(Included {
                file: i + 1,
                text: self.files[i].1.clone(),
            }),
            None => Err(IncludeError {
                message: format!("include `{path}` not found"),
                hint: None,
            }),
        }
    }
}

/// The site variables and data the fuzzed pages can use.
pub fn variables() -> SiteValues {
    let vars = portolan_yaml::load("product: Kong Gateway\nnum: 3\nflag: true\nempty: null\nnested:\n  name: Nested\n  deeper:\n    x: y\nlist: [a, b]\n", Default::default()).unwrap();
    let mut site = SiteValues::new(&vars).at_time(1_700_000_000);
    site.insert_data_file(
        &["products".into(), "gateway".into(), "releases".into()],
        0,
        "- {release: '3.4', label: lts}\n- {release: '3.10'}\n- {release: '3.11', latest: true}\n",
        false,
    )
    .unwrap();
    site
}

fn check_spans(diags: &[Diagnostic], includes: &Includes, page: &str) {
    for d in diags {
        for s in d.span.iter().chain(d.related.iter().map(|(s, _)| s)) {
            let text = includes.text(page, s.file);
            assert!(
                s.start <= s.end && s.end <= text.len() + 1,
                "span {s:?} outside file {} ({} bytes): {d:?}",
                s.file,
                text.len()
            );
        }
    }
}

/// A page that rendered without errors holds no HTML that can run script: whatever the
/// dialect refuses is an error, and nothing it generates may get past its own check.
fn check_no_live_script(p: &portolan_dialect::RenderedPage) {
    let cells = p
        .tables
        .iter()
        .flat_map(|t| &t.rows)
        .flat_map(|r| r.cells.values())
        .filter_map(|c| match c {
            portolan_dialect::Cell::Text { html, .. } => Some(html.as_str()),
            portolan_dialect::Cell::Flag(_) => None,
        });
    let faqs = p
        .faqs
        .iter()
        .flat_map(|f| [f.question_html.as_str(), f.answer_html.as_str()]);
    let mut markers = 0;
    for html in [p.html.as_str()].into_iter().chain(faqs).chain(cells) {
        let found = portolan_htmlscan::unsafe_html(html);
        assert!(
            found.is_empty(),
            "a page without errors has live script: {found:?}\n{html}"
        );
        markers += html.matches(portolan_dialect::CALCULATOR_MARKER).count();
    }
    // Cells are also in the body, so a forged marker in one is counted twice: at most the
    // one that the tag placed may be there.
    assert!(
        markers <= usize::from(p.has_calculator),
        "a page without errors holds a calculator marker that its tag did not place"
    );
}

/// Splits an input into the page and the text of `/sections/fuzz.md` at the first `\u{1}`.
fn split_input(data: &[u8]) -> Option<(&str, &str)> {
    let s = std::str::from_utf8(data).ok()?;
    Some(s.split_once('\u{1}').unwrap_or((s, "")))
}

/// A whole page (frontmatter, Liquid, includes, markdown).
pub fn dialect(data: &[u8]) {
    let Some((page, inc)) = split_input(data) else {
        return;
    };
    render(page, inc);
    // The same text read as an SVG or XML file from content/.
    for found in portolan_htmlscan::unsafe_xml(page) {
        assert!(page.is_char_boundary(found.at));
    }
}

/// Renders `page` both ways and checks the results.
pub fn render(page: &str, include: &str) {
    let includes = Includes::new(include);
    let site = variables();
    let ctx = Context {
        site: &site,
        includes: &includes,
        links: &KeepLinks,
        components: &TestComponents,
        diagrams: &portolan_dialect::BrowserDiagrams,
        highlighter: &portolan_dialect::DirectHighlighter,
    };
    let (whole, diags) = render_page(ctx, PAGE, page, INFO);
    check_spans(&diags, &includes, page);
    if let Some(p) = whole
        .as_ref()
        .filter(|_| !diags.iter().any(Diagnostic::is_error))
    {
        check_no_live_script(p);
    }
    let (front, fdiags) = render_frontmatter(ctx, PAGE, page, INFO);
    check_spans(&fdiags, &includes, page);
    if front.is_some() {
        let (streamed, sdiags) =
            render_page_with_frontmatter(ctx, PAGE, page, INFO, front.as_ref());
        check_spans(&sdiags, &includes, page);
        // Both ways agree on whether the page fails; a page with errors is never written,
        // and expansion stops early once its diagnostics are full, so only pages without
        // errors must match byte for byte.
        let whole_failed = diags.iter().any(Diagnostic::is_error);
        let streamed_failed = fdiags.iter().chain(&sdiags).any(Diagnostic::is_error);
        assert_eq!(
            whole_failed, streamed_failed,
            "one render failed and the other did not"
        );
        match (&whole, &streamed) {
            (Some(a), Some(b)) if !whole_failed => {
                assert_eq!(a.html, b.html, "streamed and whole renders differ")
            }
            (Some(_), Some(_)) => {}
            (a, b) => assert_eq!(a.is_some(), b.is_some(), "one render failed"),
        }
    }
}

/// Frontmatter alone, as the streaming build reads it first: parsed, Liquid expanded, and
/// the spans the site points its own errors at (keys, breadcrumbs) inside the file.
pub fn frontmatter(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let site = variables();
    let includes = Includes::new("");
    let ctx = Context {
        site: &site,
        includes: &includes,
        links: &KeepLinks,
        components: &TestComponents,
        diagrams: &portolan_dialect::BrowserDiagrams,
        highlighter: &portolan_dialect::DirectHighlighter,
    };
    let (front, diags) = render_frontmatter(ctx, PAGE, text, INFO);
    check_spans(&diags, &includes, text);
    if let Some(f) = front {
        let spans = &f.spans;
        assert!(spans.body_start <= text.len());
        if let Some(yaml) = &spans.yaml {
            assert!(yaml.start <= yaml.end && yaml.end <= text.len());
        }
        assert_eq!(spans.breadcrumbs.len(), f.breadcrumbs.len());
        for s in spans.keys.iter().map(|(_, s)| s).chain(&spans.breadcrumbs) {
            assert!(s.start <= s.end && s.end <= text.len(), "{s:?}");
            assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
        }
    }
}

/// A page whose body is one `{% table %}` with the input as its YAML.
pub fn table(data: &[u8]) {
    let Ok(body) = std::str::from_utf8(data) else {
        return;
    };
    let page = format!(
        "---\ntitle: Table\n---\n\nBefore.\n\n{{% table %}}\n{body}\n{{% endtable %}}\n\nAfter.\n"
    );
    render(&page, "");
}
