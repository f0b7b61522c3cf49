//! What a reader clicks and types, in headless Chromium: the FAQ accordion and its anchors,
//! the menu on a phone, dark mode, and live reload in `portolan serve`.

mod common;
use common::browser::{serve, Browser};
use common::*;

use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread")]
async fn faq_items_open_from_their_anchor_and_by_click() {
    let (_server, url) = serve(&repo());
    let b = Browser::start(1400, 1000, &[]).await;
    let id = "how-do-the-control-plane-and-data-plane-communicate";
    b.client.goto(&format!("{url}/konnect-platform/network/#{id}")).await.unwrap();
    b.until("the FAQ named in the hash to open", &format!("return document.getElementById('{id}').open === true")).await;
    let others_open = b.eval(&format!("return [...document.querySelectorAll('details.faq')].filter(d => d.open && d.id !== '{id}').length")).await;
    assert_eq!(others_open, 0, "only the linked FAQ opens");

    // Clicking a question opens it; its answer becomes visible.
    let first = "what-types-of-data-travel-between-the-konnect-control-plane-and-the-data-plane-nodes-and-how";
    b.eval(&format!("document.querySelector('#{first} > summary').scrollIntoView({{block: 'center', behavior: 'instant'}}); return true")).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let summary = b.client.find(fantoccini::Locator::Css(&format!("#{first} > summary"))).await.unwrap();
    summary.click().await.unwrap();
    b.until("the clicked FAQ to open", &format!("return document.getElementById('{first}').open === true")).await;
    let visible = b.eval(&format!("return document.querySelector('#{first} .faq-answer').getBoundingClientRect().height > 0")).await;
    assert_eq!(visible, true);

    // A FAQ's own link anchor opens it after navigation.
    b.client.goto(&format!("{url}/konnect-platform/network/")).await.unwrap();
    b.eval(&format!("document.querySelector('a.faq-link[href=\"#{id}\"]').click(); return true")).await;
    b.until("the anchor to open its FAQ", &format!("return document.getElementById('{id}').open === true && location.hash === '#{id}'")).await;
    b.client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn phone_menu_opens_and_navigates() {
    let (_server, url) = serve(&repo());
    let b = Browser::start(390, 844, &[]).await;
    b.client.goto(&format!("{url}/konnect-platform/network/")).await.unwrap();
    assert_eq!(b.eval("return document.querySelector('.nav-details').open").await, false, "the menu is folded on a phone");
    let overflow = b.eval("return document.documentElement.scrollWidth <= window.innerWidth").await;
    assert_eq!(overflow, true, "no horizontal page scroll on a phone (tables scroll inside their wrapper)");
    b.client.find(fantoccini::Locator::Css(".nav-details > summary")).await.unwrap().click().await.unwrap();
    b.until("the menu to open", "return document.querySelector('.nav-details').open === true").await;
    let current = b.eval("return document.querySelector('.site-nav a[aria-current=page]').textContent").await;
    assert_eq!(current, "Networking in Konnect");
    b.client.find(fantoccini::Locator::Css(".site-nav a[href='/konnect-platform/geos/']")).await.unwrap().click().await.unwrap();
    b.until("navigation to the geos page", "return location.pathname === '/konnect-platform/geos/'").await;
    b.client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn dark_mode_follows_the_system_setting() {
    let (_server, url) = serve(&repo());
    let bg = |dark: bool| {
        let url = url.clone();
        async move {
            let flags: &[&str] = if dark { &["--force-dark-mode", "--blink-settings=preferredColorScheme=0"] } else { &["--blink-settings=preferredColorScheme=1"] };
            let b = Browser::start(1200, 900, flags).await;
            b.client.goto(&format!("{url}/konnect-platform/network/")).await.unwrap();
            let v = b.eval("const c = getComputedStyle(document.body).backgroundColor.match(/\\d+/g).map(Number); return c[0] + c[1] + c[2]").await;
            b.client.close().await.unwrap();
            v.as_u64().unwrap()
        }
    };
    let light = bg(false).await;
    let dark = bg(true).await;
    assert!(light > 600, "light background ({light})");
    assert!(dark < 150, "dark background ({dark})");
}

#[tokio::test(flavor = "multi_thread")]
async fn live_reload_shows_an_edit_and_recovers_from_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_tree(&fixture("dialect"), &site);
    let (_server, url) = serve(&site);
    let b = Browser::start(1200, 900, &[]).await;
    b.client.goto(&format!("{url}/guide/dialect/")).await.unwrap();
    b.until("the live-reload connection", "return performance.getEntriesByType('resource').some(r => r.name.includes('/__portolan/live.js'))").await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    let page = site.join("content/guide/dialect.md");
    let text = std::fs::read_to_string(&page).unwrap();
    let epoch_ms = || std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs_f64() * 1000.0;
    let saved = epoch_ms();
    std::fs::write(&page, text.replace("## Variables and raw", "## Variables, reloaded")).unwrap();
    b.until("the edit to appear without a manual reload", "return document.body.textContent.includes('Variables, reloaded')").await;
    // Measured in the page itself: when the reloaded document started and became ready.
    let nav = b.eval("const n = performance.getEntriesByType('navigation')[0]; return [performance.timeOrigin, performance.timeOrigin + n.domContentLoadedEventEnd]").await;
    let (start, ready) = (nav[0].as_f64().unwrap(), nav[1].as_f64().unwrap());
    eprintln!("save to reload: reload started after {:.0} ms, page ready after {:.0} ms", start - saved, ready - saved);
    let _ = Instant::now();

    std::fs::write(&page, text.replace("{{site.product}} and", "{{site.produkt}} and")).unwrap();
    b.until("the error page", "return document.body.textContent.includes('unknown site variable `site.produkt`')").await;
    let shown = b.eval("return document.body.textContent").await;
    assert!(shown.as_str().unwrap().contains("content/guide/dialect.md:30:1"));
    std::fs::write(&page, &text).unwrap();
    b.until("recovery once the file is fixed", "return document.body.textContent.includes('Variables and raw')").await;
    b.client.close().await.unwrap();
}
