//! The Liquid engine through the page pipeline: control flow, variables and their
//! undefined values, includes, filters that need the page (`markdownify`, `liquify`,
//! `where_exp`...), components and their bodies, and the places errors point at (through
//! includes, captures and loops). Pure-function filters are tested beside their code.

#[path = "support/fuzz_harness.rs"]
mod harness;

use harness::{variables, Includes, TestComponents, PAGE};
use portolan_dialect::{render_page, Context, Diagnostic, KeepLinks, PageInfo};

const INFO: PageInfo<'static> = PageInfo {
    url: "guide/liquid/",
    path: "guide/liquid.md",
    defaults: None,
};

/// A page with `front` (YAML, without fences) and `body`, rendered with the test
/// components and includes: its HTML and its diagnostics as `file:line:col message`.
fn render(front: &str, body: &str, include: &str) -> (String, Vec<String>) {
    let text = format!("---\ntitle: Test\n{front}---\n{body}");
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
    let (page, diags) = render_page(ctx, PAGE, &text, INFO);
    let html = page.map(|p| p.html).unwrap_or_default();
    let mut shown: Vec<String> = diags.iter().map(|d| show(d, &includes, &text)).collect();
    shown.sort();
    (html, shown)
}

fn show(d: &Diagnostic, includes: &Includes, page: &str) -> String {
    let Some(span) = d.span else {
        return d.message.clone();
    };
    let text = includes.text(page, span.file);
    let before = &text[..span.start.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    let file = if span.file == PAGE {
        "page".to_string()
    } else {
        format!("include{}", span.file)
    };
    format!("{file}:{line}:{col} {}", d.message)
}

fn body(b: &str) -> String {
    let (html, diags) = render("", b, "");
    assert!(diags.is_empty(), "{diags:?}");
    html
}

#[test]
fn control_flow() {
    assert_eq!(
        body(
            "{% if site.num > 2 and site.flag %}yes{% elsif site.num %}no{% else %}none{% endif %}"
        ),
        "<p>yes</p>\n"
    );
    assert_eq!(
        body("{% unless site.flag %}a{% else %}b{% endunless %}"),
        "<p>b</p>\n"
    );
    assert_eq!(
        body("{% case site.num %}{% when 1, 2 %}low{% when 3 %}three{% else %}high{% endcase %}"),
        "<p>three</p>\n"
    );
    assert_eq!(
        body("{% if site.list contains \"b\" and site.product != \"x\" %}in{% endif %}"),
        "<p>in</p>\n"
    );
    assert_eq!(
        body("{% if site.empty == nil and site.list != empty and \"\" == blank %}nil{% endif %}"),
        "<p>nil</p>\n"
    );
}

#[test]
fn loops_and_forloop() {
    assert_eq!(
        body("{% for i in (1..6) offset: 1 limit: 4 reversed %}{% if i == 3 %}{% continue %}{% endif %}{{ forloop.index }}={{ i }}{% unless forloop.last %},{% endunless %}{% endfor %}"),
        "<p>1=5,2=4,4=2</p>\n"
    );
    assert_eq!(body("{% for x in site.list %}{% if forloop.first %}[{% endif %}{{ x }}{% break %}{% endfor %}"), "<p>[a</p>\n");
    assert_eq!(
        body("{% for x in site.empty %}never{% else %}empty{% endfor %}"),
        "<p>empty</p>\n"
    );
    assert_eq!(
        body("{% for r in site.data.products.gateway.releases %}{{ r.release }} {% endfor %}"),
        "<p>3.4 3.10 3.11</p>\n"
    );
}

#[test]
fn assign_capture_and_whitespace_control() {
    assert_eq!(
        body("{% assign n = site.list | size | plus: 1 %}{{ n }}"),
        "<p>3</p>\n"
    );
    assert_eq!(
        body("{% capture c %}[{{ site.product }}]{% endcapture %}{{ c | upcase }}"),
        "<p>[KONG GATEWAY]</p>\n"
    );
    assert_eq!(
        body("a\n  {%- assign x = 1 -%}\n  b {{- \" c\" -}} d"),
        "<p>ab cd</p>\n"
    );
    // A capture pushed into a list item with `indent`.
    assert_eq!(
        body("1. Step:\n\n{% capture code %}\n```sh\nrun\n```\n{% endcapture %}{{ code | indent: 3 }}"),
        "<ol>\n<li>\n<p>Step:</p>\n<div class=\"code-block\" data-lang=\"bash\"><pre><code class=\"language-sh\"><span class=\"nf\">run</span>\n</code></pre></div>\n</li>\n</ol>\n"
    );
}

#[test]
fn undefined_values() {
    // page.*, include.* and locals are nil when unset; site.* is an error (a typo).
    assert_eq!(
        body("[{{ page.missing }}][{{ missing }}]{% if page.missing == nil %}nil{% endif %}"),
        "<p>[][]nil</p>\n"
    );
    let (_, diags) = render("", "{{ site.prodcut }}", "");
    assert_eq!(diags, ["page:4:4 unknown site variable `site.prodcut`"]);
    // page.* holds the frontmatter as written, the URL and the source path.
    let (html, _) = render(
        "kind: guide\n",
        "{{ page.kind }} {{ page.url }} {{ page.path }} {{ page.title }}",
        "",
    );
    assert_eq!(html, "<p>guide /guide/liquid/ guide/liquid.md Test</p>\n");
}

#[test]
fn includes_with_parameters_and_dynamic_paths() {
    let (html, diags) = render("", "{% assign p = \"sections/fuzz.md\" %}{% for x in site.list %}{% include {{ p }} who=x %}{% endfor %}", "[{{ include.who }}{{ include.unset }}]");
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(html, "<p>[a][b]</p>\n");
    // Variables an include assigns are the page's afterwards, as in Jekyll.
    let (html, _) = render(
        "",
        "{% include /sections/fuzz.md %}{{ set_inside }}",
        "{% assign set_inside = \"kept\" %}",
    );
    assert_eq!(html, "<p>kept</p>\n");
}

#[test]
fn filters_that_need_the_page() {
    assert_eq!(
        body("{{ \"**b** and [l](/x/)\" | markdownify }}"),
        "<p><strong>b</strong> and <a href=\"/x/\">l</a></p>\n"
    );
    assert_eq!(body("{% capture t %}{% raw %}{{ site.product }}{% endraw %}{% endcapture %}{{ t | liquify }}"), "<p>Kong Gateway</p>\n");
    assert_eq!(body("{{ site.data.products.gateway.releases | where_exp: \"r\", \"r.label == 'lts'\" | map: \"release\" | join }}"), "<p>3.4</p>\n");
    assert_eq!(body("{% assign r = site.data.products.gateway.releases | find_exp: \"r\", \"r.latest\" %}{{ r.release }}"), "<p>3.11</p>\n");
    assert_eq!(
        body("{{ site.time | date: \"%Y\" }} {{ \"2024-02-29\" | date: \"%b %-d, %Y\" }}"),
        "<p>2023 Feb 29, 2024</p>\n"
    );
    assert_eq!(body("{{ \"/guide/\" | relative_url }}"), "<p>/guide/</p>\n");
}

#[test]
fn raw_keeps_braces_and_code_fences_run_liquid() {
    assert_eq!(
        body("{% raw %}{{ x }} {% y %}{% endraw %}"),
        "<p>{{ x }} {% y %}</p>\n"
    );
    assert_eq!(
        body("```sh\nkubectl -n {{ site.product | slugify }}\n```"),
        "<div class=\"code-block\" data-lang=\"bash\"><pre><code class=\"language-sh\"><span class=\"nf\">kubectl</span> <span class=\"nv\">-n</span> kong-gateway\n</code></pre></div>\n"
    );
}

#[test]
fn frontmatter_values_run_liquid() {
    let (html, diags) = render("description: \"About {{ site.product }}\"\nfaqs:\n  - q: Why {{ site.num }}?\n    a: Because.\n", "x", "");
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(html, "<p>x</p>\n");
    let (_, diags) = render("description: \"About {{ site.nope }}\"\n", "x", "");
    assert_eq!(diags, ["page:3:24 unknown site variable `site.nope`"]);
}

#[test]
fn components_take_arguments_and_bodies() {
    // Positional and key=value arguments, quoted, numbers as written, variables.
    assert_eq!(body("{% badge 3.10 %} {% badge \"{{ site.product }}\" %} {% badge site.num %}"), "<p><span class=\"badge\">\"3.10\"</span> <span class=\"badge\">\"Kong Gateway\"</span> <span class=\"badge\">3</span></p>\n");
    // A markdown body stays the page's markdown; the parent sees its children.
    let html = body("{% tabs %}\n{% tab \"One\" %}\n## In a tab\n{% endtab %}\n{% tab two %}\n- item\n{% endtab %}\n{% endtabs %}");
    assert!(html.contains("<div class=\"tabs\" data-n=\"2\">"), "{html}");
    assert!(
        html.contains("<section id=\"tab-1\" data-title=\"&quot;One&quot;\">"),
        "{html}"
    );
    assert!(html.contains("<h2 id=\"in-a-tab\">"), "{html}");
    assert!(html.contains("<li>item</li>"), "{html}");
    // A YAML body is data after Liquid; a text body is text after Liquid.
    let facts = body("{% facts %}\nname: {{ site.product }}\nn: 2\n{% endfacts %}");
    assert!(
        facts.contains(r#"<span class="na">&quot;name&quot;</span>:<span class="s">&quot;Kong Gateway&quot;</span>,<span class="na">&quot;n&quot;</span>:<span class="m">2</span>"#),
        "{facts}"
    );
    let (diagram, diags) = render(
        "",
        "{% diagram %}\nA --> {{ site.num }}\n{% enddiagram %}",
        "",
    );
    assert!(diagram.contains("A --&gt; 3"), "{diagram}");
    // What a component went without is a warning at its tag; the page still builds.
    assert_eq!(
        diags,
        ["page:4:1 component `diagram`: diagrams are not drawn here"]
    );
}

#[test]
fn component_errors_point_at_the_page() {
    let (_, diags) = render(
        "",
        "{% evil %}\n\n{% facts %}\na: [b\n{% endfacts %}\n\n{% tabz %}",
        "",
    );
    assert_eq!(diags.len(), 3, "{diags:?}");
    assert_eq!(diags[0], "page:10:1 unknown Liquid tag `tabz`");
    assert!(
        diags[1].starts_with("page:4:1 raw HTML that can run script"),
        "{diags:?}"
    );
    // YAML errors are at the page's line.
    assert!(
        diags[2].starts_with(
            "page:8:1 invalid `facts` YAML: while parsing a flow sequence, expected ',' or ']'"
        ),
        "{diags:?}"
    );
}

#[test]
fn errors_keep_their_place_through_includes_captures_and_loops() {
    let (_, diags) = render(
        "",
        "{% include /sections/fuzz.md %}",
        "line one\n{{ site.nope }}",
    );
    assert_eq!(diags, ["include6:2:4 unknown site variable `site.nope`"]);
    let (_, diags) = render(
        "",
        "{% capture c %}\nx {{ site.nope }}\n{% endcapture %}{{ c }}",
        "",
    );
    assert_eq!(diags, ["page:5:6 unknown site variable `site.nope`"]);
    let (_, diags) = render(
        "",
        "{% for x in site.list %}\n{{ x | upcaes }}\n{% endfor %}",
        "",
    );
    assert_eq!(diags, ["page:5:8 unknown Liquid filter `upcaes`"]);
}

#[test]
fn unknown_values_render_empty_when_the_site_asks() {
    let includes = Includes::new("");
    let site = variables().undefined_is_empty(true);
    let ctx = Context {
        site: &site,
        includes: &includes,
        links: &KeepLinks,
        components: &TestComponents,
        diagrams: &portolan_dialect::BrowserDiagrams,
        highlighter: &portolan_dialect::DirectHighlighter,
    };
    let text = "---\ntitle: T\n---\n[{{ site.nope }}]";
    let (page, diags) = render_page(ctx, PAGE, text, INFO);
    assert_eq!(page.unwrap().html, "<p>[]</p>\n");
    assert_eq!(diags.len(), 1);
    assert!(!diags[0].is_error(), "a warning, not an error");
}

#[test]
fn kramdown_details() {
    assert_eq!(
        body("```sh\nx\n```\n{:.no-copy-code}"),
        "<div class=\"code-block no-copy-code\" data-lang=\"bash\"><pre><code class=\"language-sh\"><span class=\"nf\">x</span>\n</code></pre></div>\n"
    );
    assert_eq!(
        body("{: .info }\n> note"),
        "<blockquote class=\"info\">\n<p>note</p>\n</blockquote>\n"
    );
    assert_eq!(
        body("<div markdown=\"1\">\n**b**\n</div>"),
        "<div>\n<p><strong>b</strong></p>\n</div>"
    );
    assert_eq!(body("## Title {#custom}"), "<h2 id=\"custom\">Title<a class=\"anchor\" href=\"#custom\"><span class=\"sr-only\">Link to this section</span><span aria-hidden=\"true\">#</span></a></h2>\n");
}

#[test]
fn a_page_without_frontmatter_takes_its_title_from_its_heading() {
    let includes = Includes::new("");
    let site = variables();
    let ctx = Context {
        site: &site,
        includes: &includes,
        links: &KeepLinks,
        components: &TestComponents,
        diagrams: &portolan_dialect::BrowserDiagrams,
        highlighter: &portolan_dialect::DirectHighlighter,
    };
    let text = "# Ports for {{ site.product }}\n\nBody.\n";
    let (page, diags) = render_page(ctx, PAGE, text, INFO);
    assert!(diags.is_empty(), "{diags:?}");
    let page = page.unwrap();
    assert_eq!(page.front.title, "Ports for Kong Gateway");
    // The heading is the title, not a heading of the body too.
    assert_eq!(page.html, "<p>Body.</p>\n");

    let text = "Just text.\n";
    let (page, diags) = render_page(ctx, PAGE, text, INFO);
    assert!(page.is_none());
    let shown: Vec<String> = diags.iter().map(|d| show(d, &includes, text)).collect();
    assert_eq!(shown, ["page:1:1 page has no title"]);
}
