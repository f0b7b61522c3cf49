//! Portolan's own documentation (docs/) is a Portolan site: it builds without a warning and
//! every link and anchor in it resolves.

use crate::common::*;

#[test]
fn the_docs_site_builds_clean_and_its_links_resolve() {
    let out = tempfile::tempdir().unwrap();
    let docs = repo().join("docs");
    let log = build_ok(&docs, &out.path().join("public"));
    assert!(
        !log.contains("warning"),
        "the docs build with no warnings:\n{log}"
    );
    for page in [
        "install",
        "getting-started",
        "dialect",
        "components",
        "calculator",
        "hosting",
        "ci",
        "safety",
    ] {
        let html = read(&out.path().join("public").join(page).join("index.html"));
        let prose = outside_code(article(&html));
        assert!(
            !prose.contains("{%") && !prose.contains("{{"),
            "{page}: Liquid left outside code: {prose}"
        );
    }
    let o = portolan(&["check", docs.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{said}");
    assert!(said.contains("0 broken links or anchors"), "{said}");
}

/// `html` without its `<code>` elements (the docs show Liquid there on purpose).
fn outside_code(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(start) = rest.find("<code") {
        out.push_str(&rest[..start]);
        match rest[start..].find("</code>") {
            Some(end) => rest = &rest[start + end + "</code>".len()..],
            None => return out,
        }
    }
    out.push_str(rest);
    out
}
