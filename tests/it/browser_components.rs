//! The default components as a reader uses them, in headless Chromium: tabs by mouse and
//! keyboard, tab groups that switch together and are remembered on the next page, a link to
//! a heading inside a tab, every panel without JavaScript; and axe-core over the component
//! pages, light and dark, desktop and phone.

use crate::common::browser::{color_scheme, serve, Browser};
use crate::common::*;

/// The selected tab's text of each tab set on the page.
const SELECTED: &str = "return [...document.querySelectorAll('.tabs')].map(s => { const t = s.querySelector(':scope > .tabs-list [aria-selected=true]'); return t ? t.textContent : null; })";

/// How many panels show (not hidden) on the page.
const VISIBLE_PANELS: &str = "return [...document.querySelectorAll('.tabs-panel')].filter(p => p.getBoundingClientRect().height > 0).length";

#[tokio::test(flavor = "multi_thread")]
async fn tabs_work_by_mouse_and_keyboard_and_switch_together() {
    crate::common::tools::requires!(Chromium, ChromeDriver, Axe);
    let (_server, url) = serve(&fixture("components"));
    let b = Browser::start(1200, 900, &[]).await;
    b.client.goto(&format!("{url}/guide/tabs/")).await.unwrap();
    b.until(
        "tabs.js to make the tabs",
        "return document.querySelectorAll('.tabs-ready').length === 4",
    )
    .await;
    assert_eq!(
        b.eval(SELECTED).await,
        serde_json::json!(["Linux", "Linux", "Linux (linux)", "Acme Cloud"])
    );
    assert_eq!(b.eval(VISIBLE_PANELS).await, 4, "one panel per tab set");
    // Titles inside panels are for readers without JavaScript.
    let titles = b.eval("return [...document.querySelectorAll('.tabs-panel-title')].filter(t => t.getBoundingClientRect().height > 0).length").await;
    assert_eq!(titles, 0);

    // A click selects the tab and, in the same group, the same tab of the other set.
    let mac = b
        .client
        .find(fantoccini::Locator::Css("#navtab-2-tab"))
        .await
        .unwrap();
    mac.click().await.unwrap();
    assert_eq!(
        b.eval(SELECTED).await,
        serde_json::json!(["macOS", "macOS", "Linux (linux)", "Acme Cloud"])
    );
    assert_eq!(b.eval("return document.getElementById('navtab-1').hidden && !document.getElementById('navtab-2').hidden").await, true);

    // Arrow keys, Home and End move the selection and the focus, wrapping around.
    b.eval("document.getElementById('navtab-5-tab').focus(); return true")
        .await;
    b.until(
        "focus on the first platform tab",
        "return document.activeElement.id === 'navtab-5-tab'",
    )
    .await;
    // Keys go to the focused tab, found by its id (WebDriver sends them to an element).
    let press = |key: &'static str| {
        let c = b.client.clone();
        async move {
            let id = c
                .execute("return document.activeElement.id", vec![])
                .await
                .unwrap();
            let css = format!("#{}", id.as_str().unwrap());
            c.find(fantoccini::Locator::Css(&css))
                .await
                .unwrap()
                .send_keys(key)
                .await
                .unwrap();
        }
    };
    press("\u{E014}").await; // ArrowRight
    b.until(
        "focus on navtab-6-tab (step 1)",
        "return document.activeElement.id === 'navtab-6-tab'",
    )
    .await;
    assert_eq!(
        b.eval("return document.getElementById('navtab-6-tab').getAttribute('aria-selected')")
            .await,
        "true"
    );
    press("\u{E014}").await; // ArrowRight wraps to the first tab
    b.until(
        "focus on navtab-5-tab (step 2)",
        "return document.activeElement.id === 'navtab-5-tab'",
    )
    .await;
    press("\u{E010}").await; // End
    b.until(
        "focus on navtab-6-tab (step 3)",
        "return document.activeElement.id === 'navtab-6-tab'",
    )
    .await;
    press("\u{E010}").await;
    press("\u{E011}").await; // Home
    b.until(
        "focus on navtab-5-tab (step 4)",
        "return document.activeElement.id === 'navtab-5-tab'",
    )
    .await;
    press("\u{E012}").await; // ArrowLeft wraps to the last
    b.until(
        "focus on navtab-6-tab (step 5)",
        "return document.activeElement.id === 'navtab-6-tab'",
    )
    .await;
    // Only the selected tab is in the tab order.
    assert_eq!(
        b.eval(
            "return [...document.querySelectorAll('#navtabs-3 [role=tab]')].map(t => t.tabIndex)"
        )
        .await,
        serde_json::json!([-1, 0])
    );

    // The reader's choice is remembered: the next page with the group opens on it.
    b.client.goto(&format!("{url}/guide/tabs/")).await.unwrap();
    b.until(
        "tabs.js",
        "return document.querySelectorAll('.tabs-ready').length === 4",
    )
    .await;
    assert_eq!(
        b.eval(SELECTED).await,
        serde_json::json!(["macOS", "macOS", "macOS (macos)", "Acme Cloud"])
    );
    b.client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_link_to_a_heading_in_a_tab_opens_the_tab() {
    crate::common::tools::requires!(Chromium, ChromeDriver, Axe);
    let (_server, url) = serve(&fixture("components"));
    let b = Browser::start(1200, 900, &[]).await;
    // Remember macOS first, so the link has to win over the remembered choice.
    b.client.goto(&format!("{url}/guide/tabs/")).await.unwrap();
    b.until(
        "tabs.js",
        "return document.querySelectorAll('.tabs-ready').length === 4",
    )
    .await;
    b.eval("document.getElementById('navtab-2-tab').click(); return true")
        .await;
    b.client
        .goto(&format!("{url}/guide/tabs/#linux-service"))
        .await
        .unwrap();
    b.until(
        "the Linux tab to open for its heading",
        "return !document.getElementById('navtab-1').hidden",
    )
    .await;
    let shown = b.eval("const r = document.getElementById('linux-service').getBoundingClientRect(); return r.height > 0 && r.top >= 0 && r.top < innerHeight").await;
    assert_eq!(shown, true, "the heading is in view");
    // The table of contents lists it, and following that link opens the tab again.
    b.eval("document.getElementById('navtab-2-tab').click(); return true")
        .await;
    b.eval("document.querySelector('.toc a[href=\"#linux-service\"]').click(); return true")
        .await;
    b.until(
        "the TOC link to open the tab",
        "return !document.getElementById('navtab-1').hidden",
    )
    .await;
    b.client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn without_javascript_every_panel_shows_under_its_title() {
    crate::common::tools::requires!(Chromium, ChromeDriver, Axe);
    let (_server, url) = serve(&fixture("components"));
    let b = Browser::start(1200, 900, &["--blink-settings=scriptEnabled=false"]).await;
    b.client.goto(&format!("{url}/guide/tabs/")).await.unwrap();
    assert_eq!(
        b.eval("return document.querySelectorAll('.tabs-ready').length")
            .await,
        0
    );
    assert_eq!(b.eval(VISIBLE_PANELS).await, 8, "all eight panels show");
    let lists = b.eval("return [...document.querySelectorAll('.tabs-list')].filter(l => l.getBoundingClientRect().height > 0).length").await;
    assert_eq!(lists, 0, "no tab buttons that would do nothing");
    let text = b
        .eval("return document.querySelector('.prose').innerText")
        .await;
    let text = text.as_str().unwrap();
    for title in [
        "Linux",
        "macOS",
        "Linux (linux)",
        "macOS (macos)",
        "Acme Cloud",
        "Self-managed",
    ] {
        assert!(text.contains(title), "{title} shows:\n{text}");
    }
    // The entity example's formats, each under its label.
    b.client
        .goto(&format!("{url}/guide/snippets/"))
        .await
        .unwrap();
    let text = b
        .eval("return document.querySelector('.entity-example').innerText")
        .await;
    for label in [
        "deckfile",
        "Admin API",
        "Cloud API",
        "Kubernetes",
        "Terraform",
    ] {
        assert!(text.as_str().unwrap().contains(label), "{label}");
    }
    b.client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn component_pages_pass_axe_light_and_dark_desktop_and_phone() {
    crate::common::tools::requires!(Chromium, ChromeDriver, Axe);
    let (_server, url) = serve(&fixture("components"));
    for (width, height, dark) in [(1280, 900, false), (390, 844, true)] {
        let extra = color_scheme(dark);
        let b = Browser::start(width, height, extra).await;
        for page in [
            "/guide/tabs/",
            "/guide/blocks/",
            "/guide/snippets/",
            "/reference/liquid/",
        ] {
            b.client.goto(&format!("{url}{page}")).await.unwrap();
            if page == "/guide/tabs/" {
                b.until(
                    "tabs.js",
                    "return document.querySelectorAll('.tabs-ready').length === 4",
                )
                .await;
            }
            b.assert_axe_clean(&format!("{page} at {width}px (dark: {dark})"))
                .await;
        }
        // The check itself can fail: an image without a text alternative is caught.
        b.eval("const i = document.createElement('img'); i.src = 'x.png'; document.querySelector('.prose').append(i); return true").await;
        let caught = b.axe().await;
        assert!(
            caught.iter().any(|v| v.starts_with("image-alt")),
            "{caught:?}"
        );
        b.client.close().await.unwrap();
    }
}

/// On demand, for a built site's pages (the Kong corpus, say):
/// `AXE_SITE=/tmp/kong AXE_PAGES="/gateway/install/ ..." cargo test --test
/// browser_components axe_over_a_built_site -- --ignored --nocapture`.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs AXE_SITE, a built site, and AXE_PAGES"]
async fn axe_over_a_built_site() {
    crate::common::tools::requires!(Chromium, ChromeDriver, Axe);
    let dir = std::env::var("AXE_SITE").expect("AXE_SITE: a built output folder");
    let pages = std::env::var("AXE_PAGES").expect("AXE_PAGES: URL paths, space-separated");
    let port = crate::common::browser::free_port();
    let _server = crate::common::browser::Proc(
        std::process::Command::new("python3")
            .args([
                "-m",
                "http.server",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "-d",
                &dir,
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("python3 serves the folder"),
    );
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let mut failures = Vec::new();
    for (width, height, flags) in [
        (1280, 900, color_scheme(false)),
        (390, 844, color_scheme(true)),
    ] {
        let b = Browser::start(width, height, flags).await;
        for page in pages.split_whitespace() {
            b.client
                .goto(&format!("http://127.0.0.1:{port}{page}"))
                .await
                .unwrap();
            let v = b.axe().await;
            eprintln!("{page} at {width}px: {} violations", v.len());
            failures.extend(v.into_iter().map(|x| format!("{page} {width}px: {x}")));
        }
        b.client.close().await.unwrap();
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
