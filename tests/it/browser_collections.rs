//! Hubs and landing pages as a reader uses them, in headless Chromium: a hub filtered from
//! the URL's query and from its form (the query follows), every entry without JavaScript,
//! the how-to guide's steps opening and closing; and axe-core over a landing page, a how-to
//! guide, a hub and the home page, light and dark, desktop and phone.

use crate::common::browser::{color_scheme, serve, Browser};
use crate::common::*;

/// The titles of the hub's entries that show.
const SHOWN: &str = "return [...document.querySelectorAll('.hub-entry')].filter(e => !e.hidden && e.getBoundingClientRect().height > 0).map(e => e.querySelector('a').textContent)";

#[tokio::test(flavor = "multi_thread")]
async fn a_hub_filters_from_the_query_and_the_form() {
    crate::common::tools::requires!(Chromium, ChromeDriver, Axe);
    let (_server, url) = serve(&fixture("collections"));
    let b = Browser::start(1200, 900, &[]).await;
    b.client
        .goto(&format!("{url}/guides/?harbor_plugins=limiter"))
        .await
        .unwrap();
    b.until(
        "hub.js to filter by the query",
        "return document.querySelector('[data-hub-count]').textContent === '1 page'",
    )
    .await;
    assert_eq!(
        b.eval(SHOWN).await,
        serde_json::json!(["Limit requests with Harbor Gateway"])
    );
    assert_eq!(
        b.eval("return document.getElementById('filter-harbor_plugins').value")
            .await,
        "limiter",
        "the form shows the filter the query set"
    );
    // Choosing a tag narrows the list further, and the query follows the form.
    b.choose("#filter-tags", "security").await;
    b.until(
        "no guide is about both",
        "return document.querySelector('[data-hub-count]').textContent === '0 pages'",
    )
    .await;
    let search = b.eval("return window.location.search").await;
    let search = search.as_str().unwrap();
    assert!(
        search.contains("harbor_plugins=limiter") && search.contains("tags=security"),
        "{search}"
    );
    // Clearing the plugin leaves the tag.
    b.choose("#filter-harbor_plugins", "").await;
    b.until(
        "one guide about security",
        "return document.querySelector('[data-hub-count]').textContent === '1 page'",
    )
    .await;
    assert_eq!(
        b.eval(SHOWN).await,
        serde_json::json!(["Secure routes with keys"])
    );
    // A value the hub does not offer is shown as chosen, with nothing under it.
    b.client
        .goto(&format!("{url}/guides/?tags=nothing-here"))
        .await
        .unwrap();
    b.until(
        "the unknown filter to apply",
        "return document.querySelector('[data-hub-count]').textContent === '0 pages'",
    )
    .await;
    b.client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn without_javascript_a_hub_lists_every_entry_and_steps_open() {
    crate::common::tools::requires!(Chromium, ChromeDriver, Axe);
    let (_server, url) = serve(&fixture("collections"));
    // Tall enough that the steps are in view: without scripts, WebDriver cannot scroll to
    // them.
    let b = Browser::start(1200, 1800, &["--blink-settings=scriptEnabled=false"]).await;
    b.client
        .goto(&format!("{url}/guides/?harbor_plugins=limiter"))
        .await
        .unwrap();
    assert_eq!(
        b.eval(SHOWN).await,
        serde_json::json!([
            "Limit requests with Harbor Gateway",
            "Secure routes with keys"
        ])
    );
    // A guide's prerequisites are closed, and open with a click on their summary.
    b.client
        .goto(&format!("{url}/guides/limit-requests/"))
        .await
        .unwrap();
    let open = "return [...document.querySelectorAll('details.step')].map(d => d.open)";
    assert_eq!(
        b.eval(open).await,
        serde_json::json!([false, false, false, false])
    );
    let summary = b
        .client
        .find(fantoccini::Locator::Css(".prereqs details.step summary"))
        .await
        .unwrap();
    summary.click().await.unwrap();
    assert_eq!(
        b.eval(open).await,
        serde_json::json!([true, false, false, false])
    );
    let text = b
        .eval("return document.querySelector('.prereqs details.step').innerText")
        .await;
    assert!(
        text.as_str().unwrap().contains("export HARBOR_TOKEN"),
        "{text}"
    );
    // The steps (the body's sections) are open, and fold with a click on their heading.
    let steps = "return [...document.querySelectorAll('details.step-section')].map(d => d.open)";
    assert_eq!(b.eval(steps).await, serde_json::json!([true, true]));
    let heading = b
        .client
        .find(fantoccini::Locator::Css("details.step-section > summary"))
        .await
        .unwrap();
    heading.click().await.unwrap();
    assert_eq!(b.eval(steps).await, serde_json::json!([false, true]));
    b.client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn landing_how_to_hub_and_home_pass_axe_light_and_dark_desktop_and_phone() {
    crate::common::tools::requires!(Chromium, ChromeDriver, Axe);
    let (_server, url) = serve(&fixture("collections"));
    for (width, height, dark) in [(1280, 900, false), (390, 844, true)] {
        let b = Browser::start(width, height, color_scheme(dark)).await;
        for page in ["/harbor/", "/guides/limit-requests/", "/guides/", "/"] {
            b.client.goto(&format!("{url}{page}")).await.unwrap();
            b.assert_axe_clean(&format!("{page} at {width}px (dark: {dark})"))
                .await;
        }
        // The check can fail: a hub filter without its label is caught.
        b.client.goto(&format!("{url}/guides/")).await.unwrap();
        b.eval("document.querySelector('label[for=filter-tags]').remove(); return true")
            .await;
        let caught = b.axe().await;
        assert!(
            caught.iter().any(|v| v.starts_with("select-name")),
            "{caught:?}"
        );
        b.client.close().await.unwrap();
    }
}
