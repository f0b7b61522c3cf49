//! `portolan check`: the shipped site passes (its links to pages it does not ship go
//! upstream); planted broken links and anchors are each reported at file:line:column.

use crate::common::*;

#[test]
fn shipped_site_passes_and_lists_upstream_links() {
    let o = portolan(&["check", repo().to_str().unwrap(), "--verbose"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{stderr}");
    assert!(stderr.contains("0 broken links or anchors"), "{stderr}");
    assert!(stdout.contains("upstream  content/konnect-platform/network.md:20:10  /gateway/network-ports-firewall/ -> https://developer.konghq.com/gateway/network-ports-firewall/"), "{stdout}");
}

#[test]
fn planted_broken_links_and_anchors_are_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_tree(&fixture("dialect"), &site);
    let page = site.join("content/guide/index.md");
    std::fs::write(
        &page,
        "---\ntitle: Guide\n---\nGood: [page](/guide/dialect/), [anchor](/guide/dialect/#custom-tables), [faq](/guide/dialect/#faq), [row](/guide/dialect/#plain-row).\n\n\
         Bad: [no page](/guide/missing/), [no anchor](/guide/dialect/#custom-table), [here](#nowhere).\n\n\
         External: [Kong](https://konghq.com/).\n",
    )
    .unwrap();
    let o = portolan(&["check", site.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8(o.stderr).unwrap();
    insta::assert_snapshot!("check_broken", stderr);

    // The same findings for a CI step: JSON on stdout (paths from the working directory).
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_portolan"))
        .current_dir(&site)
        .args(["check", "--message-format", "json"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!("check_broken_json", String::from_utf8(o.stdout).unwrap());
}

/// A page whose frontmatter cannot be read (or that has no title) has no model, so its anchors are unknown: a
/// link to one of them from another page is not checked (once, this panicked), and the
/// broken page's own error is what `check` reports.
#[test]
fn links_into_a_page_that_failed_are_not_a_panic() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    std::fs::create_dir_all(site.join("content")).unwrap();
    std::fs::write(site.join("portolan.yaml"), "title: T\n").unwrap();
    std::fs::write(
        site.join("content/index.md"),
        "---\ntitle: Home\n---\nSee [a](/a/#x) and [b](/b/#y).\n",
    )
    .unwrap();
    std::fs::write(site.join("content/a.md"), "---\ntitle: [unclosed\n---\nA\n").unwrap();
    std::fs::write(site.join("content/b.md"), "no frontmatter\n").unwrap();
    let o = portolan(&["check", site.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stderr.contains("content/a.md:3:1") && stderr.contains("invalid frontmatter"),
        "{stderr}"
    );
    assert!(
        stderr.contains("content/b.md:1:1") && stderr.contains("page has no title"),
        "{stderr}"
    );
    assert!(stderr.contains("0 broken links or anchors"), "{stderr}");
}

/// When the site cannot be loaded at all (its own theme is not UTF-8), the errors found
/// before that (a page that is not UTF-8) still name their files: once, rendering them
/// panicked, as the files they point into were dropped with the site.
#[test]
fn a_site_that_does_not_load_reports_every_error() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    std::fs::create_dir_all(site.join("content")).unwrap();
    std::fs::create_dir_all(site.join("theme/templates")).unwrap();
    std::fs::write(site.join("portolan.yaml"), "title: T\n").unwrap();
    std::fs::write(site.join("content/index.md"), b"---\ntitle: \xff\n---\n").unwrap();
    std::fs::write(site.join("theme/templates/page.html"), b"\xfe").unwrap();
    for cmd in ["build", "check"] {
        let o = portolan(&[cmd, site.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{cmd}: {stderr}");
        assert!(!stderr.contains("panicked"), "{cmd}: {stderr}");
        assert!(
            stderr.contains("content/index.md:2:8") && stderr.contains("not valid UTF-8"),
            "{cmd}: {stderr}"
        );
        assert!(
            stderr.contains("theme template page.html is not UTF-8"),
            "{cmd}: {stderr}"
        );
    }
}

/// A loopback HTTP server: /ok answers 200, /gone 404, /busy 429 (a rate limit); counts requests.
fn tiny_server() -> (u16, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let hits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = hits.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut s = stream;
            let mut buf = [0u8; 2048];
            let n = s.read(&mut buf).unwrap_or(0);
            let req = String::from_utf8_lossy(&buf[..n]);
            counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let status = if req.contains(" /ok ") {
                "200 OK"
            } else if req.contains(" /busy ") {
                "429 Too Many Requests"
            } else {
                "404 Not Found"
            };
            let _ = write!(
                s,
                "HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
        }
    });
    (port, hits)
}

#[test]
fn external_links_are_listed_and_fetched_only_when_asked() {
    let (port, hits) = tiny_server();
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_tree(&fixture("dialect"), &site);
    std::fs::write(
        site.join("content/guide/index.md"),
        format!("---\ntitle: Guide\n---\n[ok](http://127.0.0.1:{port}/ok) [gone](http://127.0.0.1:{port}/gone) [busy](http://127.0.0.1:{port}/busy)\n"),
    )
    .unwrap();
    let o = portolan(&["check", site.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        hits.load(std::sync::atomic::Ordering::Relaxed),
        0,
        "nothing is fetched unless asked"
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("3 external links (not fetched"));

    let o = portolan(&[
        "check",
        site.to_str().unwrap(),
        "--external",
        "--timeout",
        "5",
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "error: external link `http://127.0.0.1:{port}/gone` answers 404"
        )),
        "{stderr}"
    );
    assert!(stderr.contains("content/guide/index.md:4:"), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "warning: could not confirm external link `http://127.0.0.1:{port}/busy`: HTTP 429"
        )),
        "a rate limit is a warning: {stderr}"
    );
    assert!(!stderr.contains("/ok`"), "{stderr}");
}
