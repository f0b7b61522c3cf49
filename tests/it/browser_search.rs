//! Search as a reader uses it, in headless Chromium, over the `search` fixture: the page
//! whose title is the query comes first; a typo, a rare misspelling and another form of a
//! word still find their page; words close together in the text count; facets narrow the results from the URL and from their
//! select, and the URL follows; the panel is axe-clean with its facets open.

use crate::common::browser::{serve, Browser};
use crate::common::*;

/// The result links' paths, in order.
const RESULTS: &str = "return [...document.querySelectorAll('#search-list a.search-result-link')].map(a => new URL(a.href).pathname)";

/// Opens `path` (with its `?search=`) and waits for the results' status to say it is done.
async fn results(b: &Browser, url: &str, path: &str) -> Vec<String> {
    b.client.goto(&format!("{url}{path}")).await.unwrap();
    b.until(
        "the search to answer",
        "const s = document.getElementById('search-status').textContent; return / for /.test(s)",
    )
    .await;
    serde_json::from_value(b.eval(RESULTS).await).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn search_ranks_titles_first_forgives_typos_and_filters_by_facet() {
    crate::common::tools::requires!(Chromium, ChromeDriver, Axe);
    let (_server, url) = serve(&fixture("search"));
    let b = Browser::start(1280, 900, &[]).await;

    // The changelog says "hybrid" most often; the page titled with it comes first, then
    // the other titles that hold it, the most covered first, then the pages that only
    // mention it.
    let hybrid = results(&b, &url, "/?search=hybrid").await;
    assert_eq!(
        hybrid,
        [
            "/hybrid-mode/",
            "/lantern-zones/",
            "/run-hybrid/",
            "/changelog/",
            "/"
        ]
    );

    // One typo, not in any page: one edit away.
    assert_eq!(
        results(&b, &url, "/?search=hybrd+mode").await[0],
        "/hybrid-mode/"
    );
    // A swap of two letters counts as one edit.
    assert_eq!(
        results(&b, &url, "/?search=hbyrid+mode").await[0],
        "/hybrid-mode/"
    );
    // A misspelling the changelog has once still finds the spelling pages use.
    let slip = results(&b, &url, "/?search=hybird+mode").await;
    assert_eq!(slip[0], "/hybrid-mode/", "{slip:?}");
    assert!(slip.contains(&"/changelog/".to_string()), "{slip:?}");
    // Other forms of a word: "logs" finds the page titled "Logging".
    assert_eq!(results(&b, &url, "/?search=logs").await[0], "/logging/");
    // Common words rank but do not filter.
    assert_eq!(
        results(&b, &url, "/?search=how+do+I+rotate+certificates").await[0],
        "/changelog/"
    );
    // Proximity: both pages have both words in their text alone; the one that writes them
    // together comes first, though the other says "token" five times more.
    assert_eq!(
        results(&b, &url, "/?search=token+rotation").await,
        ["/credentials/", "/key-vault/"]
    );
    // Three letters get no typo: nothing is a guess.
    assert!(results(&b, &url, "/?search=lgo+zzz").await.is_empty());

    // A facet from the URL: only Lantern Mesh's page, and the status says so.
    let mesh = results(&b, &url, "/?search=hybrid&product=lantern").await;
    assert_eq!(mesh, ["/lantern-zones/"]);
    assert_eq!(
        b.eval("return document.getElementById('search-status').textContent")
            .await,
        "1 result for \u{201c}hybrid\u{201d} in Lantern Mesh"
    );
    assert_eq!(
        b.eval("return document.querySelector('select[data-facet=product]').value")
            .await,
        "lantern"
    );
    assert_eq!(
        b.eval("return [...document.querySelectorAll('select[data-facet=product] option')].map(o => o.textContent)").await,
        serde_json::json!(["All", "Beacon Gateway (3)", "Lantern Mesh (1)"]),
        "each value counts the results it would show"
    );
    b.assert_axe_clean("search results with facets").await;

    // Choosing from the keyboard: focus the select, pick "All"; the URL follows.
    b.eval("document.querySelector('select[data-facet=product]').focus(); return true")
        .await;
    b.client
        .active_element()
        .await
        .unwrap()
        .send_keys("\u{E011}") // Home: the first option, "All"
        .await
        .unwrap();
    b.until(
        "all five results again",
        "return document.querySelectorAll('#search-list a.search-result-link').length === 5",
    )
    .await;
    assert_eq!(
        b.eval("return new URLSearchParams(location.search).get('product')")
            .await,
        serde_json::Value::Null
    );
    assert_eq!(
        b.eval("return document.activeElement.getAttribute('data-facet')")
            .await,
        "product",
        "focus stays on the select"
    );
    // A type filter, by its select: the URL keeps it.
    b.choose("select[data-facet=type]", "how_to").await;
    b.until(
        "the how-to alone",
        "return document.querySelectorAll('#search-list a.search-result-link').length === 1",
    )
    .await;
    assert_eq!(b.eval(RESULTS).await, serde_json::json!(["/run-hybrid/"]));
    assert_eq!(
        b.eval("return new URLSearchParams(location.search).get('type')")
            .await,
        "how_to"
    );
    b.client.close().await.unwrap();
}

/// A word in more pages than a shard lists (`SHARD_POSTINGS`) has a file of its own,
/// which a query that asks for the word fetches, and ranks through, as it does a shard.
#[tokio::test(flavor = "multi_thread")]
async fn a_word_in_many_pages_is_found_through_its_own_file() {
    crate::common::tools::requires!(Chromium, ChromeDriver);
    let site = tempfile::tempdir().unwrap();
    let content = site.path().join("content");
    std::fs::create_dir_all(&content).unwrap();
    std::fs::write(site.path().join("portolan.yaml"), "title: Many\n").unwrap();
    let page = |path: &str, title: &str, text: &str| {
        std::fs::write(
            content.join(path),
            format!("---\ntitle: {title}\n---\n{text}\n"),
        )
        .unwrap();
    };
    page("index.md", "Home", "Welcome.");
    page("kong-guide.md", "Kong guide", "Kong, in short.");
    page("stripes.md", "Stripes", "Kong and the zebra.");
    // In folders of 50: one folder's generated page listing 1,500 cards took most of a
    // debug build's time.
    for i in 0..1500 {
        let folder = content.join(format!("p/f{}", i / 50));
        std::fs::create_dir_all(&folder).unwrap();
        page(
            &format!("p/f{}/p{i}.md", i / 50),
            &format!("Page {i}"),
            "About kong.",
        );
    }
    let (_server, url) = serve(site.path());
    let b = Browser::start(1280, 900, &[]).await;

    let kong = results(&b, &url, "/?search=kong").await;
    assert_eq!(kong[0], "/kong-guide/", "{kong:?}");
    let fetched: Vec<String> = serde_json::from_value(
        b.eval(
            "return performance.getEntriesByType('resource').map(e => new URL(e.name).pathname)",
        )
        .await,
    )
    .unwrap();
    assert!(
        fetched.iter().any(|p| p.ends_with("/search/t/ko.0.json")),
        "{fetched:?}"
    );
    // Both words: the one page that has them, ahead of the many with one.
    assert_eq!(
        results(&b, &url, "/?search=kong+zebra").await[0],
        "/stripes/"
    );
}
