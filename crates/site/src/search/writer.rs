//! The index made as a build writes its pages. Each page's terms are counted and weighed
//! on the thread that wrote the page and interned to numbers, and its entry of a document
//! chunk is written as soon as the chunk's other documents are. What is left for the end is
//! merging the numbers into shards.
//!
//! A build used to hold every page's text (about 70 MB at 10,000 pages) until the index was
//! made, and then every term of every page as text (about 90 MB more); the merge ran after
//! the pages, mostly on one core's worth of work. Now a page leaves 8 bytes per distinct
//! term, and the end is a counting sort per bucket.

use std::borrow::Cow;
use std::sync::{Mutex, PoisonError};

use rayon::prelude::*;

use super::hash::{Key, KeyMap};
use super::priors::{self, LinksIn};
use super::terms::shard_prefix;
use super::{
    bucket_of, chunk_entry, chunk_file, count, facets, file_hash, meta_file, shard_name, vocab,
    weight, write_shard, DocRefs, FacetValue, SearchDoc, BUCKETS, DOCS_PER_CHUNK,
};

/// A term's number: its bucket in the top bits, its place in the bucket's table below.
const LOCAL_BITS: u32 = 26;
const LOCAL_MASK: u32 = (1 << LOCAL_BITS) - 1;

/// What the index keeps of a written page until the end: its terms as (number, weight),
/// and what the priors and facets files read (its links are counted as it is added).
#[derive(Debug)]
pub struct IndexedPage {
    id: u32,
    terms: Box<[(u32, u32)]>,
    key: String,
    facets: Vec<FacetValue>,
}

impl DocRefs for Option<IndexedPage> {
    fn key(&self) -> Option<&str> {
        self.as_ref().map(|p| p.key.as_str())
    }
    fn facets(&self) -> &[FacetValue] {
        self.as_ref().map_or(&[], |p| &p.facets)
    }
}

/// One document chunk's entries while its pages are written (JSON, `None` until given);
/// empty once written.
type Chunk = Vec<Option<String>>;

/// The search index of one build, filled page by page from several threads.
pub struct IndexWriter {
    /// Document ids run from 0 to `docs`; a page left out of the build leaves its id unused.
    docs: usize,
    /// By bucket: each term's place in the bucket.
    terms: Vec<Mutex<KeyMap<'static, u32>>>,
    chunks: Vec<Mutex<Chunk>>,
    /// The hash of each file written so far, by path (for meta.json's version).
    hashes: Mutex<Vec<(String, u64)>>,
    /// The pages linking to each page, counted as pages are added.
    links_in: Mutex<LinksIn>,
}

impl IndexWriter {
    /// A writer for documents `0..docs`.
    pub fn new(docs: usize) -> IndexWriter {
        IndexWriter {
            docs,
            terms: (0..BUCKETS).map(|_| Mutex::default()).collect(),
            chunks: (0..docs.div_ceil(DOCS_PER_CHUNK))
                .map(|n| Mutex::new(vec![None; DOCS_PER_CHUNK.min(docs - n * DOCS_PER_CHUNK)]))
                .collect(),
            hashes: Mutex::default(),
            links_in: Mutex::default(),
        }
    }

    /// Indexes `doc` as document `id` (below the writer's `docs`, each once). Its chunk is
    /// handed to `emit` (path, bytes) when it is complete. An `id` out of range is not
    /// indexed (`None`).
    pub fn add<E>(
        &self,
        id: u32,
        doc: &SearchDoc,
        emit: impl Fn(String, Vec<u8>) -> Result<(), E>,
    ) -> Result<Option<IndexedPage>, E> {
        if id as usize >= self.docs {
            return Ok(None);
        }
        let mut counts = KeyMap::default();
        let shape = count(doc, &mut counts);
        let mut weighed: Vec<(usize, Key<'_>, u32)> = counts
            .into_iter()
            .map(|(k, c)| (bucket_of(&k.term), k, weight::encode(c, shape)))
            .collect();
        weighed.sort_unstable_by_key(|w| w.0);
        let mut terms = Vec::with_capacity(weighed.len());
        for group in weighed.chunk_by(|a, b| a.0 == b.0) {
            let bucket = group[0].0;
            let mut table = lock(&self.terms[bucket]);
            for (_, k, weight) in group {
                let local = match (&*table as &KeyMap<'_, u32>).get(k) {
                    Some(&local) => local,
                    None => {
                        let local = table.len() as u32;
                        table.insert(
                            Key {
                                hash: k.hash,
                                term: Cow::Owned(k.term.to_string()),
                            },
                            local,
                        );
                        local
                    }
                };
                // 2^26 distinct terms in one bucket would take gigabytes of distinct words.
                debug_assert!(local <= LOCAL_MASK);
                terms.push((
                    (bucket as u32) << LOCAL_BITS | (local & LOCAL_MASK),
                    *weight,
                ));
            }
        }
        lock(&self.links_in).add(&doc.key, &doc.links);
        let entry = chunk_entry(doc);
        let n = id as usize / DOCS_PER_CHUNK;
        let complete = {
            let mut chunk = lock(&self.chunks[n]);
            if let Some(slot @ None) = chunk.get_mut(id as usize % DOCS_PER_CHUNK) {
                *slot = Some(entry);
            }
            chunk
                .iter()
                .all(Option::is_some)
                .then(|| std::mem::take(&mut *chunk))
        };
        if let Some(entries) = complete {
            let written = emit_hashed(chunk_file(n, &entries), &emit)?;
            lock(&self.hashes).push(written);
        }
        Ok(Some(IndexedPage {
            id,
            terms: terms.into_boxed_slice(),
            key: doc.key.clone(),
            facets: doc.facets.clone(),
        }))
    }

    /// Writes the rest of the index for `pages` (those [`add`](Self::add) gave, in any
    /// order): the chunks not yet complete, the shards, the vocabulary, the priors, the
    /// facets and meta.json. Returns how many files the index has.
    pub fn finish<E: Send>(
        self,
        pages: Vec<IndexedPage>,
        emit: impl Fn(String, Vec<u8>) -> Result<(), E> + Sync,
    ) -> Result<usize, E> {
        let IndexWriter {
            docs,
            terms,
            chunks,
            hashes,
            links_in,
        } = self;
        let mut hashes = hashes.into_inner().unwrap_or_else(PoisonError::into_inner);
        // Chunks with a page left out of the build: the others were written as completed.
        for (n, chunk) in chunks.into_iter().enumerate() {
            let entries = chunk.into_inner().unwrap_or_else(PoisonError::into_inner);
            if !entries.is_empty() {
                hashes.push(emit_hashed(chunk_file(n, &entries), &emit)?);
            }
        }
        let mut by_id: Vec<Option<IndexedPage>> = (0..docs).map(|_| None).collect();
        for page in pages {
            if let Some(slot) = by_id.get_mut(page.id as usize) {
                *slot = Some(page);
            }
        }
        // Each bucket gathers its postings from the pages (whose terms are sorted by
        // bucket) when its turn comes, in document order, so each term's documents come
        // out of its counting sort ascending. Gathered all at once, before any bucket was
        // written, they were the build's peak: 950 MB at 100,000 pages.
        let docs_in_order: Vec<&IndexedPage> = by_id.iter().flatten().collect();
        let buckets: Vec<WrittenBucket> = terms
            .into_par_iter()
            .enumerate()
            .map(|(bucket, table)| {
                let table = table.into_inner().unwrap_or_else(PoisonError::into_inner);
                let postings = bucket_postings(&docs_in_order, bucket as u32);
                let (shards, stems) = bucket_shards(table, postings);
                let mut names = Vec::with_capacity(shards.len());
                let mut written = Vec::with_capacity(shards.len());
                for (name, files) in shards {
                    for file in files {
                        written.push(emit_hashed(file, &emit)?);
                    }
                    names.push(name);
                }
                Ok((names, written, stems))
            })
            .collect::<Result<_, E>>()?;
        drop(docs_in_order);
        let mut names = Vec::new();
        let mut stems = Vec::new();
        for (n, written, s) in buckets {
            names.extend(n);
            hashes.extend(written);
            stems.extend(s);
        }
        names.sort_unstable();
        let mut other = vec![
            vocab::Groups::from_stems(stems).file(),
            priors::file_of(
                &by_id,
                &links_in
                    .into_inner()
                    .unwrap_or_else(PoisonError::into_inner),
            ),
        ];
        other.extend(facets::file(&by_id));
        let has_facets = other.len() == 3;
        for file in other {
            hashes.push(emit_hashed(file, &emit)?);
        }
        hashes.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let count = hashes.len() + 1;
        let (path, bytes) = meta_file(docs, &names, has_facets, hashes.into_iter().map(|(_, h)| h));
        emit(path, bytes)?;
        Ok(count)
    }
}

/// Hands a file to `emit` and returns its path with its hash (for meta.json's version).
fn emit_hashed<E>(
    (path, bytes): (String, Vec<u8>),
    emit: impl Fn(String, Vec<u8>) -> Result<(), E>,
) -> Result<(String, u64), E> {
    let hash = file_hash(&path, &bytes);
    emit(path.clone(), bytes)?;
    Ok((path, hash))
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Files as (path, bytes).
type Files = Vec<(String, Vec<u8>)>;

/// Vocabulary terms with their stems, as (stem, term).
type Stems = Vec<(String, String)>;

/// A bucket's shard names, their files as (path, hash), and its vocabulary's terms.
type WrittenBucket = (Vec<String>, Vec<(String, u64)>, Stems);

/// The postings of `bucket` in `pages` (in document order; each page's terms sorted
/// by bucket).
fn bucket_postings(pages: &[&IndexedPage], bucket: u32) -> Vec<Posting> {
    let mut postings = Vec::new();
    for page in pages {
        let from = page
            .terms
            .partition_point(|(t, _)| t >> LOCAL_BITS < bucket);
        let to = page
            .terms
            .partition_point(|(t, _)| t >> LOCAL_BITS <= bucket);
        postings.extend(page.terms[from..to].iter().map(|&(term, weight)| Posting {
            doc: page.id,
            term: term & LOCAL_MASK,
            weight,
        }));
    }
    postings
}

/// One document's weight for one term of a bucket (its place in the bucket's table).
struct Posting {
    doc: u32,
    term: u32,
    weight: u32,
}

/// The shards of one bucket as (name, files), and its vocabulary's terms with their stems:
/// the bucket's postings (in document order) gathered by term with a counting sort, terms
/// sorted.
fn bucket_shards(
    table: KeyMap<'static, u32>,
    postings: Vec<Posting>,
) -> (Vec<(String, Files)>, Stems) {
    let mut names: Vec<Cow<'static, str>> = vec![Cow::Borrowed(""); table.len()];
    for (k, local) in table {
        names[local as usize] = k.term;
    }
    let mut starts = vec![0u32; names.len() + 1];
    for p in &postings {
        starts[p.term as usize + 1] += 2;
    }
    for i in 1..starts.len() {
        starts[i] += starts[i - 1];
    }
    let mut flat = vec![0u32; starts[names.len()] as usize];
    let mut next = starts.clone();
    for p in postings {
        let at = &mut next[p.term as usize];
        flat[*at as usize] = p.doc;
        flat[*at as usize + 1] = p.weight;
        *at += 2;
    }
    // Terms only pages left out of the build had are in no posting: not in the index.
    let mut order: Vec<usize> = (0..names.len())
        .filter(|&t| starts[t + 1] > starts[t])
        .collect();
    order.sort_unstable_by(|&a, &b| names[a].cmp(&names[b]));
    let stems = vocab::stems(order.iter().map(|&t| &*names[t]));
    let posting = |t: usize| &flat[starts[t] as usize..starts[t + 1] as usize];
    let shards = order
        .chunk_by(|&a, &b| shard_prefix(&names[a]) == shard_prefix(&names[b]))
        .map(|terms| {
            let name = shard_name(&names[terms[0]]);
            let files = write_shard(&name, terms.iter().map(|&t| (&*names[t], posting(t))));
            (name, files)
        })
        .collect();
    (shards, stems)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::super::{build_index, SearchDoc};
    use super::*;

    fn doc(key: &str, title: &str, text: &str) -> SearchDoc {
        super::super::tests::doc(&format!("/{key}"), title, &[("", "", text)])
    }

    /// Adds `docs` as the ids beside them, in that order, and finishes: the files by path.
    fn written(docs: usize, adds: &[(u32, &SearchDoc)]) -> BTreeMap<String, String> {
        let files = Mutex::new(BTreeMap::new());
        let emit = |path: String, bytes: Vec<u8>| {
            let text = String::from_utf8(bytes).expect("UTF-8");
            assert!(lock(&files).insert(path, text).is_none(), "written twice");
            Ok::<(), ()>(())
        };
        let writer = IndexWriter::new(docs);
        let pages = adds
            .iter()
            .filter_map(|&(id, d)| writer.add(id, d, emit).expect("emit"))
            .collect();
        writer.finish(pages, emit).expect("emit");
        files.into_inner().expect("lock")
    }

    fn docs() -> Vec<SearchDoc> {
        (0..7)
            .map(|i| {
                doc(
                    &format!("p{i}/"),
                    &format!("Page {i}"),
                    "kong gateway plugins",
                )
            })
            .chain([doc("last/", "Last", "only here: zebra")])
            .collect()
    }

    #[test]
    fn pages_added_in_any_order_give_the_files_of_build_index() {
        let docs = docs();
        let expected: BTreeMap<String, String> = build_index(&docs)
            .into_iter()
            .map(|(p, b)| (p, String::from_utf8(b).expect("UTF-8")))
            .collect();
        let mut adds: Vec<(u32, &SearchDoc)> = docs
            .iter()
            .enumerate()
            .map(|(i, d)| (i as u32, d))
            .collect();
        adds.reverse();
        adds.swap(1, 5);
        assert_eq!(written(docs.len(), &adds), expected);
    }

    /// A page left out of a build (`--keep-going`) keeps its id: its chunk entry is
    /// `null`, and it is in no posting, the vocabulary, the priors' links or the facets.
    #[test]
    fn an_id_never_added_is_a_hole() {
        let docs = docs();
        let adds: Vec<(u32, &SearchDoc)> = docs
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != 5 && i != 7)
            .map(|(i, d)| (i as u32, d))
            .collect();
        let files = written(docs.len(), &adds);
        let entry = |id: usize| {
            let chunk = &files[&format!("search/d/{}.json", id / DOCS_PER_CHUNK)];
            serde_json::from_str::<serde_json::Value>(chunk).unwrap()[id % DOCS_PER_CHUNK].clone()
        };
        assert_eq!(entry(5), serde_json::Value::Null);
        assert_eq!(entry(7), serde_json::Value::Null);
        assert_eq!(entry(6)["u"], "/p6/");
        // Doc 5 is missing from each posting: 0..4 (deltas of 1) then 6 (a delta of 2).
        let shard: serde_json::Value = serde_json::from_str(&files["search/t/ko.json"]).unwrap();
        let ids: Vec<u64> = shard["kong"]
            .as_array()
            .unwrap()
            .iter()
            .step_by(2)
            .map(|n| n.as_u64().unwrap())
            .collect();
        assert_eq!(ids, [0, 1, 1, 1, 1, 2]);
        assert!(
            !files.contains_key("search/t/ze.json"),
            "a term only a hole had"
        );
        assert!(!files["search/v.json"].contains("zebra"));
        let meta: serde_json::Value = serde_json::from_str(&files["search/meta.json"]).unwrap();
        assert_eq!(meta["docs"], 8);
    }

    #[test]
    fn ids_out_of_range_are_not_indexed() {
        let d = doc("a/", "A", "text");
        let writer = IndexWriter::new(1);
        let emit = |_, _| Ok::<(), ()>(());
        assert!(matches!(writer.add(3, &d, emit), Ok(None)));
        assert!(matches!(writer.add(u32::MAX, &d, emit), Ok(None)));
        // d/0.json (its one entry null), v.json, p.json and meta.json.
        assert_eq!(writer.finish(Vec::new(), emit), Ok(4));
    }
}
