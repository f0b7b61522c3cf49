//! The calculator in a real browser (headless Chrome through wasm-bindgen-test-runner):
//! `scripts/test-calculator` runs these. Each test mounts the rendered partial
//! (tests/fixtures/calculator.html, kept current by crates/endpoints/tests/partial.rs), binds
//! it, and drives it through DOM events as a reader would.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{Document, Element, Event, EventInit, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

const FIXTURE: &str = include_str!("fixtures/calculator.html");
const HOSTILE: &str = "<img src=x onerror=alert(1)>";

fn doc() -> Document {
    web_sys::window().unwrap().document().unwrap()
}

fn el(id: &str) -> Element {
    doc()
        .get_element_by_id(id)
        .unwrap_or_else(|| panic!("no #{id}"))
}

fn text(id: &str) -> String {
    el(id).text_content().unwrap_or_default()
}

fn value(id: &str) -> String {
    js_sys::Reflect::get(&el(id), &"value".into())
        .unwrap()
        .as_string()
        .unwrap()
}

/// Sets up the page URL's query, mounts a fresh calculator and binds it.
fn mount(query: &str) {
    let window = web_sys::window().unwrap();
    let path = window.location().pathname().unwrap();
    let url = if query.is_empty() {
        path
    } else {
        format!("{path}?{query}")
    };
    window
        .history()
        .unwrap()
        .replace_state_with_url(&JsValue::NULL, "", Some(&url))
        .unwrap();
    if let Some(old) = doc().get_element_by_id("calc-test-host") {
        old.remove();
    }
    let host = doc().create_element("div").unwrap();
    host.set_id("calc-test-host");
    host.set_inner_html(FIXTURE); // the trusted fixture, not reader data
    doc().body().unwrap().append_child(&host).unwrap();
    assert!(el("calc").has_attribute("hidden"), "hidden before binding");
    assert!(portolan_calculator::bind(), "bind() found the calculator");
    assert!(!el("calc").has_attribute("hidden"), "shown once bound");
}

/// Types `text` into a field the way a browser reports it: value, then a bubbling input event.
fn type_into(id: &str, text: &str) {
    js_sys::Reflect::set(&el(id), &"value".into(), &text.into()).unwrap();
    fire(id, "input");
}

fn fire(id: &str, event: &str) {
    let init = EventInit::new();
    init.set_bubbles(true);
    el(id)
        .dispatch_event(&Event::new_with_event_init_dict(event, &init).unwrap())
        .unwrap();
}

fn rows() -> Vec<String> {
    let list = el("calc-results-body").query_selector_all("tr").unwrap();
    (0..list.length())
        .map(|i| list.item(i).unwrap().text_content().unwrap_or_default())
        .collect()
}

fn copy_targets() -> Vec<String> {
    let list = el("calc-results-body")
        .query_selector_all("button[data-copy]")
        .unwrap();
    (0..list.length())
        .map(|i| {
            list.item(i)
                .unwrap()
                .unchecked_into::<Element>()
                .get_attribute("data-copy")
                .unwrap()
        })
        .collect()
}

fn search() -> String {
    web_sys::window().unwrap().location().search().unwrap()
}

#[wasm_bindgen_test]
fn typing_updates_results_and_url() {
    mount("");
    // Nothing typed yet: the fixed hosts are there, the rest wait for inputs.
    assert_eq!(
        copy_targets(),
        ["cloud.konghq.com:443", "global.api.konghq.com:443"]
    );
    assert!(
        text("calc-summary").starts_with("2 hosts to allow. 5 more need your geo"),
        "{}",
        text("calc-summary")
    );

    type_into("calc-geo", "eu");
    type_into("calc-prefix", "abc123");
    assert_eq!(
        copy_targets(),
        [
            "cloud.konghq.com:443",
            "global.api.konghq.com:443",
            "eu.api.konghq.com:443",
            "abc123.eu.cp0.konghq.com:443",
            "abc123.eu.tp0.konghq.com:443",
            "eu.mesh.sync.konghq.com:443",
        ]
    );
    let portal_row = rows()
        .into_iter()
        .find(|r| r.contains("PORTAL_ID"))
        .unwrap();
    assert!(
        portal_row.contains("PORTAL_ID.eu.portal.konghq.com:443"),
        "{portal_row}"
    );
    assert!(portal_row.contains("Needs your portal ID."), "{portal_row}");
    assert_eq!(search(), "?geo=eu&prefix=abc123");

    type_into("calc-prefix", "abc1234");
    assert!(copy_targets().contains(&"abc1234.eu.cp0.konghq.com:443".to_string()));
    type_into("calc-portal", "xyz");
    assert!(copy_targets().contains(&"xyz.eu.portal.konghq.com:443".to_string()));
    assert_eq!(text("calc-summary"), "7 hosts to allow.");
    assert_eq!(search(), "?geo=eu&prefix=abc1234&portal=xyz");
    let share = el("calc-share").get_attribute("href").unwrap();
    assert!(
        share.ends_with("?geo=eu&prefix=abc1234&portal=xyz#calc"),
        "{share}"
    );
    assert!(
        text("calc-other-ports").contains("port 8071 (TCP/UDP)"),
        "{}",
        text("calc-other-ports")
    );
    // Clearing a field drops it from the URL.
    type_into("calc-portal", "");
    assert_eq!(search(), "?geo=eu&prefix=abc1234");
}

#[wasm_bindgen_test]
fn validation_shows_next_to_the_field() {
    mount("geo=us");
    type_into("calc-prefix", "-abc");
    assert!(
        text("calc-prefix-error").contains("cannot start or end with a hyphen"),
        "{}",
        text("calc-prefix-error")
    );
    assert_eq!(
        el("calc-prefix").get_attribute("aria-invalid").as_deref(),
        Some("true")
    );
    assert_eq!(
        el("calc-prefix-error")
            .get_attribute("aria-live")
            .as_deref(),
        Some("polite")
    );
    assert_eq!(text("calc-portal-error"), "");
    assert!(rows().is_empty());
    assert_eq!(
        text("calc-summary"),
        "Fix the fields marked above to see the hostnames."
    );
    assert_eq!(value("calc-export-output"), "");

    type_into("calc-prefix", "abc.us.cp0.konghq.com");
    assert!(text("calc-prefix-error").contains("Enter only the part before the first dot (`abc`)"));

    type_into("calc-prefix", "abc");
    assert_eq!(text("calc-prefix-error"), "");
    assert_eq!(el("calc-prefix").get_attribute("aria-invalid"), None);
    assert_eq!(rows().len(), 7);
}

#[wasm_bindgen_test]
fn uppercase_is_folded_with_a_notice() {
    mount("geo=eu");
    type_into("calc-prefix", "ABC123");
    assert!(copy_targets().contains(&"abc123.eu.cp0.konghq.com:443".to_string()));
    assert!(
        text("calc-notices").contains("using `abc123` for `ABC123`"),
        "{}",
        text("calc-notices")
    );
    assert_eq!(text("calc-prefix-error"), "");
}

#[wasm_bindgen_test]
fn hostile_input_is_shown_as_text() {
    mount("geo=eu");
    let images_before = doc().images().length();
    type_into("calc-prefix", HOSTILE);
    type_into("calc-portal", "\"><script>alert(1)</script>");
    assert!(
        text("calc-prefix-error").contains("not a space")
            || text("calc-prefix-error").contains("`<`"),
        "{}",
        text("calc-prefix-error")
    );
    assert!(
        !text("calc-prefix-error").contains("img"),
        "the reader's markup is not echoed"
    );
    assert_eq!(
        doc().images().length(),
        images_before,
        "no <img> was created"
    );
    assert!(el("calc")
        .query_selector("script:not([type='application/json'])")
        .unwrap()
        .is_none());
    assert_eq!(
        value("calc-prefix"),
        HOSTILE,
        "the field keeps what was typed"
    );
    // The URL carries it encoded, and reading it back pre-fills the same text.
    let query = search();
    assert!(!query.contains('<') && !query.contains('"'), "{query}");
    mount(query.trim_start_matches('?'));
    assert_eq!(value("calc-prefix"), HOSTILE);
    assert_eq!(doc().images().length(), images_before);

    // A hostile geo from a link is reported without echoing it.
    mount("geo=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E&prefix=abc");
    assert!(text("calc-geo-error")
        .starts_with("That is not a geo on this page. Choose one of: au, eu, me, in, us."));
    assert_eq!(doc().images().length(), images_before);
    // Picking a geo replaces the link's.
    type_into("calc-geo", "au");
    assert_eq!(text("calc-geo-error"), "");
    assert!(copy_targets().contains(&"abc.au.cp0.konghq.com:443".to_string()));
}

#[wasm_bindgen_test]
fn very_long_input_is_rejected_quickly() {
    mount("geo=eu");
    type_into("calc-prefix", &"a".repeat(100_000));
    let error = text("calc-prefix-error");
    assert!(
        error.contains("100000 characters long") && error.len() < 200,
        "{error}"
    );
    type_into("calc-prefix", &"<".repeat(100_000));
    assert!(text("calc-prefix-error").len() < 200);
}

#[wasm_bindgen_test]
fn url_parameters_prefill_and_compute() {
    mount("geo=eu&prefix=abc123&portal=xyz");
    assert_eq!(value("calc-geo"), "eu");
    assert_eq!(value("calc-prefix"), "abc123");
    assert_eq!(value("calc-portal"), "xyz");
    assert_eq!(copy_targets().len(), 7);
    assert!(copy_targets().contains(&"xyz.eu.portal.konghq.com:443".to_string()));

    mount("geo=zz&prefix=abc");
    assert!(text("calc-geo-error")
        .contains("`zz` is not a geo on this page. Choose one of: au, eu, me, in, us."));

    // Other parameters and the hash survive the URL following the form.
    mount("utm=1&geo=me");
    type_into("calc-prefix", "p");
    assert_eq!(search(), "?utm=1&geo=me&prefix=p");
    assert!(text("calc-notices").contains("only for au, eu, us, global, so it is left out for me"));
}

#[wasm_bindgen_test]
fn exports_follow_the_format() {
    mount("geo=eu&prefix=abc123");
    let allowlist = value("calc-export-output");
    assert!(
        allowlist.starts_with("cloud.konghq.com:443\nglobal.api.konghq.com:443\n"),
        "{allowlist}"
    );
    assert!(!allowlist.contains("PORTAL_ID"));
    let download = el("calc-export-download");
    assert_eq!(
        download.get_attribute("download").as_deref(),
        Some("allowlist.txt")
    );
    assert!(download
        .get_attribute("href")
        .unwrap()
        .starts_with("data:text/plain;charset=utf-8,cloud.konghq.com%3A443"));

    type_into("calc-export-format", "kong-conf");
    fire("calc-export-format", "change");
    let conf = value("calc-export-output");
    assert!(
        conf.contains("cluster_control_plane = abc123.eu.cp0.konghq.com:443\n"),
        "{conf}"
    );
    assert!(
        conf.contains("cluster_telemetry_server_name = abc123.eu.tp0.konghq.com\n"),
        "{conf}"
    );
    assert_eq!(
        download.get_attribute("download").as_deref(),
        Some("kong.conf")
    );

    type_into("calc-export-format", "csv");
    fire("calc-export-format", "change");
    // A textarea's value reports line ends as LF; the download keeps the CSV's CRLF.
    assert!(value("calc-export-output").starts_with("hostname,port,protocol,purpose,needs\n"));
    assert!(download.get_attribute("href").unwrap().starts_with(
        "data:text/csv;charset=utf-8,hostname%2Cport%2Cprotocol%2Cpurpose%2Cneeds%0D%0A"
    ));

    type_into("calc-export-format", "json");
    fire("calc-export-format", "change");
    let json = js_sys::JSON::parse(&value("calc-export-output")).unwrap();
    let endpoints = js_sys::Reflect::get(&json, &"endpoints".into()).unwrap();
    assert_eq!(js_sys::Array::from(&endpoints).length(), 7);

    // Invalid input empties the export rather than showing stale hosts.
    type_into("calc-prefix", "a_b");
    assert_eq!(value("calc-export-output"), "");
    assert_eq!(download.get_attribute("href"), None);
    assert_eq!(
        download.get_attribute("aria-disabled").as_deref(),
        Some("true")
    );
}

async fn tick(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

/// The status text once it is not `before`, polled every 25 ms until a generous deadline
/// (a loaded machine takes its time; a fixed wait either wastes it or is too short).
async fn status_after(before: &str) -> String {
    for _ in 0..400 {
        let now = text("calc-status");
        if now != before && !now.is_empty() {
            return now;
        }
        tick(25).await;
    }
    text("calc-status")
}

#[wasm_bindgen_test]
async fn copy_buttons_report() {
    mount("geo=eu&prefix=abc123");
    let button = el("calc-results-body")
        .query_selector("button[data-copy]")
        .unwrap()
        .unwrap();
    assert_eq!(
        button.get_attribute("aria-label").as_deref(),
        Some("Copy cloud.konghq.com:443")
    );
    let before = text("calc-status");
    button.unchecked_into::<HtmlElement>().click();
    let status = status_after(&before).await;
    // Headless Chrome may refuse the clipboard (no user gesture/permission): then the text is
    // offered for manual copying.
    assert!(
        status == "Copied cloud.konghq.com:443."
            || status == "Could not copy to the clipboard. Select and copy this text: cloud.konghq.com:443",
        "{status}"
    );

    let before = text("calc-status");
    el("calc-copy-all").unchecked_into::<HtmlElement>().click();
    let status = status_after(&before).await;
    assert!(
        status == "Copied 6 hosts."
            || status.starts_with("Could not copy to the clipboard. The text is selected"),
        "{status}"
    );
    if status.starts_with("Could not") {
        assert!(el("calc-export").has_attribute("open"));
        assert!(value("calc-export-output").starts_with("cloud.konghq.com:443\n"));
    }
}

#[wasm_bindgen_test]
fn enter_does_not_submit() {
    mount("geo=eu");
    let init = EventInit::new();
    init.set_bubbles(true);
    init.set_cancelable(true);
    let ev = Event::new_with_event_init_dict("submit", &init).unwrap();
    el("calc-form").dispatch_event(&ev).unwrap();
    assert!(ev.default_prevented());
}

#[wasm_bindgen_test]
fn binding_twice_is_harmless() {
    mount("geo=eu&prefix=abc");
    assert!(portolan_calculator::bind());
    type_into("calc-prefix", "def");
    assert_eq!(rows().len(), 7);
}

#[wasm_bindgen_test]
fn allocator_survives_churn() {
    // The bundle's own allocator: many sizes, freed and reused, contents intact.
    let mut kept: Vec<Vec<u8>> = Vec::new();
    for round in 0..200usize {
        let size = (round * 7919) % 70_000 + 1;
        let mut v = vec![(round % 251) as u8; size];
        v.push(1);
        if round % 3 == 0 {
            kept.push(v);
        }
        if round % 5 == 0 && !kept.is_empty() {
            kept.remove(0);
        }
    }
    for v in &kept {
        let fill = v[0];
        assert!(v[..v.len() - 1].iter().all(|b| *b == fill));
    }
    let mut s = String::new();
    for i in 0..10_000 {
        s.push(char::from(b'a' + (i % 26) as u8));
    }
    assert_eq!(s.len(), 10_000);
}
