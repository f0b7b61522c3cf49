//! The facets file, `search/f.json`: which documents have each value of each facet, so
//! that `search.js` can count and filter results by product, content type and tool
//! without fetching the documents.
//!
//! `[{"key":"product","title":"Product","values":[{"id":"gateway","name":"Kong Gateway",
//! "docs":[3,1,4]}]}]`: facets in [`FACETS`] order (those no document has are left out),
//! values by name, doc ids ascending and delta-coded as in the shards. The key is also
//! the results' URL parameter (`?search=jwt&product=gateway`).

use std::collections::BTreeMap;

use super::DocRefs;
#[cfg(test)]
use super::SearchDoc;

/// The facets, in the order the results show them: key and title.
pub const FACETS: [(&str, &str); 3] = [("product", "Product"), ("type", "Type"), ("tool", "Tool")];

/// Where the facets file is, under the output folder.
pub(super) const PATH: &str = "search/f.json";

/// One facet value of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetValue {
    /// One of [`FACETS`]' keys.
    pub key: &'static str,
    /// The value as the frontmatter gives it (`gateway`).
    pub id: String,
    /// What readers see (`Kong Gateway`).
    pub name: String,
}

#[derive(serde::Serialize)]
struct Facet<'a> {
    key: &'a str,
    title: &'a str,
    values: Vec<Value<'a>>,
}

#[derive(serde::Serialize)]
struct Value<'a> {
    id: &'a str,
    name: &'a str,
    docs: Vec<u32>,
}

/// `search/f.json` for `docs` (ids are their positions); `None` when no document has a
/// facet.
pub(super) fn file<D: DocRefs>(docs: &[D]) -> Option<(String, Vec<u8>)> {
    // key -> id -> (name, doc ids)
    let mut by_key: BTreeMap<&str, BTreeMap<&str, (&str, Vec<u32>)>> = BTreeMap::new();
    for (i, doc) in docs.iter().enumerate() {
        for f in doc.facets() {
            let entry = by_key
                .entry(f.key)
                .or_default()
                .entry(&f.id)
                .or_insert((&f.name, Vec::new()));
            if entry.1.last() != Some(&(i as u32)) {
                entry.1.push(i as u32);
            }
        }
    }
    let facets: Vec<Facet<'_>> = FACETS
        .iter()
        .filter_map(|&(key, title)| {
            let values = by_key.remove(key)?;
            let mut values: Vec<Value<'_>> = values
                .into_iter()
                .map(|(id, (name, ids))| Value {
                    id,
                    name,
                    docs: ids
                        .iter()
                        .scan(0, |prev, &d| {
                            let delta = d - *prev;
                            *prev = d;
                            Some(delta)
                        })
                        .collect(),
                })
                .collect();
            values.sort_by_key(|v| v.name.to_lowercase());
            Some(Facet { key, title, values })
        })
        .collect();
    (!facets.is_empty()).then(|| {
        (
            PATH.to_string(),
            crate::json::script_json(&facets).into_bytes(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(facets: &[(&'static str, &str, &str)]) -> SearchDoc {
        SearchDoc {
            facets: facets
                .iter()
                .map(|&(key, id, name)| FacetValue {
                    key,
                    id: id.into(),
                    name: name.into(),
                })
                .collect(),
            ..SearchDoc::default()
        }
    }

    #[test]
    fn values_list_their_documents() {
        let docs = [
            doc(&[
                ("product", "gateway", "Kong Gateway"),
                ("type", "how_to", "How-to"),
            ]),
            doc(&[]),
            doc(&[
                ("product", "gateway", "Kong Gateway"),
                ("product", "ai", "AI Gateway"),
            ]),
            doc(&[("product", "gateway", "Kong Gateway")]),
        ];
        let (path, bytes) = file(&docs).unwrap();
        assert_eq!(path, "search/f.json");
        let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(
            v,
            serde_json::json!([
                {"key": "product", "title": "Product", "values": [
                    {"id": "ai", "name": "AI Gateway", "docs": [2]},
                    {"id": "gateway", "name": "Kong Gateway", "docs": [0, 2, 1]},
                ]},
                {"key": "type", "title": "Type", "values": [
                    {"id": "how_to", "name": "How-to", "docs": [0]},
                ]},
            ])
        );
        assert!(file(&[doc(&[])]).is_none());
    }

    #[test]
    fn hostile_names_stay_text() {
        let docs = [doc(&[(
            "tool",
            "x",
            "</script><img src=x onerror=alert(1)>",
        )])];
        let (_, bytes) = file(&docs).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert!(!text.contains('<') && !text.contains('>'), "{text}");
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            v[0]["values"][0]["name"],
            "</script><img src=x onerror=alert(1)>"
        );
    }
}
