//! The search index `serve` keeps between edits: the postings of every term by shard, so an
//! edit writes again only the shards of the terms the edited pages had or have, and their
//! document chunks (and the vocabulary and facets when they change), not the whole index.
//! Its files are byte for byte those
//! [`build_index`](super::build_index) makes of the same documents.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::hash::KeyMap;
use super::vocab::{self, Groups};
use super::DOCS_PER_CHUNK;
use super::{
    chunk_entry, facets, file_hash, meta_file, priors, shard_name, weigh, write_shard, SearchDoc,
};

/// Postings of one shard: each term's `[doc, weight, ..]`, docs ascending, terms sorted.
type Shard = BTreeMap<String, Vec<u32>>;

/// The index of a list of documents, kept to be updated.
#[derive(Debug, Default)]
pub struct LiveIndex {
    docs: Vec<Arc<SearchDoc>>,
    shards: BTreeMap<String, Shard>,
    /// The vocabulary's terms by stem.
    groups: Groups,
    /// The hash of every file but meta.json, by path (the version is made of them).
    hashes: BTreeMap<String, u64>,
}

/// Files an update writes and removes (paths under the output folder).
#[derive(Debug, Default)]
pub struct IndexChanges {
    pub written: Vec<(String, Vec<u8>)>,
    pub removed: Vec<String>,
}

impl LiveIndex {
    /// The index of `docs` (ids are their positions) and all its files.
    pub fn new(docs: Vec<Arc<SearchDoc>>) -> (LiveIndex, Vec<(String, Vec<u8>)>) {
        let mut index = LiveIndex {
            docs,
            ..LiveIndex::default()
        };
        let mut w = KeyMap::default();
        for (id, doc) in index.docs.iter().enumerate() {
            weigh(doc, &mut w);
            for (k, weight) in w.drain() {
                let shard = index.shards.entry(shard_name(&k.term)).or_default();
                let post = match shard.get_mut(&*k.term) {
                    Some(post) => post,
                    None => shard.entry(k.term.into_owned()).or_default(),
                };
                post.extend([id as u32, weight]);
            }
        }
        index.groups = Groups::from_stems(vocab::stems(
            index
                .shards
                .values()
                .flat_map(|s| s.keys().map(String::as_str)),
        ));
        let mut files: Vec<(String, Vec<u8>)> = index
            .shards
            .iter()
            .flat_map(|(name, shard)| shard_files(name, shard))
            .collect();
        files.push(index.groups.file());
        files.push(priors::file(&index.docs));
        files.extend(facets::file(&index.docs));
        files.extend(
            index
                .docs
                .chunks(DOCS_PER_CHUNK)
                .enumerate()
                .map(|(n, chunk)| chunk_file(n, chunk)),
        );
        for (path, bytes) in &files {
            index.hashes.insert(path.clone(), file_hash(path, bytes));
        }
        files.push(index.meta());
        files.sort_by(|a, b| a.0.cmp(&b.0));
        (index, files)
    }

    /// Brings the index to `docs`, when they are the same pages as before (some changed):
    /// the files that changed. `None` when pages came or went: make a new index.
    pub fn update(&mut self, docs: Vec<Arc<SearchDoc>>) -> Option<IndexChanges> {
        if docs.len() != self.docs.len() {
            return None;
        }
        let changed: Vec<usize> = (0..docs.len())
            .filter(|&i| !Arc::ptr_eq(&docs[i], &self.docs[i]) && docs[i] != self.docs[i])
            .collect();
        let mut changes = IndexChanges::default();
        if changed.is_empty() {
            self.docs = docs;
            return Some(changes);
        }
        let mut dirty: BTreeSet<String> = BTreeSet::new();
        let stemmer = vocab::english();
        let mut vocab_changed = false;
        let facets_changed = changed
            .iter()
            .any(|&i| docs[i].facets != self.docs[i].facets);
        let links_changed = changed
            .iter()
            .any(|&i| docs[i].links != self.docs[i].links || docs[i].key != self.docs[i].key);
        for &i in &changed {
            let id = i as u32;
            let mut old = KeyMap::default();
            let mut new = KeyMap::default();
            weigh(&self.docs[i], &mut old);
            weigh(&docs[i], &mut new);
            for k in old.keys().filter(|k| !new.contains_key(*k)) {
                let name = shard_name(&k.term);
                if let Some(shard) = self.shards.get_mut(&name) {
                    if let Some(post) = shard.get_mut(&*k.term) {
                        remove_posting(post, id);
                        if post.is_empty() {
                            shard.remove(&*k.term);
                            self.groups.remove(&stemmer, &k.term);
                            vocab_changed = true;
                        }
                    }
                }
                dirty.insert(name);
            }
            for (k, &weight) in &new {
                if old.get(k) == Some(&weight) {
                    continue;
                }
                let name = shard_name(&k.term);
                let shard = self.shards.entry(name.clone()).or_default();
                let post = match shard.get_mut(&*k.term) {
                    Some(post) => post,
                    None => {
                        self.groups.add(&stemmer, &k.term);
                        vocab_changed = true;
                        shard.entry(k.term.to_string()).or_default()
                    }
                };
                set_posting(post, id, weight);
                dirty.insert(name);
            }
        }
        self.docs = docs;
        for name in dirty {
            let files = match self.shards.get(&name).filter(|s| !s.is_empty()) {
                Some(shard) => shard_files(&name, shard),
                None => {
                    self.shards.remove(&name);
                    Vec::new()
                }
            };
            // The shard's files it no longer has: `NAME.json`, or a term's own `NAME.K.json`.
            let prefix = format!("search/t/{name}.");
            // The paths are sorted: the shard's are the run that starts at its prefix.
            let gone: Vec<String> = self
                .hashes
                .range(prefix.clone()..)
                .map(|(p, _)| p)
                .take_while(|p| p.starts_with(&prefix))
                .filter(|p| !files.iter().any(|(f, _)| f == *p))
                .cloned()
                .collect();
            for path in gone {
                changes.remove(&mut self.hashes, path);
            }
            for file in files {
                changes.write(&mut self.hashes, file);
            }
        }
        if vocab_changed {
            changes.write(&mut self.hashes, self.groups.file());
        }
        if links_changed {
            changes.write(&mut self.hashes, priors::file(&self.docs));
        }
        if facets_changed {
            match facets::file(&self.docs) {
                Some(file) => changes.write(&mut self.hashes, file),
                None if self.hashes.contains_key(facets::PATH) => {
                    changes.remove(&mut self.hashes, facets::PATH.to_string());
                }
                None => {}
            }
        }
        let chunks: BTreeSet<usize> = changed.iter().map(|i| i / DOCS_PER_CHUNK).collect();
        for n in chunks {
            let start = n * DOCS_PER_CHUNK;
            let end = (start + DOCS_PER_CHUNK).min(self.docs.len());
            changes.write(&mut self.hashes, chunk_file(n, &self.docs[start..end]));
        }
        changes.written.push(self.meta());
        Some(changes)
    }

    fn meta(&self) -> (String, Vec<u8>) {
        let names: Vec<String> = self.shards.keys().cloned().collect();
        meta_file(
            self.docs.len(),
            &names,
            self.hashes.contains_key(facets::PATH),
            self.hashes.values().copied(),
        )
    }
}

impl IndexChanges {
    /// Records `file` as written, and its hash for the index's version.
    fn write(&mut self, hashes: &mut BTreeMap<String, u64>, (path, bytes): (String, Vec<u8>)) {
        hashes.insert(path.clone(), file_hash(&path, &bytes));
        self.written.push((path, bytes));
    }

    /// Records the file at `path` as gone, and its hash with it.
    fn remove(&mut self, hashes: &mut BTreeMap<String, u64>, path: String) {
        hashes.remove(&path);
        self.removed.push(path);
    }
}

fn shard_files(name: &str, shard: &Shard) -> Vec<(String, Vec<u8>)> {
    write_shard(name, shard.iter().map(|(t, p)| (t.as_str(), p.as_slice())))
}

fn chunk_file(n: usize, docs: &[Arc<SearchDoc>]) -> (String, Vec<u8>) {
    let entries: Vec<Option<String>> = docs.iter().map(|d| Some(chunk_entry(d))).collect();
    super::chunk_file(n, &entries)
}

/// Takes document `id` out of `post` (`[doc, weight, ..]`, docs ascending).
fn remove_posting(post: &mut Vec<u32>, id: u32) {
    if let Ok(at) = find(post, id) {
        post.drain(2 * at..2 * at + 2);
    }
}

/// Sets document `id`'s weight in `post`, in its place.
fn set_posting(post: &mut Vec<u32>, id: u32, weight: u32) {
    match find(post, id) {
        Ok(at) => post[2 * at + 1] = weight,
        Err(at) => {
            post.splice(2 * at..2 * at, [id, weight]);
        }
    }
}

/// Where document `id` is among the pairs of `post`, or where it would go.
fn find(post: &[u32], id: u32) -> Result<usize, usize> {
    let pairs = post.len() / 2;
    let (mut lo, mut hi) = (0, pairs);
    while lo < hi {
        let mid = (lo + hi) / 2;
        match post[2 * mid].cmp(&id) {
            std::cmp::Ordering::Equal => return Ok(mid),
            std::cmp::Ordering::Less => lo = mid + 1,
            std::cmp::Ordering::Greater => hi = mid,
        }
    }
    Err(lo)
}

#[cfg(test)]
mod tests {
    use super::super::build_index;
    use super::*;

    fn doc(url: &str, title: &str, text: &str) -> Arc<SearchDoc> {
        Arc::new(super::super::tests::doc(url, title, &[("", "", text)]))
    }

    fn plain(docs: &[Arc<SearchDoc>]) -> Vec<SearchDoc> {
        docs.iter().map(|d| SearchDoc::clone(d)).collect()
    }

    /// The files a session holds after `changes`, as a map.
    fn apply(files: &mut BTreeMap<String, Vec<u8>>, changes: IndexChanges) {
        for path in changes.removed {
            files.remove(&path);
        }
        files.extend(changes.written);
    }

    /// The files a build of `docs` writes, as a map.
    fn built(docs: &[Arc<SearchDoc>]) -> BTreeMap<String, Vec<u8>> {
        build_index(&plain(docs)).into_iter().collect()
    }

    #[test]
    fn edits_give_the_files_a_new_build_gives() {
        let mut docs: Vec<Arc<SearchDoc>> = (0..21)
            .map(|i| {
                doc(
                    &format!("/p{i}/"),
                    &format!("Page {i}"),
                    "kong gateway routes",
                )
            })
            .collect();
        let (mut index, files) = LiveIndex::new(docs.clone());
        assert_eq!(
            files,
            build_index(&plain(&docs)),
            "a new index is a build's"
        );
        let mut held: BTreeMap<String, Vec<u8>> = files.into_iter().collect();
        // A word added, a word gone (its shard with it), a weight changed, a new shard.
        docs[3] = doc("/p3/", "Page 3", "kong gateway zebra zebra");
        docs[17] = doc("/p17/", "Hybrid mode", "kong routes");
        let changes = index.update(docs.clone()).expect("the same pages");
        assert!(
            changes.written.len() < held.len() / 2,
            "only what changed is written"
        );
        apply(&mut held, changes);
        assert_eq!(held, built(&docs));
        // A facet value and a link come: the facets and priors follow.
        let mut with_facet = SearchDoc::clone(&docs[5]);
        with_facet.key = "p5".into();
        with_facet.facets = vec![super::super::FacetValue {
            key: "product",
            id: "gw".into(),
            name: "Gateway".into(),
        }];
        docs[5] = Arc::new(with_facet);
        let mut linking = SearchDoc::clone(&docs[6]);
        linking.links = vec!["p5".into()];
        docs[6] = Arc::new(linking);
        apply(&mut held, index.update(docs.clone()).unwrap());
        assert!(held.contains_key("search/f.json"));
        assert_eq!(held, built(&docs));
        // ... and go.
        docs[5] = doc("/p5/", "Page 5", "kong gateway routes");
        let changes = index.update(docs.clone()).unwrap();
        assert!(changes.removed.contains(&"search/f.json".to_string()));
        apply(&mut held, changes);
        assert_eq!(held, built(&docs));
        // The last page that had a word loses it: its shard goes.
        docs[3] = doc("/p3/", "Page 3", "kong gateway routes");
        let changes = index.update(docs.clone()).unwrap();
        assert!(changes.removed.contains(&"search/t/ze.json".to_string()));
        apply(&mut held, changes);
        assert_eq!(held, built(&docs));
        // Nothing changed: nothing written.
        let same = index.update(docs.clone()).unwrap();
        assert!(same.written.is_empty() && same.removed.is_empty());
        // Pages came or went: a new index is needed.
        docs.pop();
        assert!(index.update(docs).is_none());
    }

    #[test]
    fn a_term_that_grows_past_its_shard_moves_to_its_own_file_and_back() {
        let n = super::super::SHARD_POSTINGS;
        let mut docs: Vec<Arc<SearchDoc>> = (0..n)
            .map(|i| doc(&format!("/p{i}/"), "Page", "kong"))
            .chain([doc("/last/", "Last", "other")])
            .collect();
        let (mut index, files) = LiveIndex::new(docs.clone());
        let mut held: BTreeMap<String, Vec<u8>> = files.into_iter().collect();
        assert!(!held.contains_key("search/t/ko.0.json"));
        docs[n] = doc("/last/", "Last", "kong");
        apply(&mut held, index.update(docs.clone()).unwrap());
        assert!(held.contains_key("search/t/ko.0.json"));
        assert_eq!(held, built(&docs));
        docs[n] = doc("/last/", "Last", "other");
        let changes = index.update(docs.clone()).unwrap();
        assert!(changes.removed.contains(&"search/t/ko.0.json".to_string()));
        apply(&mut held, changes);
        assert_eq!(held, built(&docs));
    }

    #[test]
    fn postings_stay_in_document_order() {
        let mut post = vec![1, 10, 5, 50];
        set_posting(&mut post, 3, 30);
        set_posting(&mut post, 0, 1);
        set_posting(&mut post, 5, 55);
        assert_eq!(post, [0, 1, 1, 10, 3, 30, 5, 55]);
        remove_posting(&mut post, 1);
        remove_posting(&mut post, 9);
        assert_eq!(post, [0, 1, 3, 30, 5, 55]);
    }
}
