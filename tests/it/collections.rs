//! Sites with more than plain pages, on fixtures written for these tests: collections
//! (entries at their permalinks with their defaults, `published: false` left out), landing
//! pages written as YAML, how-to guides' TL;DR, prerequisites and cleanup, hubs, folder
//! pages and the generated home page, redirects (a page at each old URL, the host's rules,
//! links that go straight to the new URL, `serve` answering with the rule's status), the
//! `kong` preset on a folder laid out as Kong's repository, and the errors of a site that
//! gets all of that wrong (snapshotted: error text is a contract).

use crate::common::*;

use std::path::Path;

/// The output's page files, relative.
fn pages(out: &Path) -> Vec<String> {
    let mut found: Vec<String> = walk(out)
        .into_iter()
        .filter(|p| p.ends_with("index.html"))
        .collect();
    found.sort();
    found
}

fn walk(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                todo.push(p);
            } else {
                out.push(
                    p.strip_prefix(dir)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/"),
                );
            }
        }
    }
    out
}

#[test]
fn collections_landing_pages_hubs_and_redirects_build() {
    let out = tempfile::tempdir().unwrap();
    let stderr = build_ok(&fixture("collections"), out.path());
    // The two icons that are not files the site publishes are said to be, at their block.
    assert_eq!(
        stderr.matches("is not a file this site publishes").count(),
        2,
        "{stderr}"
    );
    assert_eq!(
        pages(out.path()),
        [
            "guides/index.html",
            "guides/limit-requests/index.html",
            "guides/secure-routes/index.html",
            "harbor/deep/index.html",
            "harbor/deep/page/index.html",
            "harbor/index.html",
            "harbor/overview/index.html",
            "index.html",
            "old-guide/index.html",
            "plugins/index.html",
            "plugins/keycheck/index.html",
            "plugins/limiter/index.html",
        ],
        "entries at their permalinks, a hub per collection, the home and folder pages, a page at the old URL; no draft"
    );
    for (name, page) in [
        ("collections_landing", "harbor/index.html"),
        ("collections_how_to", "guides/limit-requests/index.html"),
        ("collections_hub", "guides/index.html"),
        ("collections_home", "index.html"),
        ("collections_folder", "harbor/deep/index.html"),
    ] {
        let html = read(&out.path().join(page));
        insta::assert_snapshot!(name, without_token_spans(article(&html)));
    }
    let landing = read(&out.path().join("harbor/index.html"));
    assert!(
        landing.contains("Tags <b>stay</b> &amp; \"quotes\""),
        "markup a title may hold is kept, the rest escaped"
    );
    assert!(!landing.contains("javascript:") && !landing.contains("etc/passwd"));
    // Links written to old URLs go to the new ones, a splat rule's too.
    let overview = read(&out.path().join("harbor/overview/index.html"));
    assert_eq!(
        overview.matches("href=\"/guides/limit-requests/\"").count(),
        2,
        "{overview}"
    );
    assert!(!overview.contains("/old-guide/") && !overview.contains("href=\"/legacy/"));
    // The page at the old URL sends the reader on, without script; the host gets the rules.
    insta::assert_snapshot!(
        "collections_redirect_page",
        read(&out.path().join("old-guide/index.html"))
    );
    insta::assert_snapshot!(
        "collections_redirect_rules",
        read(&out.path().join("_redirects"))
    );
    // The hub loads its filters' script; other pages do not.
    let hub = read(&out.path().join("guides/index.html"));
    assert!(hub.contains("/assets/hub."), "the hub loads hub.js");
    assert!(!landing.contains("/assets/hub."));
    // Generated pages are in the sitemap.
    let sitemap = read(&out.path().join("sitemap.xml"));
    for url in [
        "<loc>/</loc>",
        "<loc>/guides/</loc>",
        "<loc>/harbor/deep/</loc>",
    ] {
        assert!(sitemap.contains(url), "{url} in {sitemap}");
    }
}

#[test]
fn a_site_that_gets_collections_and_landing_pages_wrong_reports_every_error() {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let o = portolan(&[
        "build",
        fixture("collections-broken").to_str().unwrap(),
        "--out",
        public.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&o.stderr);
    let report = stderr.split_once('\n').map_or("", |(_, r)| r);
    insta::assert_snapshot!("collections_broken", report);
    assert!(!public.exists(), "a failed build writes nothing");
}

#[test]
fn the_kong_preset_builds_a_folder_laid_out_as_kongs_repository() {
    let out = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let site = fixture("kong-layout");
    // As docs/content/kong.md says to build it; the caches go elsewhere, so the site
    // folder (here, the repository's fixture) is left as it was.
    let o = portolan(&[
        "build",
        site.to_str().unwrap(),
        "--preset",
        "kong",
        "--keep-going",
        "--cache-dir",
        cache.path().to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        cache.path().join("highlight").is_file(),
        "the code's highlighting is kept"
    );
    assert!(
        !site.join(".portolan").exists(),
        "nothing is written in the site folder"
    );
    let found = pages(out.path());
    for page in [
        "how-to/cache-responses/index.html",
        "gateway/entities/route/index.html",
        "support/reset-a-password/index.html",
        "plugins/acl/index.html",
        "gateway/index.html",
        "index.html",
        "how-to/index.html",
        "support/index.html",
        "plugins/index.html",
        "cookbooks/index.html",
        "mesh/policies/index.html",
        "event-gateway/policies/index.html",
        "index/gateway/index.html",
    ] {
        assert!(found.iter().any(|p| p == page), "{page} in {found:?}");
    }
    assert!(
        !found.iter().any(|p| p.contains("not-yet")),
        "published: false"
    );
    let how_to = read(&out.path().join("how-to/cache-responses/index.html"));
    assert!(
        how_to.contains("How do I cache responses with Acme Gateway?"),
        "the TL;DR's question shows, its Liquid rendered"
    );
    assert!(
        how_to.contains(">Acme Gateway<"),
        "products are shown by the name the data folder gives them"
    );
    assert!(
        how_to.contains("href=\"/how-to/\""),
        "the collection's default breadcrumb goes to its hub"
    );
    assert!(
        how_to.contains("href=\"/index/gateway/#guides--caching\""),
        "a breadcrumb to a section of an index goes to its anchor"
    );
    // What works_on, products and tools imply, each titled and filled by its include.
    let prereqs = how_to
        .split_once("<section class=\"prereqs\"")
        .and_then(|(_, rest)| rest.split_once("</section>"))
        .map_or("", |(section, _)| section);
    let summaries: Vec<&str> = prereqs
        .split("<summary><span>")
        .skip(1)
        .filter_map(|s| s.split_once("</span></summary>").map(|(t, _)| t))
        .collect();
    assert_eq!(
        summaries,
        [
            "A Konnect account",
            "Acme Gateway running",
            "decK <span class=\"badge badge-new-in\" title=\"New in version 1.40\">v1.40+</span>"
        ],
        "{prereqs}"
    );
    assert!(prereqs.contains("Start a local Acme Gateway"), "{prereqs}");
    assert!(
        !how_to.contains("item-markup-the-theme-replaces"),
        "the include's own markup is dropped"
    );
    let index = read(&out.path().join("index/gateway/index.html"));
    insta::assert_snapshot!("kong_layout_index", without_token_spans(article(&index)));
    let entity = read(&out.path().join("gateway/entities/route/index.html"));
    assert!(
        entity.contains("href=\"/gateway/entities/\""),
        "defaults: breadcrumbs"
    );
    // Tables drawn from the data in the folder: the entity's schema from the latest
    // version of its OpenAPI specification, Konnect's roles, each plugin's topologies.
    insta::assert_snapshot!("kong_layout_entity_schema", table(&entity, "schema-table"));
    assert!(!entity.contains("old_field"), "the latest version is read");
    let roles = read(&out.path().join("konnect/teams/index.html"));
    insta::assert_snapshot!("kong_layout_roles", table(&roles, "roles-table"));
    let topologies = read(&out.path().join("plugins/compatibility/index.html"));
    insta::assert_snapshot!(
        "kong_layout_topologies",
        table(&topologies, "topologies-table")
    );
    let landing = read(&out.path().join("gateway/index.html"));
    for card in [
        "href=\"/gateway/entities/route/\"",
        "href=\"/plugins/acl/\"",
        "href=\"/how-to/cache-responses/\"",
    ] {
        assert!(
            landing.contains(card),
            "{card}: cards read their pages' frontmatter"
        );
    }
    // Without the preset the folder's collections are not pages, and a component whose
    // specification the site does not hold (no `api_specs`, no upstream) is an error.
    let plain = tempfile::tempdir().unwrap();
    let o = portolan(&[
        "build",
        site.to_str().unwrap(),
        "--no-cache",
        "--keep-going",
        "--out",
        plain.path().to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("content/konnect/teams.md:7:1")
            && stderr.contains("is not in this site's `api_specs` folder"),
        "{stderr}"
    );
    assert!(plain.path().join("gateway/overview/index.html").exists());
    assert!(!plain
        .path()
        .join("how-to/cache-responses/index.html")
        .exists());
    assert!(
        !site.join(".portolan").exists(),
        "--no-cache keeps no cache"
    );
}

/// The table of class `class` in a page's HTML.
fn table(html: &str, class: &str) -> String {
    let start = html
        .find(&format!("<table class=\"config-table {class}\">"))
        .unwrap_or_else(|| panic!("no {class} in {html}"));
    let end = html[start..].find("</table>").expect("a closed table") + start;
    html[start..end + "</table>".len()].to_string()
}

#[test]
fn an_unknown_preset_is_an_error() {
    let o = portolan(&[
        "build",
        fixture("kong-layout").to_str().unwrap(),
        "--preset",
        "jekyl",
        "--out",
        tempfile::tempdir()
            .unwrap()
            .path()
            .join("o")
            .to_str()
            .unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("no preset `jekyl`") && stderr.contains("presets: kong"),
        "{stderr}"
    );
}

#[test]
fn serve_answers_redirects_and_rebuilds_an_entry_and_its_hub() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_tree(&fixture("collections"), &site);
    let (mut child, addr) = spawn_serve(&site);
    let head = http_response(&addr, "/old-guide/");
    assert!(head.starts_with("HTTP/1.1 301"), "{head}");
    assert!(head.contains("location: /guides/limit-requests/"), "{head}");
    let head = http_response(&addr, "/legacy/secure-routes/");
    assert!(head.starts_with("HTTP/1.1 302"), "{head}");
    assert!(head.contains("location: /guides/secure-routes"), "{head}");
    // A page the site has is served, whatever the rules say.
    assert_eq!(http_get(&addr, "/guides/").0, 200);
    // Editing an entry rebuilds it and the hub that lists it.
    let guide = site.join("content/_guides/secure-routes.md");
    let text = read(&guide).replace("Secure routes with keys", "Secure every route");
    std::fs::write(&guide, text).unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let (_, hub) = http_get(&addr, "/guides/");
        let (_, page) = http_get(&addr, "/guides/secure-routes/");
        if hub.contains("Secure every route") && page.contains("Secure every route") {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the edit reached the hub and the page"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    child.kill().unwrap();
    child.wait().unwrap();
}
