//! HTML and page-model snapshots of fixture sites: the dialect fixture exercises every
//! construct; the shipped networking page is checked as a whole.

use crate::common::*;

#[test]
fn dialect_fixture_html() {
    let out = tempfile::tempdir().unwrap();
    let stderr = build_ok(&fixture("dialect"), out.path());
    assert!(
        !stderr.contains("warning"),
        "the dialect fixture builds cleanly:\n{stderr}"
    );
    let html = read(&out.path().join("guide/dialect/index.html"));
    insta::assert_snapshot!("dialect_page", article(&html));
    let json = read(&out.path().join("guide/dialect/index.json"));
    // Pretty-printed, so that a change reads as a diff of lines.
    let model: serde_json::Value = serde_json::from_str(&json).unwrap();
    insta::assert_snapshot!(
        "dialect_model",
        serde_json::to_string_pretty(&model).unwrap()
    );
}

#[test]
fn shipped_networking_page_html() {
    let out = tempfile::tempdir().unwrap();
    build_ok(&repo(), out.path());
    let html = read(&out.path().join("konnect-platform/network/index.html"));
    insta::assert_snapshot!("network_page", article(&html));
}

#[test]
fn dialect_fixture_details() {
    let out = tempfile::tempdir().unwrap();
    build_ok(&fixture("dialect"), out.path());
    // Code blocks as written (their token spans aside).
    let html = without_token_spans(&read(&out.path().join("guide/dialect/index.html")));
    for needle in [
        "<h2 id=\"custom-tables\">",
        "<h2 id=\"tables\">",
        "<tr id=\"plain-row\">",
        "<span class=\"sr-only\">Supported</span>",
        "<span class=\"sr-only\">Not supported</span>",
        "<blockquote class=\"warning\">",
        "<p id=\"styled-paragraph\" class=\"neutral\">",
        "markdown-alert-note",
        "<div class=\"raw-html\">Raw <em>HTML</em> passes through.</div>",
        "Hello Ada, welcome to Kong Gateway.",
        "A nested include in Kong Gateway.",
        "{{site.product}} stays literal",
        "{:.info}\n# Attribute lists inside code stay as written.",
        "Line one<br>line two, <a href=\"/guide/\">a link</a>",
        "<th scope=\"col\"><code>Kong Gateway</code></th>",
    ] {
        assert!(html.contains(needle), "missing {needle:?}");
    }
    assert!(!html.contains("never shown"));
    assert!(!html.contains("vale"));
    // Frontmatter text is escaped, never injected.
    assert!(
        html.contains("A page with &lt;b&gt;markup&lt;&#x2F;b&gt; &amp; &quot;quotes&quot;")
            || html.contains("A page with &lt;b&gt;markup&lt;/b&gt; &amp; &quot;quotes&quot;"),
        "description must be escaped"
    );
    assert!(!html.contains("<b>markup</b>"));
}
