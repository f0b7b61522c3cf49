//! Code blocks and diagrams on fixture sites written for these tests: highlighted HTML and
//! drawn diagrams (snapshotted), what each page loads, a diagram left to the browser, the
//! errors of diagrams that do not parse (snapshotted: error text is a contract), and the
//! diagram cache.

use crate::common::*;

use std::path::Path;

fn build(site: &Path, out: &Path) -> std::process::Output {
    portolan(&[
        "build",
        site.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ])
}

#[test]
fn code_is_highlighted_and_diagrams_drawn() {
    let site = tempfile::tempdir().unwrap();
    copy_tree(&fixture("code"), site.path());
    let out = tempfile::tempdir().unwrap();
    let stderr = build_ok(site.path(), out.path());
    assert!(!stderr.contains("warning"), "builds cleanly:\n{stderr}");
    let code = read(&out.path().join("guide/code/index.html"));
    let diagrams = read(&out.path().join("guide/diagrams/index.html"));
    insta::assert_snapshot!("code_blocks", article(&code));
    insta::assert_snapshot!("code_diagrams", svg_tags_on_lines(article(&diagrams)));

    // Liquid in a fence is expanded before it is highlighted.
    assert!(code.contains("0.0.0.0:8001"), "site.port in the fence");
    // Every token is escaped text inside a class; no inline style anywhere.
    assert!(!article(&code).contains("style="), "no inline styles");
    assert!(!article(&diagrams).contains("style="), "no inline styles");
    assert!(!article(&diagrams).contains("<style"), "no style elements");
    // The copy buttons' script loads where there is code; mermaid.js only where a diagram
    // is left to the browser, and only that page relaxes its style policy.
    assert!(code.contains("/assets/copy."));
    assert!(!code.contains("/assets/diagrams."));
    assert!(diagrams.contains("/assets/diagrams."));
    assert!(diagrams.contains("style-src &#39;self&#39; &#39;unsafe-inline&#39;"));
    assert!(code.contains("style-src &#39;self&#39;;"));
    assert!(
        std::fs::read_dir(out.path().join("assets/vendor"))
            .unwrap()
            .any(|e| e
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("mermaid.min.")),
        "mermaid.js is published with the site that needs it"
    );
    // Drawn diagrams: labelled for screen readers, ids unique on the page.
    assert!(diagrams.contains("role=\"img\" aria-label=\"A request through Acme Gateway\""));
    assert!(
        diagrams.contains("aria-label=\"Sequence diagram: GET /, 200, Client, Gateway, Upstream\"")
    );
    assert!(diagrams.contains("id=\"diagram-1-arrow-0\"") && diagrams.contains("id=\"diagram-2-"));
    // The label's icon is gone and its bold is text: the renderer would print them.
    assert!(!article(&diagrams).contains("icon.svg"));
    assert!(!article(&diagrams).contains("&lt;b&gt;"));
}

#[test]
fn a_site_without_browser_diagrams_does_not_carry_mermaid_js() {
    let out = tempfile::tempdir().unwrap();
    build_ok(&fixture("dialect"), out.path());
    assert!(!out.path().join("assets/vendor").exists());
    let page = read(&out.path().join("guide/dialect/index.html"));
    assert!(!page.contains("/assets/diagrams."));
}

#[test]
fn diagrams_that_do_not_parse_are_errors_at_their_lines() {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let o = build(&fixture("code-broken"), &public);
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&o.stderr);
    let report = stderr.split_once('\n').map_or("", |(_, r)| r);
    insta::assert_snapshot!("code_broken", report);
    assert!(!public.exists(), "a failed build writes nothing");
}

#[test]
fn drawings_are_cached_by_their_source() {
    let site = tempfile::tempdir().unwrap();
    copy_tree(&fixture("code"), site.path());
    let first = tempfile::tempdir().unwrap();
    build_ok(site.path(), first.path());
    let cache = site.path().join(".portolan/cache/diagrams");
    let mut kept: Vec<_> = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    kept.sort();
    assert_eq!(kept.len(), 2, "one drawing per diagram drawn: {kept:?}");
    // A fresh build reads the drawings back: the same pages, byte for byte.
    let second = tempfile::tempdir().unwrap();
    build_ok(site.path(), second.path());
    assert_eq!(snapshot_tree(first.path()), snapshot_tree(second.path()));
    // It does read them: a kept drawing, changed, is what the next build places.
    for path in &kept {
        let svg = std::fs::read_to_string(path).unwrap();
        std::fs::write(path, svg.replace(">Client<", ">Kept client<")).unwrap();
    }
    let third = tempfile::tempdir().unwrap();
    build_ok(site.path(), third.path());
    assert!(read(&third.path().join("guide/diagrams/index.html")).contains("Kept client"));
    // An edit draws the changed diagram anew: it joins the cache, and the drawing it
    // replaces leaves it (the cache holds what the site draws now).
    let page = site.path().join("content/guide/diagrams.md");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(
        &page,
        text.replace("Upstream-->>Gateway: 200", "Upstream-->>Gateway: 201"),
    )
    .unwrap();
    let fourth = tempfile::tempdir().unwrap();
    build_ok(site.path(), fourth.path());
    let html = read(&fourth.path().join("guide/diagrams/index.html"));
    assert!(html.contains(">201<"), "the edited diagram is redrawn");
    let now: Vec<_> = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(now.len(), 2, "{now:?}");
    assert_eq!(
        kept.iter().filter(|k| now.contains(k)).count(),
        1,
        "the sequence diagram's old drawing is gone, the flowchart's stays"
    );
}

/// `html` with every tag inside an `<svg>` on a line of its own: a drawing is one long line,
/// and a change to it should read as a diff of lines (the snapshot only; the page is as
/// built).
fn svg_tags_on_lines(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let mut depth = 0usize;
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        let (text, tag) = rest.split_at(i);
        out.push_str(text);
        let end = tag.find('>').map_or(tag.len(), |e| e + 1);
        let t = &tag[..end];
        if t.starts_with("<svg") {
            depth += 1;
        }
        if depth > 0 && !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(t);
        if t.starts_with("</svg") {
            depth = depth.saturating_sub(1);
        }
        rest = &tag[end..];
    }
    out.push_str(rest);
    out
}
