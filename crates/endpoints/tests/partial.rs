//! The calculator partial (theme/templates/calculator.html) renders with Tera, embeds the spec
//! so that it reads back intact, and keeps the element ids the WASM module binds.

use portolan_endpoints::{CalculatorSpec, ContentFacts, Format};

const PARTIAL: &str = include_str!("../../../theme/templates/calculator.html");

fn seed() -> CalculatorSpec {
    let facts: ContentFacts =
        serde_json::from_str(include_str!("fixtures/seed-facts.json")).unwrap();
    CalculatorSpec::from_facts(&facts).unwrap()
}

fn render(spec: &CalculatorSpec, loader: Option<&str>) -> String {
    let mut tera = tera::Tera::default();
    tera.add_raw_template("calculator.html", PARTIAL).unwrap();
    let mut ctx = tera::Context::new();
    ctx.insert("calculator", &serde_json::to_value(spec).unwrap());
    if let Some(url) = loader {
        ctx.insert("calculator_loader_url", url);
    }
    tera.render("calculator.html", &ctx).unwrap()
}

fn data_script(html: &str) -> &str {
    let open = "<script type=\"application/json\" id=\"portolan-calculator-data\">";
    let start = html.find(open).unwrap() + open.len();
    let end = start + html[start..].find("</script>").unwrap();
    &html[start..end]
}

#[test]
fn renders_form_and_data() {
    let spec = seed();
    let html = render(&spec, None);
    assert!(
        html.contains("<section class=\"calc\" id=\"calc\" aria-labelledby=\"calc-title\" hidden>")
    );
    assert_eq!(
        serde_json::from_str::<CalculatorSpec>(data_script(&html)).unwrap(),
        spec
    );
    assert!(
        html.contains("<option value=\"me\">ME (Middle East)</option>"),
        "{html}"
    );
    assert!(html.contains("<code>CONTROL_PLANE_DNS_PREFIX</code>"));
    assert!(html.contains("<code>PORTAL_ID</code>"));
    for id in [
        "calc-form",
        "calc-geo",
        "calc-geo-error",
        "calc-prefix",
        "calc-prefix-error",
        "calc-portal",
        "calc-portal-error",
        "calc-summary",
        "calc-notices",
        "calc-results",
        "calc-results-body",
        "calc-other-ports",
        "calc-copy-all",
        "calc-share",
        "calc-export-format",
        "calc-export-output",
        "calc-export-copy",
        "calc-export-download",
        "calc-status",
    ] {
        assert_eq!(html.matches(&format!(" id=\"{id}\"")).count(), 1, "id {id}");
    }
    for f in Format::ALL {
        assert!(
            html.contains(&format!(
                "<option value=\"{}\">{}</option>",
                f.id(),
                f.label()
            )),
            "{f:?}"
        );
    }
    assert!(!html.contains("<script type=\"module\""));
    let html = render(&spec, Some("/assets/calculator-loader.js"));
    assert!(
        html.contains(
            "<script type=\"module\" src=\"&#x2F;assets&#x2F;calculator-loader.js\"></script>"
        ) || html
            .contains("<script type=\"module\" src=\"/assets/calculator-loader.js\"></script>")
    );
}

/// The browser tests (crates/calculator/tests/browser.rs) mount this rendering of the partial;
/// it must match what the partial renders now.
#[test]
fn browser_fixture_is_current() {
    let html = render(&seed(), None);
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../calculator/tests/fixtures/calculator.html");
    if std::env::var_os("UPDATE_FIXTURES").is_some() {
        std::fs::write(&path, &html).unwrap();
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == html,
        "{} is out of date: run `UPDATE_FIXTURES=1 cargo test -p portolan-endpoints --test partial`",
        path.display()
    );
}

#[test]
fn hostile_content_cannot_close_the_data_script() {
    let mut spec = seed();
    spec.hosts[0].purpose = "</script><script>alert(1)</script><!-- \u{2028}".into();
    spec.geos[0].name = "<b>Oz</b>".into();
    let html = render(&spec, None);
    let data = data_script(&html);
    assert!(!data.contains('<'), "{data}");
    assert_eq!(serde_json::from_str::<CalculatorSpec>(data).unwrap(), spec);
    assert!(html.contains("AU (&lt;b&gt;Oz&lt;&#x2F;b&gt;)"), "{html}");
}

#[test]
fn fields_follow_the_placeholders() {
    let mut spec = seed();
    spec.placeholders.portal.clear();
    let html = render(&spec, None);
    assert!(!html.contains("id=\"calc-portal\""));
    assert!(html.contains("id=\"calc-prefix\""));
}
