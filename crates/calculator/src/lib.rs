//! The hostname calculator's browser UI: binds the form that `theme/templates/calculator.html`
//! renders, reads the page's [`CalculatorSpec`] from
//! `<script type="application/json" id="portolan-calculator-data">`, and shows the expansion
//! as the reader types. Reader data only reaches the page through `textContent`, form values
//! and attribute values, never through HTML parsing.
//!
//! Size matters here (the bundle budget is 60 KB of wasm + JS glue): the spec is read with the
//! browser's `JSON.parse` rather than serde_json, plain properties go through `Reflect` instead
//! of one generated JS import per property, one event listener serves the whole widget, and a
//! small allocator ([`heap`]) replaces dlmalloc. Element ids are listed in `README.md`.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Function, Reflect, JSON};
use portolan_endpoints::{
    CalculatorSpec, Endpoint, Expansion, Format, Geo, HostTemplate, Input, InputError, Inputs,
    PortBasis, PortFact, Role, Template,
};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, Event};

#[cfg(target_arch = "wasm32")]
mod heap;

#[cfg(target_arch = "wasm32")]
#[global_allocator]
static HEAP: heap::Heap = heap::Heap::new();

/// The id of the `<script type="application/json">` that holds the spec.
pub const DATA_ID: &str = "portolan-calculator-data";

/// Element ids the UI binds (see README.md).
pub mod ids {
    /// The calculator's `<section>` (has `hidden` until bound).
    pub const ROOT: &str = "calc";
    /// The `<form>`.
    pub const FORM: &str = "calc-form";
    /// The live summary line ("7 hosts to allow").
    pub const SUMMARY: &str = "calc-summary";
    /// The `<ul>` of notices.
    pub const NOTICES: &str = "calc-notices";
    /// The results `<tbody>`.
    pub const RESULTS_BODY: &str = "calc-results-body";
    /// The paragraph about ports without a host.
    pub const OTHER_PORTS: &str = "calc-other-ports";
    /// The "Copy allowlist" button.
    pub const COPY_ALL: &str = "calc-copy-all";
    /// The shareable link.
    pub const SHARE: &str = "calc-share";
    /// The export `<details>`.
    pub const EXPORT: &str = "calc-export";
    /// The export format `<select>`.
    pub const EXPORT_FORMAT: &str = "calc-export-format";
    /// The export `<textarea>`.
    pub const EXPORT_OUTPUT: &str = "calc-export-output";
    /// The export "Copy" button.
    pub const EXPORT_COPY: &str = "calc-export-copy";
    /// The export "Download" link.
    pub const EXPORT_DOWNLOAD: &str = "calc-export-download";
    /// The status line for copy feedback (`role=status`).
    pub const STATUS: &str = "calc-status";

    /// The id of an input's field: `calc-geo`, `calc-prefix`, `calc-portal`.
    pub fn field(input: portolan_endpoints::Input) -> String {
        super::cat(&["calc-", input.id()])
    }

    /// The id of an input's error element: `calc-geo-error`, `calc-prefix-error`, ...
    pub fn error(input: portolan_endpoints::Input) -> String {
        super::cat(&["calc-", input.id(), "-error"])
    }
}

/// Binds the calculator when the page has one. Runs when the module is instantiated.
#[wasm_bindgen(start)]
pub fn start() {
    bind();
}

/// Binds the calculator in the current document: reads the spec, pre-fills the form from the
/// URL (`?geo=eu&prefix=abc123&portal=xyz`), computes, and shows the section. Returns false
/// (and leaves the section hidden) when the page has no calculator or its data is unreadable.
/// Binding an already bound calculator does nothing and returns true.
#[wasm_bindgen]
pub fn bind() -> bool {
    let doc: Document = prop(&js_sys::global(), "document").unchecked_into();
    let Some(data) = doc.get_element_by_id(DATA_ID) else {
        return false;
    };
    let Some(spec) = prop_str(&data, "textContent")
        .and_then(|t| JSON::parse(&t).ok())
        .and_then(|v| read_spec(&v))
    else {
        return false;
    };
    let Some(root) = doc.get_element_by_id(ids::ROOT) else {
        return false;
    };
    if doc.get_element_by_id(ids::FORM).is_none() {
        return false;
    }
    if root.get_attribute("data-bound").is_some() {
        return true;
    }
    attr(&root, "data-bound", Some(""));
    let ui = Rc::new(Ui {
        spec,
        doc,
        pending: RefCell::new(None),
        settle: RefCell::new(None),
        url_geo: RefCell::new(None),
        last: RefCell::new(None),
    });
    ui.prefill_from_url();
    // One listener for the whole widget (these events bubble to the section), and two
    // callbacks for clipboard promises, all of one closure type (each type costs code).
    let (ok, err) = (ui.clone(), ui.clone());
    ui.settle.replace(Some((
        Closure::new(move |_: JsValue| ok.copied(true)),
        Closure::new(move |_: JsValue| err.copied(false)),
    )));
    let u = ui.clone();
    let closure: Callback = Closure::new(move |ev: JsValue| u.handle(&ev.unchecked_into()));
    for event in ["input", "change", "click", "submit"] {
        let _ = root.add_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
    }
    closure.forget();
    ui.update();
    attr(&root, "hidden", None);
    true
}

// ---- Small helpers (no core::fmt: it costs kilobytes in the bundle) ----

fn cat(parts: &[&str]) -> String {
    let mut s = String::new();
    for p in parts {
        s.push_str(p);
    }
    s
}

/// Appends `item` to `s`, with `sep` before it unless `s` is empty.
fn push_sep(s: &mut String, sep: &str, item: &str) {
    if !s.is_empty() {
        s.push_str(sep);
    }
    s.push_str(item);
}

fn decimal(mut n: usize) -> String {
    let mut digits = Vec::new();
    loop {
        digits.push(b'0' + (n % 10) as u8);
        n /= 10;
        if n == 0 {
            break;
        }
    }
    digits.iter().rev().map(|d| *d as char).collect()
}

fn prop(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn prop_str(obj: &JsValue, key: &str) -> Option<String> {
    prop(obj, key).as_string()
}

fn set_prop(obj: &JsValue, key: &str, value: &str) {
    let _ = Reflect::set(obj, &JsValue::from_str(key), &JsValue::from_str(value));
}

/// Calls a method that takes no arguments (`focus`, `select`).
fn call0(obj: &JsValue, method: &str) {
    if let Ok(f) = prop(obj, method).dyn_into::<Function>() {
        let _ = f.call0(obj);
    }
}

/// Sets an attribute, or removes it when `value` is `None`.
#[inline(never)]
fn attr(el: &Element, name: &str, value: Option<&str>) {
    let _ = match value {
        Some(v) => el.set_attribute(name, v),
        None => el.remove_attribute(name),
    };
}

/// The one closure type the module hands to JS (event listener and promise callbacks).
type Callback = Closure<dyn FnMut(JsValue)>;

/// What a copy is, and what to say when it is done or fails.
struct CopyJob {
    text: String,
    done: String,
    /// Said when the clipboard fails; empty means "fill and select the export box instead".
    failed: String,
}

struct Ui {
    spec: CalculatorSpec,
    doc: Document,
    /// The copy in flight, and the promise callbacks that report on it.
    pending: RefCell<Option<CopyJob>>,
    settle: RefCell<Option<(Callback, Callback)>>,
    /// A geo from the URL that is not on the page, reported until the reader picks a geo.
    url_geo: RefCell<Option<String>>,
    /// The last successful expansion.
    last: RefCell<Option<Expansion>>,
}

impl Ui {
    fn el(&self, id: &str) -> Option<Element> {
        self.doc.get_element_by_id(id)
    }

    /// Sets an element's text; an unchanged live region is left alone so screen readers do not
    /// repeat it on every keystroke.
    fn set_text(&self, id: &str, text: &str) {
        if let Some(el) = self.el(id) {
            if prop_str(&el, "textContent").as_deref() != Some(text) {
                set_prop(&el, "textContent", text);
            }
        }
    }

    fn status(&self, text: &str) {
        self.set_text(ids::STATUS, text);
    }

    fn value(&self, id: &str) -> Option<String> {
        self.el(id).and_then(|el| prop_str(&el, "value"))
    }

    /// Appends a new `<tag class=class>text</tag>` to `parent` (no class when `class` is
    /// empty) and returns it.
    #[inline(never)]
    fn add(&self, parent: &Element, tag: &str, class: &str, text: &str) -> Option<Element> {
        let el = self.doc.create_element(tag).ok()?;
        if !class.is_empty() {
            attr(&el, "class", Some(class));
        }
        set_prop(&el, "textContent", text);
        parent.append_child(&el).ok()?;
        Some(el)
    }

    fn prefill_from_url(&self) {
        let search = prop_str(&prop(&js_sys::global(), "location"), "search").unwrap_or_default();
        for (key, value) in query_pairs(&search) {
            let Some(input) = Input::from_id(&key) else {
                continue;
            };
            let Some(field) = self.el(&ids::field(input)) else {
                continue;
            };
            set_prop(&field, "value", &value);
            if input == Input::Geo
                && !value.is_empty()
                && prop_str(&field, "value").as_deref() != Some(value.as_str())
            {
                // A select cannot hold a value it has no option for: remember it, so the reader is
                // told that the link's geo is not on the page.
                self.url_geo.replace(Some(value));
            }
        }
    }

    fn inputs(&self) -> Inputs {
        let geo = self
            .url_geo
            .borrow()
            .clone()
            .or_else(|| self.value(&ids::field(Input::Geo)));
        Inputs {
            geo,
            prefix: self.value(&ids::field(Input::Prefix)),
            portal: self.value(&ids::field(Input::Portal)),
        }
    }

    fn handle(&self, ev: &Event) {
        let target = prop(ev, "target").dyn_into::<Element>().ok();
        let id = target
            .as_ref()
            .and_then(|t| t.get_attribute("id"))
            .unwrap_or_default();
        match prop_str(ev, "type").as_deref() {
            Some("submit") => ev.prevent_default(),
            Some("input") if id.starts_with("calc-") && id != ids::EXPORT_FORMAT => {
                if id == ids::field(Input::Geo) {
                    self.url_geo.replace(None);
                }
                self.update();
            }
            Some("change") if id == ids::EXPORT_FORMAT => self.update_export(),
            Some("click") => {
                let Some(button) = target.and_then(|t| t.closest("button").ok().flatten()) else {
                    return;
                };
                let id = button.get_attribute("id").unwrap_or_default();
                if let Some(text) = button.get_attribute("data-copy") {
                    let done = cat(&["Copied ", &text, "."]);
                    let failed = cat(&[
                        "Could not copy to the clipboard. Select and copy this text: ",
                        &text,
                    ]);
                    self.copy(CopyJob { text, done, failed });
                } else if id == ids::COPY_ALL || id == ids::EXPORT_COPY {
                    let job = match self.last.borrow().as_ref() {
                        None => None,
                        Some(x) if id == ids::COPY_ALL => {
                            let n = x.complete().count();
                            let done = cat(&[
                                "Copied ",
                                &decimal(n),
                                if n == 1 { " host." } else { " hosts." },
                            ]);
                            Some(CopyJob {
                                text: x.to_allowlist(),
                                done,
                                failed: String::new(),
                            })
                        }
                        Some(x) => Some(CopyJob {
                            text: x.export(self.format()),
                            done: "Copied the export.".into(),
                            failed: String::new(),
                        }),
                    };
                    match job {
                        Some(job) => self.copy(job),
                        None => self.status("Nothing to copy yet: fix the fields marked above."),
                    }
                }
            }
            _ => {}
        }
    }

    fn update(&self) {
        let inputs = self.inputs();
        let result = self.spec.expand(&inputs);
        let errors: &[InputError] = match &result {
            Ok(_) => &[],
            Err(e) => e,
        };
        for input in Input::ALL {
            let mut message = String::new();
            for e in errors.iter().filter(|e| e.field == input) {
                push_sep(&mut message, " ", &e.message);
            }
            self.set_text(&ids::error(input), &message);
            if let Some(field) = self.el(&ids::field(input)) {
                attr(
                    &field,
                    "aria-invalid",
                    (!message.is_empty()).then_some("true"),
                );
            }
        }
        self.clear_results();
        match result {
            Ok(x) => {
                self.render(&x);
                self.last.replace(Some(x));
            }
            Err(_) => {
                self.last.replace(None);
                self.set_text(
                    ids::SUMMARY,
                    "Fix the fields marked above to see the hostnames.",
                );
            }
        }
        self.update_export();
        self.update_url(&inputs);
    }

    fn clear_results(&self) {
        for id in [ids::RESULTS_BODY, ids::NOTICES] {
            if let Some(el) = self.el(id) {
                set_prop(&el, "textContent", "");
            }
        }
        self.set_text(ids::OTHER_PORTS, "");
    }

    fn render(&self, x: &Expansion) {
        if let Some(body) = self.el(ids::RESULTS_BODY) {
            for e in &x.endpoints {
                self.row(&body, e);
            }
        }
        if let Some(list) = self.el(ids::NOTICES) {
            for n in &x.notices {
                if let Some(li) = self.add(&list, "li", "", &n.message) {
                    attr(&li, "data-field", n.field.map(Input::id));
                }
            }
        }
        let mut other = String::new();
        for p in &x.other_ports {
            push_sep(&mut other, " ", &other_port_text(p));
        }
        self.set_text(ids::OTHER_PORTS, &other);
        self.set_text(ids::SUMMARY, &summary(x));
    }

    fn row(&self, body: &Element, e: &Endpoint) -> Option<()> {
        let tr = self.add(
            body,
            "tr",
            if e.needs.is_some() {
                "calc-incomplete"
            } else {
                ""
            },
            "",
        )?;
        let host = self.add(&tr, "td", "calc-host", "")?;
        let hp = e.host_port();
        self.add(&host, "code", "", &hp)?;
        if let Some(needs) = e.needs {
            attr(&tr, "data-needs", Some(needs.id()));
            self.add(
                &host,
                "span",
                "calc-needs",
                &cat(&["Needs your ", needs.human(), "."]),
            )?;
        }
        self.add(
            &tr,
            "td",
            "",
            if e.protocol.is_empty() {
                "Not stated"
            } else {
                &e.protocol
            },
        )?;
        self.add(
            &tr,
            "td",
            "",
            if e.purpose.is_empty() {
                "The page does not say."
            } else {
                &e.purpose
            },
        )?;
        let copy = self.add(&tr, "td", "", "")?;
        if e.needs.is_none() {
            let button = self.add(&copy, "button", "calc-copy", "Copy")?;
            attr(&button, "type", Some("button"));
            attr(&button, "aria-label", Some(&cat(&["Copy ", &hp])));
            attr(&button, "data-copy", Some(&hp));
        }
        Some(())
    }

    fn format(&self) -> Format {
        self.value(ids::EXPORT_FORMAT)
            .and_then(|v| Format::from_id(&v))
            .unwrap_or(Format::Allowlist)
    }

    fn update_export(&self) {
        let format = self.format();
        let text = self
            .last
            .borrow()
            .as_ref()
            .map(|x| x.export(format))
            .unwrap_or_default();
        if let Some(out) = self.el(ids::EXPORT_OUTPUT) {
            set_prop(&out, "value", &text);
        }
        if let Some(a) = self.el(ids::EXPORT_DOWNLOAD) {
            let href = (!text.is_empty()).then(|| {
                cat(&[
                    "data:",
                    format.media_type(),
                    ";charset=utf-8,",
                    &String::from(js_sys::encode_uri_component(&text)),
                ])
            });
            attr(&a, "aria-disabled", text.is_empty().then_some("true"));
            attr(&a, "href", href.as_deref());
            attr(&a, "download", Some(format.file_name()));
        }
    }

    /// Makes the address bar follow the form (`history.replaceState`, keeping other query
    /// parameters and the hash), and points the share link at the same URL.
    fn update_url(&self, inputs: &Inputs) {
        let global = js_sys::global();
        let location = prop(&global, "location");
        let search = prop_str(&location, "search").unwrap_or_default();
        let path = prop_str(&location, "pathname").unwrap_or_default();
        let hash = prop_str(&location, "hash").unwrap_or_default();
        // Keep the query's other parameters; ours follow them.
        let mut query = String::new();
        for pair in search.strip_prefix('?').unwrap_or(&search).split('&') {
            let key = pair.split_once('=').map_or(pair, |(k, _)| k);
            if !pair.is_empty() && Input::from_id(key).is_none() {
                push_sep(&mut query, "&", pair);
            }
        }
        for input in Input::ALL {
            if let Some(v) = inputs.get(input).map(str::trim).filter(|v| !v.is_empty()) {
                push_sep(
                    &mut query,
                    "&",
                    &cat(&[
                        input.id(),
                        "=",
                        &String::from(js_sys::encode_uri_component(v)),
                    ]),
                );
            }
        }
        if !query.is_empty() {
            query.insert(0, '?');
        }
        if query != search {
            let history: web_sys::History = prop(&global, "history").unchecked_into();
            let _ = history.replace_state_with_url(
                &JsValue::NULL,
                "",
                Some(&cat(&[&path, &query, &hash])),
            );
        }
        if let Some(a) = self.el(ids::SHARE) {
            attr(&a, "href", Some(&cat(&[&path, &query, "#", ids::ROOT])));
        }
    }

    /// Copies the job's text with `navigator.clipboard`, and reports in the status line.
    fn copy(&self, job: CopyJob) {
        let clipboard = prop(&prop(&js_sys::global(), "navigator"), "clipboard");
        let promise = (!clipboard.is_undefined() && !clipboard.is_null()).then(|| {
            clipboard
                .unchecked_into::<web_sys::Clipboard>()
                .write_text(&job.text)
        });
        self.pending.replace(Some(job));
        match (promise, self.settle.borrow().as_ref()) {
            (Some(promise), Some((ok, err))) => {
                let _ = promise.then2(ok, err);
            }
            _ => self.copied(false),
        }
    }

    fn copied(&self, ok: bool) {
        let Some(job) = self.pending.take() else {
            return;
        };
        if ok {
            self.status(&job.done);
        } else if !job.failed.is_empty() {
            self.status(&job.failed);
        } else {
            if let Some(out) = self.el(ids::EXPORT_OUTPUT) {
                set_prop(&out, "value", &job.text);
                if let Some(details) = self.el(ids::EXPORT) {
                    attr(&details, "open", Some(""));
                }
                call0(&out, "focus");
                call0(&out, "select");
            }
            self.status("Could not copy to the clipboard. The text is selected in the export box: press Ctrl+C (or Cmd+C) to copy it.");
        }
    }
}

/// The `key=value` pairs of a query string, decoded (`+` is a space); undecodable values are
/// skipped.
fn query_pairs(search: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for pair in search
        .strip_prefix('?')
        .unwrap_or(search)
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let decode = |s: &str| {
            js_sys::decode_uri_component(&s.replace('+', " "))
                .ok()
                .map(String::from)
        };
        if let (Some(k), Some(v)) = (decode(k), decode(v)) {
            out.push((k, v));
        }
    }
    out
}

fn summary(x: &Expansion) -> String {
    let complete = x.complete().count();
    let incomplete = x.endpoints.len() - complete;
    let mut s = cat(&[
        &decimal(complete),
        if complete == 1 {
            " host to allow."
        } else {
            " hosts to allow."
        },
    ]);
    if incomplete > 0 {
        let mut needed = String::new();
        for input in Input::ALL {
            if x.endpoints.iter().any(|e| e.needs == Some(input)) {
                push_sep(&mut needed, " or ", input.human());
            }
        }
        let verb = if incomplete == 1 {
            " more needs your "
        } else {
            " more need your "
        };
        s.push_str(&cat(&[" ", &decimal(incomplete), verb, &needed, "."]));
    }
    s
}

fn other_port_text(p: &PortFact) -> String {
    let mut protocols = String::new();
    for proto in &p.protocols {
        push_sep(&mut protocols, "/", proto);
    }
    let mut s = cat(&["The page also lists port ", &decimal(p.port.into())]);
    if !protocols.is_empty() {
        s.push_str(&cat(&[" (", &protocols, ")"]));
    }
    if !p.description.is_empty() {
        s.push_str(&cat(&[
            ": ",
            p.description.strip_suffix('.').unwrap_or(&p.description),
        ]));
    }
    s.push_str(". It names no hostname for it.");
    s
}

// ---- Reading the spec from the parsed JSON (JSON.parse + Reflect, no serde_json) ----

fn get_str(obj: &JsValue, key: &str) -> String {
    prop_str(obj, key).unwrap_or_default()
}

fn get_port(obj: &JsValue, key: &str) -> Option<u16> {
    let n = prop(obj, key).as_f64()?;
    (n.fract() == 0.0 && (1.0..=65535.0).contains(&n)).then_some(n as u16)
}

/// The items of an array property (`None` when it is not an array-like value).
fn get_list(obj: &JsValue, key: &str) -> Option<Vec<JsValue>> {
    let list = prop(obj, key);
    if list.is_null() || list.is_undefined() || list.is_string() {
        return None;
    }
    let len = prop(&list, "length").as_f64()?;
    let len = if (0.0..=1e6).contains(&len) {
        len as u32
    } else {
        0
    };
    Some(
        (0..len)
            .map(|i| Reflect::get_u32(&list, i).unwrap_or(JsValue::UNDEFINED))
            .collect(),
    )
}

fn get_strings(obj: &JsValue, key: &str) -> Option<Vec<String>> {
    get_list(obj, key).map(|l| l.iter().filter_map(JsValue::as_string).collect())
}

/// Builds the spec from the parsed JSON; `None` when it has no hosts list or a hostname
/// template does not parse. `placeholders` is left empty: the form's fields are rendered on
/// the server from it, and expanding does not need it.
fn read_spec(v: &JsValue) -> Option<CalculatorSpec> {
    let mut geos = Vec::new();
    for g in get_list(v, "geos")? {
        geos.push(Geo {
            code: get_str(&g, "code"),
            label: get_str(&g, "label"),
            name: get_str(&g, "name"),
        });
    }
    let mut hosts = Vec::new();
    for h in get_list(v, "hosts")? {
        hosts.push(HostTemplate {
            template: Template::parse_silently(&get_str(&h, "template"))?,
            port: get_port(&h, "port"),
            port_basis: PortBasis::from_id(&get_str(&h, "port_basis"))
                .unwrap_or(PortBasis::Unstated),
            protocol: get_str(&h, "protocol"),
            purpose: get_str(&h, "purpose"),
            role: prop_str(&h, "role").and_then(|r| Role::from_id(&r)),
            geos: get_strings(&h, "geos"),
            anchor: None,
        });
    }
    let mut ports = Vec::new();
    for p in get_list(v, "ports").unwrap_or_default() {
        if let Some(port) = get_port(&p, "port") {
            ports.push(PortFact {
                port,
                protocols: get_strings(&p, "protocols").unwrap_or_default(),
                description: get_str(&p, "description"),
            });
        }
    }
    Some(CalculatorSpec {
        geos,
        hosts,
        ports,
        placeholders: Default::default(),
    })
}
