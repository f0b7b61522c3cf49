//! Site search: a build-time index that the theme's `search.js` queries, Pagefind-style.
//!
//! Nothing is one big file. Under `search/` in the output:
//!
//! - `meta.json`: `{"v":2,"version":"<hash of every other index file>","docs":N,"chunk":2,
//!   "shards":["ab","ko",..],"facets":true}`, fetched once per page view (revalidated).
//! - `t/<key>.json`: one shard of the inverted index per term prefix: the first two
//!   characters of the term (`ko` holds `kong`, `konnect`..); a key that is not all
//!   `[a-z0-9]` is named `_` + the hex of its UTF-8 bytes. A shard is
//!   `{"term":[doc,weight,doc,weight,..],..}`, terms sorted, doc ids ascending and
//!   delta-coded (each doc id is the difference from the previous one). A query fetches
//!   only the shards of its terms (and of the forms and spellings it stands for).
//! - `v.json`: the vocabulary, grouped by stem ([`vocab`]), loaded once per visit: other
//!   forms of a word and typo tolerance.
//! - `f.json`: the documents of each facet value ([`facets`]), loaded once per visit.
//! - `d/<n>.json`: documents `n*chunk ..` as `[{"u":url,"t":title,"s":[[heading,anchor,text],..]}]`
//!   (the first section is the intro, heading and anchor ""; each text its first
//!   [`SHOWN_TEXT_BYTES`]), fetched only for the results shown (the snippet and the best
//!   section are found in this text).
//!
//! Terms: the text split at every character that is not alphanumeric (Unicode), lower
//! cased; terms longer than [`MAX_TERM_CHARS`] are not indexed; words joined by hyphens are
//! also indexed written together ([`joined_terms`]), and each two neighbouring words of a
//! title or alias as one phrase term with a space ([`phrase_terms`]). A term's weight packs
//! where it occurs (title, alias, heading, text), the title's length and a BM25 relevance
//! ([`weight`]). theme/static/search.js ranks with them; its header lists the rules.

mod facets;
mod hash;
mod live;
mod priors;
mod terms;
mod vocab;
pub mod weight;
mod writer;

use std::borrow::Cow;
use std::hash::Hasher;
use std::sync::{Arc, Mutex, PoisonError};

pub use facets::{FacetValue, FACETS};
use hash::{key, Fx, KeyMap};
pub use live::LiveIndex;
use terms::shard_prefix;
pub use terms::{joined_terms, phrase_terms, shard_name, terms};
use weight::{Counts, DocShape};
pub use writer::{IndexWriter, IndexedPage};

use portolan_dialect::{RenderedPage, SectionText};
use rayon::prelude::*;

/// Longer terms (hashes, keys, base64) are not indexed.
pub const MAX_TERM_CHARS: usize = 40;
/// Bytes of a section's text a document chunk keeps ([`shown_text`]).
pub const SHOWN_TEXT_BYTES: usize = 2000;
/// Documents per `d/<n>.json` file. The ten results a query shows are mostly in ten
/// different chunks, so a chunk's size is most of what showing them costs: at 10,000
/// pages, 4 documents a chunk made a query fetch 92 KB (median; 188 KB at most), 2 make it
/// 66 KB (162 KB), with no measurable cost to the build.
pub const DOCS_PER_CHUNK: usize = 2;
/// Version of the file layout, `v` in meta.json.
pub const FORMAT: u32 = 2;

/// What the index knows of one page.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SearchDoc {
    /// Ready-to-use href, base included.
    pub url: String,
    /// The page's URL key (`gateway/network/`), as links name it.
    pub key: String,
    /// The URL keys of the pages its text links to (for [`priors`]).
    pub links: Vec<String>,
    /// The page title.
    pub title: String,
    /// The intro first, then one per h2/h3, then one per FAQ (the page model's).
    pub sections: Vec<SectionText>,
    /// Other names the page is found by (frontmatter `search_aliases`), weighed as its
    /// title is; not shown.
    pub aliases: Vec<String>,
    /// Its product, content type and tool values, for filtering results.
    pub facets: Vec<FacetValue>,
}

/// Whether a page belongs in the index: not when its frontmatter (or its collection's
/// defaults) says `search: false`, as a release's copy of a versioned page does.
pub fn searchable(front: &portolan_dialect::FrontMatter) -> bool {
    front
        .raw
        .get("search")
        .and_then(portolan_yaml::Node::as_scalar)
        .is_none_or(|s| s.resolve() != portolan_yaml::Resolved::Bool(false))
}

/// The search document of a rendered page: its title, its text by section, the pages it
/// links to and its facet values; `None` when the page says `search: false`. `key` is its
/// URL key, `base` the site's base URL, `name` gives a facet value's reader-facing name.
pub fn doc_for(
    site: &crate::links::LinkMap,
    base: &str,
    key: &str,
    page: &RenderedPage,
    name: impl Fn(&str) -> String,
) -> Option<SearchDoc> {
    if !searchable(&page.front) {
        return None;
    }
    let front = &page.front;
    let facets = [
        ("product", front.products.as_slice()),
        ("type", front.content_type.as_slice()),
        ("tool", front.tools.as_slice()),
    ]
    .into_iter()
    .flat_map(|(key, ids)| ids.iter().map(move |id| (key, id)))
    .filter(|(_, id)| !id.trim().is_empty())
    .map(|(key, id)| FacetValue {
        key,
        id: id.clone(),
        name: name(id),
    })
    .collect();
    let links = page
        .links
        .iter()
        .filter_map(|l| match site.target(&l.url) {
            crate::links::Target::Page(key, _) => Some(key.trim_matches('/').to_string()),
            _ => None,
        })
        .collect();
    Some(SearchDoc {
        url: format!("{base}{key}"),
        key: key.trim_matches('/').to_string(),
        links,
        title: front.title.split_whitespace().collect::<Vec<_>>().join(" "),
        sections: page.sections.clone(),
        aliases: front.search_aliases.clone(),
        facets,
    })
}

/// What the priors and facets files read of a document; `None` for the key of an id no
/// document has (a page left out of the build).
pub(super) trait DocRefs {
    fn key(&self) -> Option<&str>;
    fn facets(&self) -> &[FacetValue];
}

/// A document that still holds its links (an index made page by page counts them as
/// it goes, and keeps none).
pub(super) trait DocLinks: DocRefs {
    fn links(&self) -> &[String];
}

impl DocRefs for SearchDoc {
    fn key(&self) -> Option<&str> {
        Some(&self.key)
    }
    fn facets(&self) -> &[FacetValue] {
        &self.facets
    }
}

impl DocLinks for SearchDoc {
    fn links(&self) -> &[String] {
        &self.links
    }
}

impl<D: DocRefs> DocRefs for Arc<D> {
    fn key(&self) -> Option<&str> {
        D::key(self)
    }
    fn facets(&self) -> &[FacetValue] {
        D::facets(self)
    }
}

impl<D: DocLinks> DocLinks for Arc<D> {
    fn links(&self) -> &[String] {
        D::links(self)
    }
}

/// Terms are spread over this many buckets by shard (so a bucket holds whole shards) and
/// each bucket is merged on its own: in parallel, and with maps small enough for the cache.
const BUCKETS: usize = 64;

fn bucket_of(term: &str) -> usize {
    let mut h = Fx::default();
    h.write(shard_prefix(term).as_bytes());
    (h.finish() >> 32) as usize % BUCKETS
}

/// Counts each term of `doc` by where it is, in `counts` (which starts empty), and returns
/// the document's shape.
fn count<'d>(doc: &'d SearchDoc, counts: &mut KeyMap<'d, Counts>) -> DocShape {
    let mut terms_in_doc = 0u32;
    // Titles and aliases also give their phrase terms. Headings and the text do not: they
    // grew the shards a query fetches (by a tenth with short headings alone, at 10,000
    // pages) and ranked no better on the relevance benchmark.
    let mut add = |text: &'d str, place: fn(&mut Counts), phrases: bool| {
        for t in terms(text) {
            place(counts.entry(key(t)).or_default());
            terms_in_doc += 1;
        }
        if phrases {
            for pair in phrase_terms(text) {
                place(counts.entry(key(Cow::Owned(pair))).or_default());
            }
        }
        if memchr::memchr(b'-', text.as_bytes()).is_some() {
            for t in joined_terms(text) {
                place(counts.entry(key(Cow::Owned(t))).or_default());
            }
        }
    };
    add(&doc.title, |c| c.title += 1, true);
    for s in &doc.aliases {
        add(s, |c| c.alias += 1, true);
    }
    for s in &doc.sections {
        add(&s.heading, |c| c.heading += 1, false);
        add(&s.text, |c| c.text += 1, false);
    }
    DocShape {
        terms: terms_in_doc,
        title_terms: terms(&doc.title).count() as u32,
    }
}

/// Sets the weight ([`weight`]) of each term of `doc` in `w` (which starts empty).
fn weigh<'d>(doc: &'d SearchDoc, w: &mut KeyMap<'d, u32>) {
    let mut counts = KeyMap::default();
    let shape = count(doc, &mut counts);
    w.extend(
        counts
            .into_iter()
            .map(|(k, c)| (k, weight::encode(c, shape))),
    );
}

/// The index files for `docs` (doc ids are positions in `docs`): paths under the output
/// folder with their bytes, sorted by path. The same docs give the same bytes. A build
/// uses [`IndexWriter`] itself, page by page.
pub fn build_index(docs: &[SearchDoc]) -> Vec<(String, Vec<u8>)> {
    let files = Mutex::new(Vec::new());
    let emit = |path, bytes| {
        files
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((path, bytes));
        Ok::<(), std::convert::Infallible>(())
    };
    let writer = IndexWriter::new(docs.len());
    let pages = docs
        .par_iter()
        .enumerate()
        .filter_map(|(id, doc)| {
            let Ok(page) = writer.add(id as u32, doc, emit);
            page
        })
        .collect();
    let Ok(_) = writer.finish(pages, emit);
    let mut files = files.into_inner().unwrap_or_else(PoisonError::into_inner);
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

/// The hash of one index file, for the index's version.
fn file_hash(path: &str, bytes: &[u8]) -> u64 {
    let mut h = Fx::default();
    h.write(path.as_bytes());
    h.write(bytes);
    h.finish()
}

/// `search/meta.json` for an index of `docs` documents with shards `names` (sorted) whose
/// other files have `hashes`, in the order of their paths. The version names the content,
/// so browsers never mix shards of two builds.
fn meta_file(
    docs: usize,
    names: &[String],
    facets: bool,
    hashes: impl IntoIterator<Item = u64>,
) -> (String, Vec<u8>) {
    let mut version = Fx::default();
    for h in hashes {
        version.add(h);
    }
    let meta = serde_json::json!({
        "chunk": DOCS_PER_CHUNK,
        "docs": docs,
        "facets": facets,
        "shards": names,
        "v": FORMAT,
        "version": format!("{:016x}", version.finish()),
    });
    (
        "search/meta.json".to_string(),
        crate::json::html_safe_json(meta.to_string()).into_bytes(),
    )
}

/// Documents a term's posting may list in its shard: a term with more is written to a
/// file of its own, and its shard says how many documents it has and where. A query then
/// fetches the postings of the words it asks for, not of every common word that shares
/// their first two letters (at 100,000 pages the `co` shard was 600 KB gzipped).
pub const SHARD_POSTINGS: usize = 1500;

/// The files of shard `name` from its terms in order, each with its postings (`[doc,
/// weight, ..]`, docs ascending): `search/t/NAME.json`, then `search/t/NAME.K.json` for
/// its K-th term with more than [`SHARD_POSTINGS`] documents, whose entry in the shard is
/// `{"n": documents, "f": "NAME.K"}`.
fn write_shard<'t>(
    name: &str,
    terms: impl Iterator<Item = (&'t str, &'t [u32])> + Clone,
) -> Vec<(String, Vec<u8>)> {
    let mut s = Vec::with_capacity(
        terms
            .clone()
            .map(|(term, p)| term.len() + 6 + (p.len() * 3).min(64))
            .sum(),
    );
    let mut own = Vec::new();
    s.push(b'{');
    for (i, (term, post)) in terms.enumerate() {
        if i > 0 {
            s.push(b',');
        }
        // Terms are alphanumeric (phrase terms, two with a space): nothing to escape.
        s.push(b'"');
        s.extend_from_slice(term.as_bytes());
        s.extend_from_slice(b"\":");
        if post.len() / 2 > SHARD_POSTINGS {
            let file = format!("{name}.{}", own.len());
            s.extend_from_slice(b"{\"n\":");
            s.extend_from_slice(itoa::Buffer::new().format(post.len() / 2).as_bytes());
            s.extend_from_slice(b",\"f\":\"");
            s.extend_from_slice(file.as_bytes());
            s.extend_from_slice(b"\"}");
            let mut p = Vec::with_capacity(post.len() * 3);
            write_posting(&mut p, post);
            own.push((format!("search/t/{file}.json"), p));
        } else {
            write_posting(&mut s, post);
        }
    }
    s.push(b'}');
    let mut files = vec![(format!("search/t/{name}.json"), s)];
    files.extend(own);
    files
}

/// A posting as JSON, `[docDelta, weight, ..]`.
fn write_posting(s: &mut Vec<u8>, post: &[u32]) {
    s.push(b'[');
    let mut prev = 0;
    for (j, pair) in post.chunks_exact(2).enumerate() {
        if j > 0 {
            s.push(b',');
        }
        s.extend_from_slice(itoa::Buffer::new().format(pair[0] - prev).as_bytes());
        s.push(b',');
        s.extend_from_slice(itoa::Buffer::new().format(pair[1]).as_bytes());
        prev = pair[0];
    }
    s.push(b']');
}

#[derive(serde::Serialize)]
struct ChunkDoc<'a> {
    u: &'a str,
    t: &'a str,
    s: Vec<[&'a str; 3]>,
}

/// What a document chunk keeps of a section's text: its first [`SHOWN_TEXT_BYTES`], cut at
/// a word. The index has the whole text; the chunk only gives the snippet, and one long
/// page (a changelog's 600 KB) would otherwise weigh on every query that shows it.
fn shown_text(text: &str) -> &str {
    if text.len() <= SHOWN_TEXT_BYTES {
        return text;
    }
    let mut end = SHOWN_TEXT_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let cut = &text[..end];
    cut.rfind(' ').map_or(cut, |i| &cut[..i])
}

/// A document's entry in its chunk, as JSON.
fn chunk_entry(d: &SearchDoc) -> String {
    crate::json::script_json(&ChunkDoc {
        u: &d.url,
        t: &d.title,
        s: d.sections
            .iter()
            .map(|s| [s.heading.as_str(), s.anchor.as_str(), shown_text(&s.text)])
            .collect(),
    })
}

/// `search/d/<n>.json` from its documents' entries ([`chunk_entry`]); `None` for an id no
/// document has (a page left out of the build: no posting points to it, so its `null` is
/// never read).
fn chunk_file(n: usize, entries: &[Option<String>]) -> (String, Vec<u8>) {
    let mut json = String::from("[");
    for (i, e) in entries.iter().enumerate() {
        if i > 0 {
            json.push(',');
        }
        json.push_str(e.as_deref().unwrap_or("null"));
    }
    json.push(']');
    (format!("search/d/{n}.json"), json.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    /// A document with these sections (heading, anchor, text); live.rs and writer.rs
    /// tests use it too.
    pub(super) fn doc(url: &str, title: &str, sections: &[(&str, &str, &str)]) -> SearchDoc {
        SearchDoc {
            url: url.into(),
            title: title.into(),
            sections: sections
                .iter()
                .map(|(h, a, t)| SectionText {
                    heading: h.to_string(),
                    anchor: a.to_string(),
                    text: t.to_string(),
                })
                .collect(),
            ..SearchDoc::default()
        }
    }

    /// The index files parsed back: meta, shards by name, docs.
    struct Index {
        meta: serde_json::Value,
        shards: BTreeMap<String, BTreeMap<String, Vec<(u32, u32)>>>,
        docs: Vec<serde_json::Value>,
    }

    /// A posting's JSON, `[docDelta, weight, ..]`, as (doc, weight) pairs.
    fn pairs(post: &serde_json::Value) -> Vec<(u32, u32)> {
        let nums: Vec<u32> = post
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_u64().unwrap() as u32)
            .collect();
        let mut doc = 0;
        nums.chunks(2)
            .map(|p| {
                doc += p[0];
                (doc, p[1])
            })
            .collect()
    }

    fn read(files: &[(String, Vec<u8>)]) -> Index {
        let mut meta = serde_json::Value::Null;
        let mut shards = BTreeMap::new();
        let mut chunks = BTreeMap::new();
        let parsed: BTreeMap<&str, serde_json::Value> = files
            .iter()
            .map(|(path, bytes)| {
                let v = serde_json::from_slice(bytes).expect("valid JSON");
                (path.as_str(), v)
            })
            .collect();
        let mut own_files_used = BTreeSet::new();
        for (&path, v) in &parsed {
            if path == "search/meta.json" {
                meta = v.clone();
            } else if let Some(name) = path
                .strip_prefix("search/t/")
                .and_then(|p| p.strip_suffix(".json"))
            {
                if name.contains('.') {
                    // A term's own file: read through its shard.
                    continue;
                }
                let mut terms = BTreeMap::new();
                for (term, post) in v.as_object().unwrap() {
                    let post = match post.get("f") {
                        Some(f) => {
                            let own = format!("search/t/{}.json", f.as_str().unwrap());
                            own_files_used.insert(own.clone());
                            let post = pairs(&parsed[own.as_str()]);
                            assert_eq!(post.len() as u64, post_len(v, term));
                            assert!(post.len() > SHARD_POSTINGS, "{term} has its own file");
                            post
                        }
                        None => pairs(post),
                    };
                    terms.insert(term.clone(), post);
                }
                shards.insert(name.to_string(), terms);
            } else if let Some(n) = path
                .strip_prefix("search/d/")
                .and_then(|p| p.strip_suffix(".json"))
            {
                chunks.insert(n.parse::<usize>().unwrap(), v.as_array().unwrap().clone());
            } else if !["search/v.json", "search/f.json", "search/p.json"].contains(&path) {
                panic!("unexpected file {path}");
            }
        }
        for path in parsed.keys().filter(|p| p.starts_with("search/t/")) {
            let name = &path["search/t/".len()..path.len() - ".json".len()];
            assert!(
                !name.contains('.') || own_files_used.contains(*path),
                "{path} is no term's"
            );
        }
        Index {
            meta,
            shards,
            docs: chunks.into_values().flatten().collect(),
        }
    }

    /// The documents a shard's entry for `term` says its own file has.
    fn post_len(shard: &serde_json::Value, term: &str) -> u64 {
        shard[term]["n"].as_u64().unwrap()
    }

    #[test]
    fn a_term_in_many_documents_has_a_file_of_its_own() {
        let docs: Vec<SearchDoc> = (0..=SHARD_POSTINGS)
            .map(|i| {
                let text = if i == 7 { "kong koala" } else { "kong" };
                doc(&format!("/p{i}/"), &format!("Page {i}"), &[("", "", text)])
            })
            .collect();
        let files = build_index(&docs);
        let shard: serde_json::Value = serde_json::from_slice(
            &files
                .iter()
                .find(|(p, _)| p == "search/t/ko.json")
                .unwrap()
                .1,
        )
        .unwrap();
        assert_eq!(
            shard["kong"],
            serde_json::json!({"n": SHARD_POSTINGS + 1, "f": "ko.0"})
        );
        assert!(
            shard["koala"].is_array(),
            "a term in few documents stays in its shard"
        );
        let ix = read(&files);
        assert_eq!(ix.shards["ko"]["kong"].len(), SHARD_POSTINGS + 1);
        assert_eq!(ix.shards["ko"]["kong"][7].0, 7);
        // Only shards are listed; their own files are found through them.
        let listed = ix.meta["shards"].as_array().unwrap();
        assert!(listed.contains(&serde_json::json!("ko")));
        assert!(listed.iter().all(|n| !n.as_str().unwrap().contains('.')));
    }

    fn docs() -> Vec<SearchDoc> {
        vec![
            doc(
                "/a/",
                "Install Kong Gateway",
                &[
                    ("", "", "Kong Gateway runs on Linux."),
                    ("Docker", "docker", "Run the image with docker run."),
                ],
            ),
            doc(
                "/b/",
                "Plugins",
                &[
                    ("", "", "Plugins extend the gateway."),
                    (
                        "Rate limiting",
                        "rate-limiting",
                        "Limit requests per consumer. Kong counts requests.",
                    ),
                ],
            ),
            doc(
                "/c/",
                "Networking",
                &[(
                    "",
                    "",
                    "Ports: proxy 8000, admin 8001. Kong kong kong listens on them.",
                )],
            ),
            doc(
                "/d/",
                "Consumers",
                &[
                    ("", "", "A consumer is a user of a service."),
                    ("Kong and consumers", "kong-and-consumers", "Credentials."),
                ],
            ),
        ]
    }

    #[test]
    fn tokenizes_unicode_lowercase_and_drops_long_terms() {
        let t: Vec<String> = terms("Kong's X-Kong-Upstream_Latency: 8000ms, Ünïcode straße ΣΑΣ")
            .map(Cow::into_owned)
            .collect();
        assert_eq!(
            t,
            [
                "kong",
                "s",
                "x",
                "kong",
                "upstream",
                "latency",
                "8000ms",
                "ünïcode",
                "straße",
                "σας"
            ]
        );
        let long = "a".repeat(MAX_TERM_CHARS + 1);
        assert_eq!(terms(&format!("ok {long} fine")).count(), 2);
        assert_eq!(
            terms(&"é".repeat(MAX_TERM_CHARS)).count(),
            1,
            "the limit counts characters, not bytes"
        );
    }

    #[test]
    fn shard_routing() {
        assert_eq!(shard_name("kong"), "ko");
        assert_eq!(shard_name("k"), "k");
        assert_eq!(shard_name("8000"), "80");
        assert_eq!(shard_name("ünïcode"), "_c3bc6e");
        assert_eq!(shard_name("straße"), "st");
        let files = build_index(&docs());
        let ix = read(&files);
        for (name, terms) in &ix.shards {
            for t in terms.keys() {
                assert_eq!(&shard_name(t), name);
            }
        }
        assert!(ix.shards["ko"].contains_key("kong"));
        let listed: BTreeSet<&str> = ix.meta["shards"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap())
            .collect();
        assert_eq!(listed, ix.shards.keys().map(String::as_str).collect());
        assert_eq!(ix.meta["docs"], 4);
        assert_eq!(ix.docs.len(), 4);
        assert_eq!(
            ix.docs[1]["s"][1],
            serde_json::json!([
                "Rate limiting",
                "rate-limiting",
                "Limit requests per consumer. Kong counts requests."
            ])
        );
    }

    /// (relevance, place) of a term in a document.
    fn weight_of(ix: &Index, term: &str, doc: u32) -> (u32, u32) {
        let post = &ix.shards[&shard_name(term)][term];
        let w = post.iter().find(|p| p.0 == doc).expect("posting").1;
        let (relevance, _, place) = weight::decode(w);
        (relevance, place)
    }

    #[test]
    fn weights_say_where_a_term_is() {
        let ix = read(&build_index(&docs()));
        assert_eq!(weight_of(&ix, "kong", 0).1, weight::IN_TITLE);
        assert_eq!(weight_of(&ix, "kong", 1).1, weight::IN_TEXT);
        assert_eq!(weight_of(&ix, "kong", 3).1, weight::IN_HEADING);
        // Three mentions in a short text weigh more than one.
        assert!(weight_of(&ix, "kong", 2).0 > weight_of(&ix, "kong", 1).0);
        // The title's length goes with a title match.
        let title = ix.shards["ko"]["kong"][0].1;
        assert_eq!(weight::decode(title).1, 3, "Install Kong Gateway");
    }

    #[test]
    fn aliases_find_a_page_below_its_title() {
        let mut d = doc("/a/", "Vaults", &[("", "", "Store secrets.")]);
        d.aliases = vec!["secret manager".into()];
        let ix = read(&build_index(&[d]));
        assert_eq!(weight_of(&ix, "secret", 0).1, weight::IN_ALIAS);
        assert_eq!(weight_of(&ix, "manager", 0).1, weight::IN_ALIAS);
        assert_eq!(weight_of(&ix, "vaults", 0).1, weight::IN_TITLE);
        assert_eq!(weight_of(&ix, "store", 0).1, weight::IN_TEXT);
    }

    #[test]
    fn words_joined_by_hyphens_are_also_one_term() {
        let ix = read(&build_index(&[doc(
            "/a/",
            "DB-less mode",
            &[("", "", "Use key-auth, not x--y or über-cool.")],
        )]));
        assert_eq!(weight_of(&ix, "dbless", 0).1, weight::IN_TITLE);
        assert_eq!(weight_of(&ix, "db", 0).1, weight::IN_TITLE);
        assert_eq!(weight_of(&ix, "keyauth", 0).1, weight::IN_TEXT);
        assert!(
            !ix.shards.contains_key("xy"),
            "x--y is not two joined words"
        );
        assert!(
            !ix.shards.contains_key("bc"),
            "no fragment of a non-ASCII word"
        );
    }

    #[test]
    fn titles_hold_their_phrases() {
        let ix = read(&build_index(&docs()));
        assert_eq!(weight_of(&ix, "install kong", 0).1, weight::IN_TITLE);
        assert_eq!(weight_of(&ix, "kong gateway", 0).1, weight::IN_TITLE);
        assert!(
            !ix.shards["ra"].contains_key("rate limiting"),
            "no phrases from headings"
        );
        assert!(
            !ix.shards["ko"].contains_key("kong runs"),
            "nor from the text"
        );
        let files = build_index(&docs());
        let v = &files.iter().find(|f| f.0 == "search/v.json").unwrap().1;
        assert!(
            !String::from_utf8_lossy(v).contains("install kong"),
            "nor in the vocabulary"
        );
    }

    #[test]
    fn vocabulary_facets_and_priors_come_with_the_index() {
        let files = build_index(&docs());
        let file = |p: &str| {
            let bytes = &files.iter().find(|f| f.0 == p).expect(p).1;
            serde_json::from_slice::<serde_json::Value>(bytes).unwrap()
        };
        let v = file("search/v.json");
        let groups: Vec<&str> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g.as_str().unwrap())
            .collect();
        assert!(groups.contains(&"consumer consumers"), "{groups:?}");
        assert!(
            !groups.iter().any(|g| g.contains("8000")),
            "terms with digits are not listed"
        );
        assert_eq!(file("search/p.json"), serde_json::json!([0, 0, 0, 0]));
        assert!(
            !files.iter().any(|f| f.0 == "search/f.json"),
            "no facets, no file"
        );
        assert_eq!(file("search/meta.json")["facets"], false);
    }

    #[test]
    fn deterministic() {
        let a = build_index(&docs());
        let b = build_index(&docs());
        assert_eq!(a, b);
        let paths: Vec<&str> = a.iter().map(|f| f.0.as_str()).collect();
        let mut sorted = paths.clone();
        sorted.sort_unstable();
        assert_eq!(paths, sorted);
        let mut changed = docs();
        changed[2].sections[0].text.push_str(" more");
        let c = build_index(&changed);
        let version = |f: &[(String, Vec<u8>)]| read(f).meta["version"].clone();
        assert_ne!(
            version(&a),
            version(&c),
            "the version changes with the content"
        );
    }

    #[test]
    fn chunks_keep_the_start_of_long_sections() {
        let long = "é word ".repeat(1000);
        let files = build_index(&[doc("/a/", "A", &[("", "", &long)])]);
        let ix = read(&files);
        let kept = ix.docs[0]["s"][0][2].as_str().unwrap();
        assert!(kept.len() <= SHOWN_TEXT_BYTES && kept.len() > SHOWN_TEXT_BYTES - 20);
        assert!(
            long.starts_with(kept) && kept.ends_with("word"),
            "cut at a word"
        );
        assert_eq!(
            ix.shards["wo"]["word"].len(),
            1,
            "the index has the whole text"
        );
        assert_eq!(shown_text("short text"), "short text");
    }

    #[test]
    fn chunks_hold_docs_in_order() {
        let many: Vec<SearchDoc> = (0..DOCS_PER_CHUNK * 2 + 1)
            .map(|i| {
                doc(
                    &format!("/p{i}/"),
                    &format!("Page {i}"),
                    &[("", "", "text")],
                )
            })
            .collect();
        let files = build_index(&many);
        let chunks: Vec<&str> = files
            .iter()
            .map(|f| f.0.as_str())
            .filter(|p| p.starts_with("search/d/"))
            .collect();
        assert_eq!(
            chunks,
            ["search/d/0.json", "search/d/1.json", "search/d/2.json"]
        );
        let ix = read(&files);
        for (i, d) in ix.docs.iter().enumerate() {
            assert_eq!(d["u"], format!("/p{i}/"));
        }
    }

    fn render(md: &str) -> RenderedPage {
        struct NoIncludes;
        impl portolan_dialect::IncludeResolver for NoIncludes {
            fn resolve(
                &self,
                path: &str,
            ) -> Result<portolan_dialect::Included, portolan_dialect::IncludeError> {
                Err(portolan_dialect::IncludeError {
                    message: format!("no {path}"),
                    hint: None,
                })
            }
        }
        let site = portolan_dialect::SiteValues::new(&portolan_dialect::Variables::default());
        let ctx = portolan_dialect::Context {
            site: &site,
            includes: &NoIncludes,
            links: &portolan_dialect::KeepLinks,
            components: &portolan_dialect::NoComponents,
            diagrams: &portolan_dialect::BrowserDiagrams,
            highlighter: &portolan_dialect::DirectHighlighter,
        };
        let info = portolan_dialect::PageInfo {
            url: "",
            path: "index.md",
            defaults: None,
        };
        let (page, diags) = portolan_dialect::render_page(ctx, 0, md, info);
        assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
        page.expect("page")
    }

    #[test]
    fn search_false_leaves_a_page_out() {
        assert!(searchable(&render("---\ntitle: T\n---\nText.\n").front));
        assert!(searchable(
            &render("---\ntitle: T\nsearch: true\n---\nText.\n").front
        ));
        assert!(!searchable(
            &render("---\ntitle: T\nsearch: false\n---\nText.\n").front
        ));
        assert!(searchable(
            &render("---\ntitle: T\nsearch: \"false\"\n---\nText.\n").front
        ));
    }

    #[test]
    fn doc_from_a_page() {
        let page = render(
            "---\ntitle: Ports & hosts\nfaqs:\n  - q: Which port?\n    a: Use **8443** <br> for TLS.\n---\nIntro text.\n\n\
             - Item one\n  - nested item\n- Loose?\n\n  Para in item.\n\n  More.\n\n## Proxy ports {#proxy}\n\nProxy text.\n\n\
             | Port | Use |\n| --- | --- |\n| 8000 | HTTP |\n\n#### Deep\n\nDeep text.\n\n### Admin\n\n\
             {% table %}\ncolumns:\n  - title: Port\n    key: port\nrows:\n  - port: \"`8001`\"\n{% endtable %}\n",
        );
        let d = doc_for(
            &crate::links::LinkMap::default(),
            "/base/",
            "ports/",
            &page,
            |id| id.to_uppercase(),
        )
        .expect("a page that does not say search: false");
        assert_eq!(d.url, "/base/ports/");
        assert_eq!(d.title, "Ports & hosts");
        let s: Vec<(&str, &str, &str)> = d
            .sections
            .iter()
            .map(|s| (s.heading.as_str(), s.anchor.as_str(), s.text.as_str()))
            .collect();
        assert_eq!(
            s,
            [
                (
                    "",
                    "",
                    "Intro text. Item one nested item Loose? Para in item. More."
                ),
                (
                    "Proxy ports",
                    "proxy",
                    "Proxy text. Deep Deep text. Port Use 8000 HTTP"
                ),
                ("Admin", "admin", "Port 8001"),
                ("Which port?", "which-port", "Use 8443 for TLS."),
            ]
        );
    }
}
