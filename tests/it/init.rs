//! `portolan init` as a new user meets it: an empty folder becomes a site that builds,
//! checks and serves at once; a folder with files in it is refused unless asked.

use crate::common::*;

#[test]
fn a_new_site_builds_checks_and_serves_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("my-docs");
    let o = portolan(&["init", site.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let said = String::from_utf8(o.stderr).unwrap();
    let shown = site.display().to_string();
    assert!(
        said.contains(&format!("portolan serve {shown}"))
            && said.contains(&format!("portolan build {shown}")),
        "init prints the next two commands: {said}"
    );

    let o = portolan(&["build", site.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(
        !stderr.contains("warning"),
        "a new site builds without warnings: {stderr}"
    );
    let example = read(&site.join("public/guide/example/index.html"));
    for shown in [
        "role=\"tablist\"",                    // the navtabs component
        "v2.3+",                               // new_in
        "class=\"disclosure\"",                // details
        "2.4, 2.2",                            // data, where and map filters
        "ACME INC.",                           // capture and upcase
        "{{ braces }}",                        // raw
        "id=\"https-port\"",                   // a table row's anchor
        "Where do these questions come from?", // FAQs
        "The docs team answers",               // an include with a parameter
    ] {
        assert!(example.contains(shown), "example page lacks {shown:?}");
    }
    let untitled = read(&site.join("public/guide/index.html"));
    assert!(
        untitled.contains("<title>Guide"),
        "a page titled by its heading"
    );

    let o = portolan(&["check", site.to_str().unwrap()]);
    assert!(
        o.status.success(),
        "check passes: {}",
        String::from_utf8_lossy(&o.stderr)
    );

    // serve on a free port: the home page answers.
    let (mut child, addr) = spawn_serve(&site);
    let response = http_response(&addr, "/");
    let _ = child.kill();
    let _ = child.wait();
    assert!(response.starts_with("HTTP/1.1 200"), "{response:.200}");
    assert!(response.contains("My Docs"), "the home page is served");
}

#[test]
fn a_folder_that_is_not_empty_is_refused_unless_forced_and_nothing_is_overwritten() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("portolan.yaml"), "title: Mine\n").unwrap();
    let o = portolan(&["init", tmp.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let said = String::from_utf8(o.stderr).unwrap();
    assert!(
        said.contains("is not empty (it holds `portolan.yaml`)") && said.contains("--force"),
        "{said}"
    );
    assert!(!tmp.path().join("content").exists(), "nothing written");

    let o = portolan(&["init", "--force", tmp.path().to_str().unwrap()]);
    assert!(o.status.success());
    let said = String::from_utf8(o.stderr).unwrap();
    assert!(said.contains("kept portolan.yaml (it exists)"), "{said}");
    assert_eq!(read(&tmp.path().join("portolan.yaml")), "title: Mine\n");
    assert!(tmp.path().join("content/guide/example.md").is_file());
}
