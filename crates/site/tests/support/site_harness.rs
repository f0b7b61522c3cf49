//! The site-level fuzz harness, shared by `fuzz/fuzz_targets/site.rs` (cargo-fuzz) and
//! `tests/site_fuzz.rs` (which replays the kept corpus and every crash reproducer).
//!
//! The input drives a small generator: a multi-page site on disk (valid and broken pages
//! mixed: bad YAML, no frontmatter, invalid UTF-8; links and anchors across pages; includes,
//! some missing or cyclic; breadcrumbs; tables; the calculator tag; raw text from the
//! input; a collection with a hub, drafts and TL;DRs; a landing page that lists the
//! collection; redirects; now and then a theme that cannot be read), then a list of edits,
//! renames and deletions of pages and includes. Properties:
//!
//! - nothing panics: the streaming build, `check`, `hosts` (the calculator specs, expanded)
//!   and the incremental session;
//! - a failed build leaves the previous output exactly as it was;
//! - after each batch of changes, the incremental session equals a clean session of the
//!   same folder, output for output and diagnostic for diagnostic.

#![allow(dead_code, unreachable_pub)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use portolan_site::check::CheckOptions;
use portolan_site::{Embedded, Options, Session};

/// The repository's theme and calculator bundle, read once, as a binary embeds them.
fn embedded() -> Embedded {
    static THEME: OnceLock<Embedded> = OnceLock::new();
    THEME.get_or_init(|| {
        // The repository root, from whichever crate compiles this file (the site crate's
        // tests or the fuzz crate).
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .ancestors()
            .find(|d| d.join("theme/templates").is_dir() && d.join("crates/site").is_dir())
            .expect("the repository holds theme/ and crates/site/")
            .to_path_buf();
        let mut files: Vec<(&'static str, &'static [u8])> = Vec::new();
        for dir in ["theme", "www"] {
            for e in walkdir::WalkDir::new(root.join(dir)).into_iter().flatten() {
                if !e.file_type().is_file() {
                    continue;
                }
                let rel = e
                    .path()
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                let bytes = std::fs::read(e.path()).unwrap();
                files.push((
                    Box::leak(rel.into_boxed_str()),
                    Box::leak(bytes.into_boxed_slice()),
                ));
            }
        }
        Box::leak(files.into_boxed_slice())
    })
}

/// Decisions taken from the input, one byte at a time; zeros once it runs out.
struct Choices<'a> {
    data: &'a [u8],
    at: usize,
}

impl Choices<'_> {
    fn byte(&mut self) -> u8 {
        let b = self.data.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        b
    }

    /// A number below `n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        self.byte() as usize % n
    }

    /// Up to `max` bytes of the input as they are (possibly not UTF-8).
    fn raw(&mut self, max: usize) -> Vec<u8> {
        let n = self.below(max + 1);
        let end = (self.at + n).min(self.data.len());
        let v = self.data.get(self.at..end).unwrap_or_default().to_vec();
        self.at = end;
        v
    }

    fn done(&self) -> bool {
        self.at >= self.data.len()
    }
}

const WORDS: [&str; 8] = [
    "Ports", "Gateway", "Mesh", "Tables", "Hosts", "Plugins", "FAQ", "Data",
];
const PAGES: [&str; 9] = [
    "index.md",
    "a.md",
    "b/index.md",
    "b/c.md",
    "b/d.md",
    "e.md",
    "_guides/x.md",
    "_guides/y.md",
    "_landing/l.yaml",
];
const INCLUDES: [&str; 3] = ["one.md", "two.md", "sub/three.md"];

fn url_of(page: &str) -> String {
    let page = page
        .replace("_guides/", "guides/")
        .replace("_landing/", "")
        .replace(".yaml", ".md");
    let stem = page
        .trim_end_matches(".md")
        .trim_end_matches("index")
        .trim_end_matches('/');
    if stem.is_empty() {
        "/".into()
    } else {
        format!("/{stem}/")
    }
}

/// A block of markdown: a construct the dialect knows, well or badly written.
fn block(c: &mut Choices<'_>) -> Vec<u8> {
    let word = WORDS[c.below(WORDS.len())];
    let page = url_of(PAGES[c.below(PAGES.len())]);
    let anchor = ["ports", "gateway", "faq", "row-1", "missing", ""][c.below(6)];
    let s = match c.below(24) {
        0 => format!("## {word}\n\nText about {word}.\n"),
        1 => format!("### {word} {{#{anchor}}}\n"),
        2 => format!("See [{word}]({page}#{anchor}) and [up]({page}).\n"),
        3 => format!("{{% include_cached /{} %}}\n", INCLUDES[c.below(INCLUDES.len())]),
        4 => "{% include /nowhere.md %}\n".into(),
        5 => format!("{{% include /{} key=\"{word}\" %}}\n", INCLUDES[c.below(INCLUDES.len())]),
        6 => format!("{{% table %}}\ncolumns:\n  - title: Port\n    key: port\n  - title: Host\n    key: hostname\nrows:\n  - id: row-1\n    port: \"`443`\"\n    hostname: \"`{{geo}}.api.example.com`\"\n  - port: {}\n{{% endtable %}}\n", c.byte()),
        7 => "{% table %}\ncolumns: [oops\n{% endtable %}\n".into(),
        8 => "{% hostname_calculator %}\n".into(),
        9 => "- AU (Australia): `au`\n- EU (Europe): `eu`\n".into(),
        10 => format!("{{{{site.product}}}} and {{{{site.{word}}}}}\n"),
        11 => "{:.info}\n> A callout.\n".into(),
        12 => format!("<div id=\"{anchor}\">raw</div>\n"),
        13 => "<img src=x onerror=alert(1)>\n".into(),
        14 => "{% raw %}{{ literal }}{% endraw %}\n".into(),
        15 => "{% unclosed\n".into(),
        16 => "| A | B |\n|---|---|\n| 1 | 2 |\n".into(),
        // The default theme's components and Liquid over the data folder.
        17 => format!("{{% navtabs \"g\" %}}\n{{% navtab \"{word} {{{{site.product}}}}\" %}}\n### In a tab {{#{anchor}}}\n{{% endnavtab %}}\n{{% navtab \"Other\" %}}\nText.\n{{% endnavtab %}}\n{{% endnavtabs %}}\n"),
        18 => format!("{word} {{% new_in 3.{} %}} here.\n", c.byte()),
        19 => "{% for x in site.data.items %}{% if forloop.first %}First: {% endif %}{{ x.name | upcase }} {% endfor %}\n".into(),
        20 => "{% konnect_api_request %}\nurl: /v1/x\nmethod: POST\nbody:\n  name: {{ site.product }}\n{% endkonnect_api_request %}\n".into(),
        21 => "{% entity_example %}\ntype: plugin\ndata:\n  name: rate-limiting\n  route: r\n  config:\n    minute: 5\n{% endentity_example %}\n".into(),
        22 => format!("{{% navtab \"{word}\" %}}\nnever closed\n"),
        _ => return c.raw(64),
    };
    s.into_bytes()
}

/// A landing page: rows of blocks, one listing the collection (so a guide's edit changes
/// what it shows), well or badly written.
fn landing_text(c: &mut Choices<'_>) -> Vec<u8> {
    let word = WORDS[c.below(WORDS.len())];
    let block = match c.below(6) {
        0 => format!("          - type: card\n            config:\n              title: {word}\n              cta:\n                url: {}\n", url_of(PAGES[c.below(PAGES.len())])),
        1 => "          - type: how_to_list\n            config:\n              tags: [t1]\n              allow_empty: true\n".to_string(),
        2 => "          - type: crad\n            config: {}\n".to_string(),
        3 => format!("          - type: text\n            config: |\n              {{{{site.product}}}} and [{word}](/old/).\n"),
        4 => "          - type: tabs\n            config:\n              - title: T\n                include_content: one\n".to_string(),
        _ => return b"metadata: [broken\n".to_vec(),
    };
    format!("metadata:\n  title: {word} landing\nrows:\n  - header:\n      type: h1\n      text: {word}\n  - columns:\n      - blocks:\n{block}").into_bytes()
}

/// A page's whole text: frontmatter (good, bad or absent) and a few blocks.
fn page_text(c: &mut Choices<'_>) -> Vec<u8> {
    let title = WORDS[c.below(WORDS.len())];
    let mut text = match c.below(8) {
        0 => b"no frontmatter\n".to_vec(),
        1 => format!("---\ntitle: [{title}\n---\n").into_bytes(),
        2 => b"---\ntitle: Bad \xff byte\n---\n".to_vec(),
        3 => format!("---\ntitle: {title}\nlayout: nowhere\n---\n").into_bytes(),
        4 => format!(
            "---\ntitle: {title}\npermalink: /moved/{}/\n---\n",
            c.below(3)
        )
        .into_bytes(),
        5 => format!(
            "---\ntitle: {title}\ntags: [t{}]\npublished: {}\ntldr:\n  q: Why {{{{site.product}}}}?\n  a: Because [{title}](/guides/).\n---\n",
            c.below(2),
            c.below(3) != 0
        )
        .into_bytes(),
        _ => {
            let crumb = url_of(PAGES[c.below(PAGES.len())]);
            let faq = if c.below(2) == 0 {
                format!("faqs:\n  - q: Which {title}?\n    a: See [it]({crumb}#ports).\n")
            } else {
                String::new()
            };
            format!("---\ntitle: {title} {{{{site.product}}}}\nbreadcrumbs:\n  - {crumb}\n{faq}related_resources:\n  - text: More\n    url: {crumb}\n---\n").into_bytes()
        }
    };
    for _ in 0..c.below(5) {
        text.extend(block(c));
        text.push(b'\n');
    }
    text
}

/// The text of the file at `page`: a landing page's YAML, or a page's markdown.
fn text_of(page: &str, c: &mut Choices<'_>) -> Vec<u8> {
    if page.ends_with(".yaml") {
        landing_text(c)
    } else {
        page_text(c)
    }
}

/// The data folder's one file: a list, broken YAML now and then.
fn data_text(c: &mut Choices<'_>) -> &'static [u8] {
    [
        &b"- name: alpha\n- name: beta\n"[..],
        b"- name: [broken\n",
        b"[]\n",
    ][c.below(3)]
}

fn include_text(c: &mut Choices<'_>) -> Vec<u8> {
    let mut text = Vec::new();
    for _ in 0..1 + c.below(3) {
        text.extend(block(c));
    }
    text
}

fn write(path: &Path, bytes: &[u8]) -> PathBuf {
    if let Some(parent) = path.parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    std::fs::write(path, bytes).unwrap();
    path.to_path_buf()
}

/// Every file under `dir` with its bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Builds with the streaming build; a failed build must leave `out` as it was.
fn build_keeps_previous_output(opts: &Options, out: &Path) {
    let before = tree(out);
    if portolan_site::build(opts).is_err() {
        assert!(
            tree(out) == before,
            "a failed build changed the previous output"
        );
    }
}

/// The session equals a clean session of the same folder.
fn assert_same_as_fresh(session: &mut Session, step: usize) {
    session.refresh_search();
    let fresh = Session::new(session.options().clone());
    let render = |s: &Session| {
        portolan_site::messages::render(
            &s.sources(),
            &s.diagnostics(),
            Some("build"),
            portolan_site::MessageFormat::Human,
        )
    };
    assert_eq!(
        render(session),
        render(&fresh),
        "diagnostics differ after change {step}"
    );
    let (a, b) = (session.outputs(), fresh.outputs());
    let keys = |m: &BTreeMap<String, portolan_site::OutFile>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(a), keys(b), "output files differ after change {step}");
    for (k, v) in a {
        assert!(
            b[k] == *v,
            "after change {step}: {k} differs from a clean build"
        );
    }
}

/// Everything a reader or author can run over the session: check and hosts.
fn check_and_hosts(session: &Session) {
    let _ = session.check(CheckOptions {
        fetch_external: false,
        timeout: Duration::from_secs(1),
    });
    for (_, spec) in session.calculator_specs() {
        if let Ok(spec) = spec {
            for geo in ["eu", "au", "xx", ""] {
                let _ = spec.expand(&portolan_endpoints::Inputs {
                    geo: Some(geo.into()),
                    prefix: Some("abc123".into()),
                    portal: None,
                });
            }
        }
    }
}

/// One input: a site, built and checked, then changed and rebuilt.
pub fn site(data: &[u8]) {
    let mut c = Choices { data, at: 0 };
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("site");
    let content = dir.join("content");
    write(&dir.join("portolan.yaml"), b"title: Fuzz\nupstream_url: https://docs.example.com\nvariables:\n  product: Kong Gateway\nlanding_pages: _landing\nredirects: _redirects\ncollections:\n  - name: how-tos\n    folder: _guides\n    permalink: /guides/:path/\n    hub: /guides/\n    filters: [tags]\n    defaults:\n      layout: how-to\n      breadcrumbs: [/guides/]\n");
    write(
        &dir.join("content/_redirects"),
        b"/old/ /guides/x/\n/gone/* /b/:splat\n",
    );
    if c.below(16) == 0 {
        // A theme of the site's own that cannot be read: the site does not load at all.
        write(
            &dir.join("theme/templates/page.html"),
            b"{% extends \"base.html\" %}\xff",
        );
    }
    for p in PAGES.iter().take(1 + c.below(PAGES.len())) {
        write(&content.join(p), &text_of(p, &mut c));
    }
    for inc in INCLUDES.iter().take(c.below(INCLUDES.len() + 1)) {
        write(&content.join("_includes").join(inc), &include_text(&mut c));
    }
    let data = content.join("_data/items.yml");
    write(&data, data_text(&mut c));
    let out = tmp.path().join("out");
    let opts = Options {
        out_dir: Some(out.clone()),
        embedded: embedded(),
        ..Options::new(&dir)
    };
    build_keeps_previous_output(&opts, &out);
    let mut session = Session::new(Options {
        out_dir: None,
        ..opts.clone()
    });
    check_and_hosts(&session);
    let mut step = 0;
    while !c.done() && step < 8 {
        step += 1;
        let mut changed = Vec::new();
        for _ in 0..1 + c.below(3) {
            let page = content.join(PAGES[c.below(PAGES.len())]);
            let include = content
                .join("_includes")
                .join(INCLUDES[c.below(INCLUDES.len())]);
            match c.below(6) {
                0 | 1 => {
                    let text = text_of(page.to_str().unwrap_or(""), &mut c);
                    changed.push(write(&page, &text));
                }
                2 => {
                    let _ = std::fs::remove_file(&page);
                    changed.push(page);
                }
                3 => {
                    let to = content.join(PAGES[c.below(PAGES.len())]);
                    if page.exists() && to != page {
                        let _ = std::fs::create_dir_all(to.parent().unwrap());
                        let _ = std::fs::rename(&page, &to);
                        changed.extend([page, to]);
                    }
                }
                4 => changed.push(write(&include, &include_text(&mut c))),
                5 if c.below(3) == 0 => changed.push(write(&data, data_text(&mut c))),
                _ => {
                    let _ = std::fs::remove_file(&include);
                    changed.push(include);
                }
            }
        }
        session.update(&changed);
        check_and_hosts(&session);
        assert_same_as_fresh(&mut session, step);
        // A build writes the whole output (assets too): now and then, and at the end.
        if c.below(4) == 0 || c.done() {
            build_keeps_previous_output(&opts, &out);
        }
    }
}
