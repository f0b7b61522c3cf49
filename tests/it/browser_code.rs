//! Code blocks and diagrams as a reader meets them, in headless Chromium: the copy button
//! used by keyboard (what it copies, "Copied" announced), none without JavaScript or where
//! a block opts out; build-time diagrams and the one mermaid.js draws; axe-core over both
//! pages, light and dark, desktop and phone.

use crate::common::browser::{color_scheme, serve, Browser};
use crate::common::*;

/// Replaces the clipboard with a recorder: the real one needs a permission prompt to be
/// read back, and what matters here is what the button hands it.
const RECORD_CLIPBOARD: &str = "window.copied = []; navigator.clipboard.writeText = t => { window.copied.push(t); return Promise.resolve(); }; return true";

#[tokio::test(flavor = "multi_thread")]
async fn copy_buttons_work_by_keyboard_and_copy_commands_only() {
    crate::common::tools::requires!(Chromium, ChromeDriver, Axe);
    let (_server, url) = serve(&fixture("code"));
    let b = Browser::start(1200, 900, &[]).await;
    b.client.goto(&format!("{url}/guide/code/")).await.unwrap();
    b.until(
        "copy.js to add the buttons",
        "return document.querySelectorAll('.copy-code').length === 6",
    )
    .await;
    assert_eq!(
        b.eval("return document.querySelector('.no-copy-code .copy-code') === null")
            .await,
        true,
        "{{:.no-copy-code}} opts a block out"
    );
    assert_eq!(
        b.eval("return [...document.querySelectorAll('.copy-code')].map(b => b.getAttribute('aria-label'))").await,
        serde_json::json!(["Copy bash code", "Copy yaml code", "Copy hcl code", "Copy json code", "Copy console code", "Copy code"])
    );
    b.eval(RECORD_CLIPBOARD).await;

    // Focus the first button, then Tab to the next: buttons are in the tab order.
    b.eval("document.querySelector('.copy-code').focus(); return true")
        .await;
    let active = |b: &Browser| {
        let c = b.client.clone();
        async move { c.active_element().await.unwrap() }
    };
    active(&b).await.send_keys("\u{E004}").await.unwrap(); // Tab
    b.until(
        "focus on the YAML block's button",
        "return document.activeElement.getAttribute('aria-label') === 'Copy yaml code'",
    )
    .await;
    // Enter on a button copies its block.
    active(&b).await.send_keys("\u{E007}").await.unwrap(); // Enter
    b.until("the YAML copied", "return window.copied.length === 1")
        .await;
    assert_eq!(
        b.eval("return window.copied[0]").await,
        "_format_version: \"3.0\"\nservices:\n  - name: example  # a comment\n    url: http://httpbin.konghq.com\n    retries: 5"
    );
    b.until(
        "the button to say Copied",
        "return document.activeElement.textContent === 'Copied'",
    )
    .await;
    // The status region tells screen readers.
    assert_eq!(
        b.eval("return document.querySelector('.copy-status[role=status]').textContent")
            .await,
        "Copied"
    );
    b.until(
        "the button to read Copy again",
        "return document.activeElement.textContent === 'Copy'",
    )
    .await;

    // A transcript: the commands, without prompts or output.
    b.eval("document.querySelector('[aria-label=\"Copy console code\"]').focus(); return true")
        .await;
    active(&b).await.send_keys(" ").await.unwrap(); // Space presses a button too
    b.until("the transcript copied", "return window.copied.length === 2")
        .await;
    assert_eq!(
        b.eval("return window.copied[1]").await,
        "curl -i http://localhost:8001/ \\\n    -H 'Accept: application/json'\nkong health"
    );
    b.client.close().await.unwrap();

    // Without JavaScript there is no button: the page as served has none.
    let html = http_response(url.trim_start_matches("http://"), "/guide/code/");
    assert!(html.contains("class=\"code-block"), "the blocks are there");
    assert!(
        !html.contains("class=\"copy-code"),
        "no button in the HTML itself"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn diagrams_show_and_pages_pass_axe_light_and_dark() {
    crate::common::tools::requires!(Chromium, ChromeDriver, Axe);
    let (_server, url) = serve(&fixture("code"));
    for (width, height, dark) in [(1280, 900, false), (390, 844, true)] {
        let extra = color_scheme(dark);
        let b = Browser::start(width, height, extra).await;
        b.client
            .goto(&format!("{url}/guide/diagrams/"))
            .await
            .unwrap();
        b.until(
            "mermaid.js to draw the diagram left to it",
            "return document.querySelector('.diagram-drawn svg') !== null && document.querySelector('.diagram-source') === null",
        )
        .await;
        // Build-time drawings scale to the column: never wider than it.
        let fits = b.eval("return [...document.querySelectorAll('figure.diagram svg')].every(s => s.getBoundingClientRect().width <= s.closest('.prose').getBoundingClientRect().width + 1)").await;
        assert_eq!(fits, true, "diagrams fit the column at {width}px");
        assert_eq!(
            b.eval(
                "return document.querySelectorAll('svg.diagram-svg[role=img][aria-label]').length"
            )
            .await,
            3
        );
        for page in ["/guide/diagrams/", "/guide/code/"] {
            if page != "/guide/diagrams/" {
                b.client.goto(&format!("{url}{page}")).await.unwrap();
                b.until(
                    "copy buttons",
                    "return document.querySelectorAll('.copy-code').length === 6",
                )
                .await;
            }
            b.assert_axe_clean(&format!("{page} at {width}px (dark: {dark})"))
                .await;
        }
        // The check itself can fail: a token too faint for its background is caught.
        let faint = if dark { "#4a4f55" } else { "#b8bcc2" };
        b.eval(&format!(
            "document.querySelector('.code-block .k').style.color = '{faint}'; return true"
        ))
        .await;
        let caught = b.axe().await;
        assert!(
            caught.iter().any(|v| v.starts_with("color-contrast")),
            "{caught:?}"
        );
        b.client.close().await.unwrap();
    }
}
