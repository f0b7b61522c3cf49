//! What a reader clicks and types, in headless Chromium: the FAQ accordion and its anchors,
//! the menu on a phone, dark mode, and live reload in `portolan serve`.

use crate::common::browser::{color_scheme, serve, Browser};
use crate::common::*;

use std::time::Duration;

#[tokio::test(flavor = "multi_thread")]
async fn faq_items_open_from_their_anchor_and_by_click() {
    crate::common::tools::requires!(Chromium, ChromeDriver, Axe);
    let (_server, url) = serve(&repo());
    let b = Browser::start(1400, 1000, &[]).await;
    let id = "how-do-the-control-plane-and-data-plane-communicate";
    b.client
        .goto(&format!("{url}/konnect-platform/network/#{id}"))
        .await
        .unwrap();
    b.until(
        "the FAQ named in the hash to open",
        &format!("return document.getElementById('{id}').open === true"),
    )
    .await;
    let others_open = b.eval(&format!("return [...document.querySelectorAll('details.faq')].filter(d => d.open && d.id !== '{id}').length")).await;
    assert_eq!(others_open, 0, "only the linked FAQ opens");

    // Clicking a question opens it; its answer becomes visible. First the smooth scroll to
    // the linked FAQ must have ended, or it carries on past the scroll below.
    let mut last = serde_json::Value::Null;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(150)).await;
        let now = b.eval("return window.scrollY").await;
        if now == last {
            break;
        }
        last = now;
    }
    let first = "what-types-of-data-travel-between-the-konnect-control-plane-and-the-data-plane-nodes-and-how";
    b.eval(&format!("document.querySelector('#{first} > summary').scrollIntoView({{block: 'center', behavior: 'instant'}}); return true")).await;
    let summary = b
        .client
        .find(fantoccini::Locator::Css(&format!("#{first} > summary")))
        .await
        .unwrap();
    summary.click().await.unwrap();
    b.until(
        "the clicked FAQ to open",
        &format!("return document.getElementById('{first}').open === true"),
    )
    .await;
    let visible = b.eval(&format!("return document.querySelector('#{first} .faq-answer').getBoundingClientRect().height > 0")).await;
    assert_eq!(visible, true);

    // A FAQ's own link anchor opens it after navigation.
    b.client
        .goto(&format!("{url}/konnect-platform/network/"))
        .await
        .unwrap();
    b.eval(&format!(
        "document.querySelector('a.faq-link[href=\"#{id}\"]').click(); return true"
    ))
    .await;
    b.until(
        "the anchor to open its FAQ",
        &format!(
            "return document.getElementById('{id}').open === true && location.hash === '#{id}'"
        ),
    )
    .await;
    b.client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn phone_menu_opens_and_navigates() {
    crate::common::tools::requires!(Chromium, ChromeDriver, Axe);
    let (_server, url) = serve(&repo());
    let b = Browser::start(390, 844, &[]).await;
    b.client
        .goto(&format!("{url}/konnect-platform/network/"))
        .await
        .unwrap();
    assert_eq!(
        b.eval("return document.querySelector('.nav-details').open")
            .await,
        false,
        "the menu is folded on a phone"
    );
    let overflow = b
        .eval("return document.documentElement.scrollWidth <= window.innerWidth")
        .await;
    assert_eq!(
        overflow, true,
        "no horizontal page scroll on a phone (tables scroll inside their wrapper)"
    );
    b.client
        .find(fantoccini::Locator::Css(".nav-details > summary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.until(
        "the menu to open",
        "return document.querySelector('.nav-details').open === true",
    )
    .await;
    let current = b
        .eval("return document.querySelector('.site-nav a[aria-current=page]').textContent")
        .await;
    assert_eq!(current, "Networking in Konnect");
    b.client
        .find(fantoccini::Locator::Css(
            ".site-nav a[href='/konnect-platform/geos/']",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.until(
        "navigation to the geos page",
        "return location.pathname === '/konnect-platform/geos/'",
    )
    .await;
    b.client.close().await.unwrap();
}

/// The networking page (the calculator's) in both colour schemes: its background follows
/// the system setting, and axe-core finds nothing on it.
#[tokio::test(flavor = "multi_thread")]
async fn dark_mode_follows_the_system_setting() {
    crate::common::tools::requires!(Chromium, ChromeDriver, Axe);
    let (_server, url) = serve(&repo());
    let bg = |dark: bool| {
        let url = url.clone();
        async move {
            let flags = color_scheme(dark);
            let b = Browser::start(1200, 900, flags).await;
            b.client
                .goto(&format!("{url}/konnect-platform/network/"))
                .await
                .unwrap();
            let v = b.eval("const c = getComputedStyle(document.body).backgroundColor.match(/\\d+/g).map(Number); return c[0] + c[1] + c[2]").await;
            b.assert_axe_clean(&format!("dark: {dark}")).await;
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
    crate::common::tools::requires!(Chromium, ChromeDriver, Axe);
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_tree(&fixture("dialect"), &site);
    let (_server, url) = serve(&site);
    let b = Browser::start(1200, 900, &[]).await;
    b.client
        .goto(&format!("{url}/guide/dialect/"))
        .await
        .unwrap();
    b.until(
        "the live-reload connection to open",
        "return document.documentElement.dataset.portolanLive === 'open'",
    )
    .await;

    let page = site.join("content/guide/dialect.md");
    let text = std::fs::read_to_string(&page).unwrap();
    let epoch_ms = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs_f64()
            * 1000.0
    };
    let saved = epoch_ms();
    std::fs::write(
        &page,
        text.replace("## Variables and raw", "## Variables, reloaded"),
    )
    .unwrap();
    b.until(
        "the edit to appear without a manual reload",
        "return document.body.textContent.includes('Variables, reloaded')",
    )
    .await;
    // Measured in the page itself: when the reloaded document started and became ready.
    let nav = b.eval("const n = performance.getEntriesByType('navigation')[0]; return [performance.timeOrigin, performance.timeOrigin + n.domContentLoadedEventEnd]").await;
    let (start, ready) = (nav[0].as_f64().unwrap(), nav[1].as_f64().unwrap());
    eprintln!(
        "save to reload: reload started after {:.0} ms, page ready after {:.0} ms",
        start - saved,
        ready - saved
    );

    std::fs::write(
        &page,
        text.replace("{{site.product}} and", "{{site.produkt}} and"),
    )
    .unwrap();
    b.until(
        "the error page",
        "return document.body.textContent.includes('unknown site variable `site.produkt`')",
    )
    .await;
    let shown = b.eval("return document.body.textContent").await;
    assert!(shown
        .as_str()
        .unwrap()
        .contains("content/guide/dialect.md:30:3"));
    std::fs::write(&page, &text).unwrap();
    b.until(
        "recovery once the file is fixed",
        "return document.body.textContent.includes('Variables and raw')",
    )
    .await;
    b.client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn calculator_follows_what_the_reader_types() {
    crate::common::tools::requires!(Chromium, ChromeDriver, Axe);
    let (_server, url) = serve(&repo());
    let b = Browser::start(1300, 1000, &[]).await;
    b.client
        .goto(&format!("{url}/konnect-platform/network/"))
        .await
        .unwrap();
    b.until(
        "the calculator to bind (the form is shown)",
        "return !document.getElementById('calc').hidden",
    )
    .await;
    // ... under the page's Content-Security-Policy: no inline script, WebAssembly allowed.
    let csp = b
        .eval("return document.querySelector('meta[http-equiv=Content-Security-Policy]').content")
        .await;
    let csp = csp.as_str().unwrap();
    assert!(
        csp.contains("script-src 'self' 'wasm-unsafe-eval'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    // The policy is enforced, not only present: an injected inline script does not run (the
    // calculator above bound, so the WebAssembly module was allowed).
    let inline = b.eval("return [...document.scripts].filter(s => !s.src && !['application/ld+json', 'application/json'].includes(s.type)).length").await;
    assert_eq!(
        inline,
        serde_json::json!(0),
        "the page has inline script the CSP would block"
    );
    let ran = b.eval("const s = document.createElement('script'); s.textContent = 'window.__inlineRan = true'; document.head.appendChild(s); return window.__inlineRan === true").await;
    assert_eq!(
        ran,
        serde_json::Value::Bool(false),
        "the CSP lets inline script run"
    );

    // Choose a geo, type a prefix: results appear with no submit, and the URL follows.
    let geo = b
        .client
        .find(fantoccini::Locator::Id("calc-geo"))
        .await
        .unwrap();
    geo.select_by_value("eu").await.unwrap();
    let prefix = b
        .client
        .find(fantoccini::Locator::Id("calc-prefix"))
        .await
        .unwrap();
    prefix.send_keys("abc123").await.unwrap();
    b.until("the hostnames for eu/abc123", "return document.getElementById('calc-results-body').textContent.includes('abc123.eu.cp0.konghq.com:443')").await;
    let shown = b.eval("return [...document.querySelectorAll('#calc-results-body code')].map(c => c.textContent)").await;
    let shown: Vec<String> = serde_json::from_value(shown).unwrap();
    for want in [
        "cloud.konghq.com:443",
        "global.api.konghq.com:443",
        "eu.api.konghq.com:443",
        "abc123.eu.cp0.konghq.com:443",
        "abc123.eu.tp0.konghq.com:443",
        "eu.mesh.sync.konghq.com:443",
    ] {
        assert!(
            shown.iter().any(|s| s == want),
            "{want} not shown: {shown:?}"
        );
    }
    b.until(
        "the URL to follow the form",
        "return location.search.includes('geo=eu') && location.search.includes('prefix=abc123')",
    )
    .await;

    // The page and `portolan hosts` agree.
    let cli = portolan(&[
        "hosts",
        repo().to_str().unwrap(),
        "--geo",
        "eu",
        "--prefix",
        "abc123",
    ]);
    let cli: Vec<String> = String::from_utf8_lossy(&cli.stdout)
        .lines()
        .map(String::from)
        .collect();
    let complete: Vec<String> = shown
        .iter()
        .filter(|s| !s.contains("PORTAL_ID"))
        .cloned()
        .collect();
    assert_eq!(complete, cli, "page and CLI list the same hosts");

    // kong.conf export.
    b.eval("document.getElementById('calc-export').open = true; return true")
        .await;
    b.choose("#calc-export-format", "kong-conf").await;
    b.until("the kong.conf export", "return document.getElementById('calc-export-output').value.includes('cluster_control_plane = abc123.eu.cp0.konghq.com:443')").await;

    // Hostile input: refused inline, shown as text, nothing injected.
    prefix.clear().await.unwrap();
    prefix
        .send_keys("<img src=x onerror=\"window.pwned=1\">")
        .await
        .unwrap();
    b.until(
        "an inline validation message",
        "return document.getElementById('calc-prefix-error').textContent.length > 0",
    )
    .await;
    let injected = b
        .eval("return window.pwned === 1 || document.querySelectorAll('#calc img').length > 0")
        .await;
    assert_eq!(injected, false, "reader input never becomes markup");
    let live = b
        .eval("return document.getElementById('calc-prefix-error').getAttribute('aria-live')")
        .await;
    assert_eq!(live, "polite");

    // A shared URL pre-fills and computes on load.
    b.client
        .goto(&format!(
            "{url}/konnect-platform/network/?geo=au&prefix=shared1&portal=dev9"
        ))
        .await
        .unwrap();
    b.until("the shared URL's results", "return document.getElementById('calc-results-body').textContent.includes('dev9.au.portal.konghq.com:443')").await;
    assert_eq!(
        b.eval("return document.getElementById('calc-prefix').value")
            .await,
        "shared1"
    );
    assert_eq!(
        b.eval("return document.getElementById('calc-geo').value")
            .await,
        "au"
    );
    b.client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn without_javascript_the_tables_remain() {
    crate::common::tools::requires!(Chromium, ChromeDriver, Axe);
    let (_server, url) = serve(&repo());
    let b = Browser::start(1200, 900, &["--blink-settings=scriptEnabled=false"]).await;
    b.client
        .goto(&format!("{url}/konnect-platform/network/"))
        .await
        .unwrap();
    assert_eq!(b.eval("return 1").await, 1, "WebDriver scripts still run");
    let hidden = b
        .eval("return document.getElementById('calc').hidden")
        .await;
    assert_eq!(hidden, true, "the form stays hidden without JS/WASM");
    let text = b.eval("return document.body.innerText").await;
    assert!(text
        .as_str()
        .unwrap()
        .contains("CONTROL_PLANE_DNS_PREFIX.REGION.cp0.konghq.com"));
    b.client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn search_finds_pages_sections_and_works_from_the_keyboard() {
    crate::common::tools::requires!(Chromium, ChromeDriver, Axe);
    let (_server, url) = serve(&repo());
    let b = Browser::start(1300, 1000, &[]).await;
    b.client
        .goto(&format!("{url}/gateway/network/"))
        .await
        .unwrap();
    let input = b
        .client
        .find(fantoccini::Locator::Id("search-input"))
        .await
        .unwrap();
    input.send_keys("telemetry buff").await.unwrap();
    b.until(
        "results for a two-word query, the last word a prefix",
        "return document.querySelectorAll('#search-list li.search-result').length > 0",
    )
    .await;
    let first = b.eval("const r = document.querySelector('#search-list li.search-result'); return [r.querySelector('.search-result-title').textContent, r.querySelector('a').getAttribute('href'), r.querySelector('.search-result-snippet').textContent]").await;
    let first: Vec<String> = serde_json::from_value(first).unwrap();
    assert!(
        first[2].to_lowercase().contains("buffer"),
        "snippet shows the match: {first:?}"
    );
    assert!(
        b.eval("return document.querySelectorAll('#search-list mark').length > 0")
            .await
            == true,
        "matches are highlighted"
    );

    // Keyboard: ArrowDown to the first result, Enter opens it.
    input.send_keys("\u{E015}").await.unwrap(); // ArrowDown
    b.until(
        "focus on the first result",
        "return document.activeElement.classList.contains('search-result-link')",
    )
    .await;
    let href = b.eval("return document.activeElement.href").await;
    b.client
        .active_element()
        .await
        .unwrap()
        .send_keys("\u{E007}")
        .await
        .unwrap(); // Enter
    b.until(
        "navigation to the result",
        &format!("return location.href === {href}"),
    )
    .await;

    // ?search= on any page opens the results; Escape closes them.
    b.client
        .goto(&format!("{url}/konnect/?search=mesh"))
        .await
        .unwrap();
    b.until("results from the URL", "return !document.getElementById('search-results').hidden && document.querySelectorAll('#search-list li').length > 0").await;
    assert_eq!(
        b.eval("return document.getElementById('search-input').value")
            .await,
        "mesh"
    );
    b.client
        .find(fantoccini::Locator::Id("search-input"))
        .await
        .unwrap()
        .send_keys("\u{E00C}")
        .await
        .unwrap(); // Escape
    b.until(
        "the results to close",
        "return document.getElementById('search-results').hidden",
    )
    .await;
    b.client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn live_reload_connects_on_every_page_a_reader_opens() {
    // Pages the browser keeps for Back held their live-reload connections, and Chromium
    // opens six at most to one server: the sixth page waited a minute, then had none.
    crate::common::tools::requires!(Chromium, ChromeDriver);
    let (_server, url) = serve(&fixture("search"));
    let b = Browser::start(1000, 800, &[]).await;
    // A page of this small site loads at once; one that takes 20 s is stuck.
    b.client
        .update_timeouts(fantoccini::wd::TimeoutConfiguration::new(
            None,
            Some(std::time::Duration::from_secs(20)),
            None,
        ))
        .await
        .unwrap();
    for n in 0..9 {
        if let Err(e) = b.client.goto(&format!("{url}/?page={n}")).await {
            panic!("page {n} did not load: {e}");
        }
        b.until(
            &format!("page {n}'s live-reload connection to open"),
            "return document.documentElement.dataset.portolanLive === 'open'",
        )
        .await;
    }
    b.client.close().await.unwrap();
}
