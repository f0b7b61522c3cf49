//! `portolan check`: the shipped site passes (its links to pages it does not ship go
//! upstream); planted broken links and anchors are each reported at file:line:column.

mod common;
use common::*;

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
}
