//! Site search: a build-time index that the theme's `search.js` queries, Pagefind-style.
//!
//! Nothing is one big file. Under `search/` in the output:
//!
//! - `meta.json`: `{"v":1,"version":"<hash of every other index file>","docs":N,"chunk":8,
//!   "shards":["ab","ko",..]}`, fetched once per page view (revalidated).
//! - `t/<key>.json`: one shard of the inverted index per term prefix: the first two
//!   characters of the term (`ko` holds `kong`, `konnect`..); a key that is not all
//!   `[a-z0-9]` is named `_` + the hex of its UTF-8 bytes. A shard is
//!   `{"term":[doc,weight,doc,weight,..],..}`, terms sorted, doc ids ascending and
//!   delta-coded (each doc id is the difference from the previous one). A query fetches
//!   only the shards of its terms.
//! - `d/<n>.json`: documents `n*chunk ..` as `[{"u":url,"t":title,"s":[[heading,anchor,text],..]}]`
//!   (the first section is the intro, heading and anchor ""), fetched only for the results
//!   shown (the snippet and the best section are found in this text).
//!
//! Terms: the text split at every character that is not alphanumeric (Unicode), lower
//! cased; terms longer than [`MAX_TERM_CHARS`] are not indexed. A term's weight in a
//! document is its count in the text, plus [`HEADING_BOOST`] per occurrence in an h2/h3 or
//! FAQ question, plus [`TITLE_BOOST`] per occurrence in the title. The client ranks
//! documents that hold every term (the last one as a prefix while it is being typed) by
//! `Σ ln(1 + N/df) · ln(1 + weight)`; the tests hold a reference implementation of that.

mod hash;
mod live;
mod terms;

use std::borrow::{Borrow, Cow};
use std::hash::Hasher;

use hash::{key, Fx, Key, KeyMap};
pub use live::LiveIndex;
use terms::shard_prefix;
pub use terms::{shard_name, terms};

use portolan_dialect::{RenderedPage, SectionText};
use rayon::prelude::*;

/// Weight of a term occurrence in the page title.
pub const TITLE_BOOST: u32 = 10;
/// Weight of a term occurrence in a section heading (h2, h3, FAQ question).
pub const HEADING_BOOST: u32 = 5;
/// Longer terms (hashes, keys, base64) are not indexed.
pub const MAX_TERM_CHARS: usize = 40;
/// Documents per `d/<n>.json` file.
pub const DOCS_PER_CHUNK: usize = 8;
/// Version of the file layout, `v` in meta.json.
pub const FORMAT: u32 = 1;

/// What the index knows of one page.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SearchDoc {
    /// Ready-to-use href, base included.
    pub url: String,
    /// The page title.
    pub title: String,
    /// The intro first, then one per h2/h3, then one per FAQ (the page model's).
    pub sections: Vec<SectionText>,
    /// Other names the page is found by (frontmatter `search_aliases`), weighed as its
    /// title is; not shown.
    pub aliases: Vec<String>,
}

/// The search document of a rendered page: its title and its text by section.
pub fn doc_for(url: &str, page: &RenderedPage) -> SearchDoc {
    SearchDoc {
        url: url.to_string(),
        title: page
            .front
            .title
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
        sections: page.sections.clone(),
        aliases: page.front.search_aliases.clone(),
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

/// Documents per unit of the first (parallel) pass.
const DOCS_PER_PART: usize = 64;

/// One bucket's share of a part of the documents: each (document, term) once, in document
/// order, the terms' text side by side in `arena` (so the merge reads memory in order).
#[derive(Default)]
struct Part {
    arena: String,
    recs: Vec<Rec>,
}

struct Rec {
    doc: u32,
    weight: u32,
    hash: u64,
    start: u32,
    len: u32,
}

/// Adds the weight of each term of `doc` to `w`: [`TITLE_BOOST`] per occurrence in its
/// title or an alias, [`HEADING_BOOST`] in a heading, 1 in the text.
fn weigh<'d>(doc: &'d SearchDoc, w: &mut KeyMap<'d, u32>) {
    for t in std::iter::once(&doc.title)
        .chain(&doc.aliases)
        .flat_map(|s| terms(s))
    {
        *w.entry(key(t)).or_default() += TITLE_BOOST;
    }
    for s in &doc.sections {
        for t in terms(&s.heading) {
            *w.entry(key(t)).or_default() += HEADING_BOOST;
        }
        for t in terms(&s.text) {
            *w.entry(key(t)).or_default() += 1;
        }
    }
}

/// Weighs the terms of `docs` (ids from `first`) and sorts them into buckets.
fn part(docs: &[SearchDoc], first: usize) -> Vec<Part> {
    let mut parts: Vec<Part> = (0..BUCKETS).map(|_| Part::default()).collect();
    let mut w: KeyMap<'_, u32> = KeyMap::with_capacity_and_hasher(512, Default::default());
    for (i, doc) in docs.iter().enumerate() {
        weigh(doc, &mut w);
        for (k, weight) in w.drain() {
            let p = &mut parts[bucket_of(&k.term)];
            let start = p.arena.len() as u32;
            p.arena.push_str(&k.term);
            p.recs.push(Rec {
                doc: (first + i) as u32,
                weight,
                hash: k.hash,
                start,
                len: k.term.len() as u32,
            });
        }
    }
    parts
}

/// The index files for `docs` (doc ids are positions in `docs`): paths under the output
/// folder with their bytes, sorted by path. The same docs give the same bytes.
pub fn build_index(docs: &[SearchDoc]) -> Vec<(String, Vec<u8>)> {
    let parts: Vec<Vec<Part>> = docs
        .par_chunks(DOCS_PER_PART)
        .enumerate()
        .map(|(n, chunk)| part(chunk, n * DOCS_PER_PART))
        .collect();
    let shards: Vec<(String, Vec<u8>)> = (0..BUCKETS)
        .into_par_iter()
        .flat_map_iter(|b| bucket_shards(&parts, b))
        .collect();
    let mut names: Vec<String> = shards.iter().map(|(n, _)| n.clone()).collect();
    names.sort_unstable();

    let chunks: Vec<(String, Vec<u8>)> = docs
        .par_chunks(DOCS_PER_CHUNK)
        .enumerate()
        .map(|(n, chunk)| (format!("search/d/{n}.json"), chunk_json(chunk)))
        .collect();
    let mut files: Vec<(String, Vec<u8>)> = shards
        .into_iter()
        .map(|(n, bytes)| (format!("search/t/{n}.json"), bytes))
        .collect();
    files.extend(chunks);
    files.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));

    let hashes: Vec<u64> = files
        .par_iter()
        .map(|(path, bytes)| file_hash(path, bytes))
        .collect();
    files.push(meta_file(docs.len(), &names, hashes));
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
    hashes: impl IntoIterator<Item = u64>,
) -> (String, Vec<u8>) {
    let mut version = Fx::default();
    for h in hashes {
        version.add(h);
    }
    let meta = serde_json::json!({
        "chunk": DOCS_PER_CHUNK,
        "docs": docs,
        "shards": names,
        "v": FORMAT,
        "version": format!("{:016x}", version.finish()),
    });
    (
        "search/meta.json".to_string(),
        crate::json::html_safe_json(meta.to_string()).into_bytes(),
    )
}

/// The shards of bucket `b`: (name, JSON).
fn bucket_shards(parts: &[Vec<Part>], b: usize) -> Vec<(String, Vec<u8>)> {
    let mut postings: KeyMap<'_, Vec<u32>> = KeyMap::default();
    for p in parts.iter().map(|p| &p[b]) {
        for r in &p.recs {
            let term = &p.arena[r.start as usize..(r.start + r.len) as usize];
            match postings.get_mut(&Key {
                hash: r.hash,
                term: Cow::Borrowed(term),
            }) {
                Some(post) => post.extend([r.doc, r.weight]),
                None => {
                    postings.insert(
                        Key {
                            hash: r.hash,
                            term: Cow::Owned(term.to_string()),
                        },
                        vec![r.doc, r.weight],
                    );
                }
            }
        }
    }
    let mut sorted: Vec<(Key<'_>, Vec<u32>)> = postings.into_iter().collect();
    sorted.sort_unstable_by(|x, y| x.0.term.cmp(&y.0.term));
    // Sorting keeps the terms of a shard (a two-character prefix) together.
    let mut out = Vec::new();
    let mut start = 0;
    while start < sorted.len() {
        let prefix = shard_prefix(&sorted[start].0.term);
        let mut end = start + 1;
        while end < sorted.len() && shard_prefix(&sorted[end].0.term) == prefix {
            end += 1;
        }
        out.push((shard_name(prefix), shard_json(&sorted[start..end])));
        start = end;
    }
    out
}

fn shard_json(terms: &[(Key<'_>, Vec<u32>)]) -> Vec<u8> {
    write_shard(terms.iter().map(|(k, post)| (&*k.term, post.as_slice())))
}

/// A shard's JSON from its terms in order, each with its postings (`[doc, weight, ..]`,
/// docs ascending).
fn write_shard<'t>(terms: impl Iterator<Item = (&'t str, &'t [u32])> + Clone) -> Vec<u8> {
    let mut s = Vec::with_capacity(
        terms
            .clone()
            .map(|(term, p)| term.len() + 6 + p.len() * 3)
            .sum(),
    );
    s.push(b'{');
    for (i, (term, post)) in terms.enumerate() {
        if i > 0 {
            s.push(b',');
        }
        // Terms are alphanumeric: nothing to escape.
        s.push(b'"');
        s.extend_from_slice(term.as_bytes());
        s.extend_from_slice(b"\":[");
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
    s.push(b'}');
    s
}

#[derive(serde::Serialize)]
struct ChunkDoc<'a> {
    u: &'a str,
    t: &'a str,
    s: Vec<[&'a str; 3]>,
}

fn chunk_json<D: std::borrow::Borrow<SearchDoc>>(docs: &[D]) -> Vec<u8> {
    let v: Vec<ChunkDoc<'_>> = docs
        .iter()
        .map(Borrow::borrow)
        .map(|d: &SearchDoc| ChunkDoc {
            u: &d.url,
            t: &d.title,
            s: d.sections
                .iter()
                .map(|s| [s.heading.as_str(), s.anchor.as_str(), s.text.as_str()])
                .collect(),
        })
        .collect();
    crate::json::script_json(&v).into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet, HashMap};

    fn doc(url: &str, title: &str, sections: &[(&str, &str, &str)]) -> SearchDoc {
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
            aliases: Vec::new(),
        }
    }

    /// The index files parsed back: meta, shards by name, docs.
    struct Index {
        meta: serde_json::Value,
        shards: BTreeMap<String, BTreeMap<String, Vec<(u32, u32)>>>,
        docs: Vec<serde_json::Value>,
    }

    fn read(files: &[(String, Vec<u8>)]) -> Index {
        let mut meta = serde_json::Value::Null;
        let mut shards = BTreeMap::new();
        let mut chunks = BTreeMap::new();
        for (path, bytes) in files {
            let v: serde_json::Value = serde_json::from_slice(bytes).expect("valid JSON");
            if path == "search/meta.json" {
                meta = v;
            } else if let Some(name) = path
                .strip_prefix("search/t/")
                .and_then(|p| p.strip_suffix(".json"))
            {
                let mut terms = BTreeMap::new();
                for (term, post) in v.as_object().unwrap() {
                    let nums: Vec<u32> = post
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|n| n.as_u64().unwrap() as u32)
                        .collect();
                    let mut doc = 0;
                    let pairs = nums
                        .chunks(2)
                        .map(|p| {
                            doc += p[0];
                            (doc, p[1])
                        })
                        .collect();
                    terms.insert(term.clone(), pairs);
                }
                shards.insert(name.to_string(), terms);
            } else if let Some(n) = path
                .strip_prefix("search/d/")
                .and_then(|p| p.strip_suffix(".json"))
            {
                chunks.insert(n.parse::<usize>().unwrap(), v.as_array().unwrap().clone());
            } else {
                panic!("unexpected file {path}");
            }
        }
        Index {
            meta,
            shards,
            docs: chunks.into_values().flatten().collect(),
        }
    }

    /// What search.js does: AND over the query's terms, the last one a prefix while it is
    /// being typed (dropped while it is one character; an exact term weighs double a longer one), ranked
    /// by Σ idf · ln(1 + weight); ties by doc id. Returns (doc id, best section index).
    fn search(ix: &Index, query: &str) -> Vec<(u32, usize)> {
        let mut qterms: Vec<String> = terms(query).map(Cow::into_owned).collect();
        let typing = query.chars().last().is_some_and(char::is_alphanumeric);
        let mut prefix = if typing { qterms.pop() } else { None };
        // One typed character says too little (and would need every shard starting with it).
        if prefix.as_ref().is_some_and(|p| p.chars().count() < 2) {
            prefix = None;
        }
        qterms.sort();
        qterms.dedup();
        if qterms.is_empty() && prefix.is_none() {
            return Vec::new();
        }
        let n = ix.meta["docs"].as_u64().unwrap() as f64;
        let mut per_term: Vec<HashMap<u32, f64>> = Vec::new();
        let empty = BTreeMap::new();
        for t in &qterms {
            let shard = ix.shards.get(&shard_name(t)).unwrap_or(&empty);
            per_term.push(
                shard
                    .get(t)
                    .map(|p| p.iter().map(|&(d, w)| (d, f64::from(w))).collect())
                    .unwrap_or_default(),
            );
        }
        if let Some(p) = &prefix {
            let shard = ix.shards.get(&shard_name(p)).unwrap_or(&empty);
            let mut m: HashMap<u32, f64> = HashMap::new();
            for (t, post) in shard
                .range(p.clone()..)
                .take_while(|(t, _)| t.starts_with(p.as_str()))
            {
                let f = if t == p { 1.0 } else { 0.5 };
                for &(d, w) in post {
                    *m.entry(d).or_default() += f * f64::from(w);
                }
            }
            per_term.push(m);
        }
        let mut scored: Vec<(u32, f64)> = per_term[0]
            .keys()
            .filter(|d| per_term.iter().all(|m| m.contains_key(d)))
            .map(|&d| {
                (
                    d,
                    per_term
                        .iter()
                        .map(|m| (1.0 + n / m.len() as f64).ln() * (1.0 + m[&d]).ln())
                        .sum(),
                )
            })
            .collect();
        scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        scored
            .into_iter()
            .map(|(d, _)| {
                (
                    d,
                    best_section(&ix.docs[d as usize], &qterms, prefix.as_deref()),
                )
            })
            .collect()
    }

    /// The section with the most query terms (heading matches count more), the first on ties.
    fn best_section(doc: &serde_json::Value, exact: &[String], prefix: Option<&str>) -> usize {
        let matches =
            |t: &str, q: &str, is_prefix: bool| if is_prefix { t.starts_with(q) } else { t == q };
        let qs: Vec<(&str, bool)> = exact
            .iter()
            .map(|q| (q.as_str(), false))
            .chain(prefix.map(|p| (p, true)))
            .collect();
        let mut best = (0, 0u32);
        for (i, s) in doc["s"].as_array().unwrap().iter().enumerate() {
            let (heading, text) = (s[0].as_str().unwrap(), s[2].as_str().unwrap());
            let (mut covered, mut score) = (0u32, 0u32);
            for &(q, p) in &qs {
                let h = terms(heading).filter(|t| matches(t, q, p)).count() as u32;
                let x = terms(text).filter(|t| matches(t, q, p)).count() as u32;
                covered += u32::from(h + x > 0);
                score += HEADING_BOOST * h + x;
            }
            let key = covered * 1000 + score.min(999);
            if key > best.1 {
                best = (i, key);
            }
        }
        best.0
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

    #[test]
    fn weights_count_title_and_heading_boosts() {
        let ix = read(&build_index(&docs()));
        let kong: BTreeMap<u32, u32> = ix.shards["ko"]["kong"].iter().copied().collect();
        assert_eq!(kong[&0], TITLE_BOOST + 1);
        assert_eq!(kong[&1], 1);
        assert_eq!(kong[&2], 3);
        assert_eq!(kong[&3], HEADING_BOOST);
    }

    #[test]
    fn aliases_find_a_page_as_its_title_does() {
        let mut d = doc("/a/", "Vaults", &[("", "", "Store secrets.")]);
        d.aliases = vec!["secret manager".into()];
        let ix = read(&build_index(&[d]));
        assert_eq!(ix.shards["se"]["secret"], [(0, TITLE_BOOST)]);
        assert_eq!(ix.shards["st"]["store"], [(0, 1)]);
        assert_eq!(ix.shards["ma"]["manager"], [(0, TITLE_BOOST)]);
    }

    #[test]
    fn ranking_title_then_heading_then_frequency() {
        let ix = read(&build_index(&docs()));
        let ids: Vec<u32> = search(&ix, "kong ").into_iter().map(|r| r.0).collect();
        assert_eq!(ids, [0, 3, 2, 1]);
        // The result links to the section that matched.
        assert_eq!(search(&ix, "kong consumers "), [(3, 1)]);
        assert_eq!(search(&ix, "docker"), [(0, 1)]);
    }

    #[test]
    fn and_across_terms() {
        let ix = read(&build_index(&docs()));
        assert_eq!(search(&ix, "kong docker"), [(0, 1)]);
        assert_eq!(search(&ix, "docker plugins "), []);
        assert_eq!(search(&ix, "nothing"), []);
    }

    #[test]
    fn last_term_is_a_prefix_while_typed() {
        let ix = read(&build_index(&docs()));
        let ids = |q: &str| search(&ix, q).into_iter().map(|r| r.0).collect::<Vec<_>>();
        assert_eq!(ids("consum"), [3, 1]);
        assert_eq!(
            ids("consum "),
            Vec::<u32>::new(),
            "a finished term must match exactly"
        );
        assert_eq!(ids("rate lim"), [1]);
        assert_eq!(ids("limit rat"), [1]);
        assert_eq!(
            ids("lim rate"),
            Vec::<u32>::new(),
            "only the last term is a prefix"
        );
        assert_eq!(
            ids("rate l"),
            [1],
            "a one-character last term waits for the next one"
        );
        assert_eq!(ids("gate"), [0, 1]);
        // An exact match outranks a longer word.
        let ix = read(&build_index(&[
            doc("/x/", "X", &[("", "", "configuration")]),
            doc("/y/", "Y", &[("", "", "config")]),
        ]));
        assert_eq!(
            search(&ix, "config")
                .into_iter()
                .map(|r| r.0)
                .collect::<Vec<_>>(),
            [1, 0]
        );
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
    fn doc_from_a_page() {
        let page = render(
            "---\ntitle: Ports & hosts\nfaqs:\n  - q: Which port?\n    a: Use **8443** <br> for TLS.\n---\nIntro text.\n\n\
             - Item one\n  - nested item\n- Loose?\n\n  Para in item.\n\n  More.\n\n## Proxy ports {#proxy}\n\nProxy text.\n\n\
             | Port | Use |\n| --- | --- |\n| 8000 | HTTP |\n\n#### Deep\n\nDeep text.\n\n### Admin\n\n\
             {% table %}\ncolumns:\n  - title: Port\n    key: port\nrows:\n  - port: \"`8001`\"\n{% endtable %}\n",
        );
        let d = doc_for("/base/ports/", &page);
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
