//! Where a site's pages come from besides content/'s plain folders, as `portolan.yaml` (or
//! a preset) says: collections (folders of pages with their own URLs and frontmatter
//! defaults, Jekyll's `_how-tos`), a folder of landing pages written as YAML, and a
//! redirects file. [`Structure::classify`] says what any file under content/ is, for the
//! loader and for `serve`'s rebuilds alike.

use std::sync::Arc;

use serde::Deserialize;

use crate::out_path;
use crate::page_url;

/// A collection: a folder under content/ whose markdown files are pages.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Collection {
    /// Its name, e.g. `how-tos`: what pages and hubs call it.
    pub name: String,
    /// The folder, relative to content/, e.g. `_how-tos`.
    pub folder: String,
    /// The URL of an entry without a `permalink:` of its own: `:path` is its path in the
    /// folder without `.md` (a trailing `/index` dropped), `:name` its file's name without
    /// `.md`. E.g. `/how-to/:path/`.
    pub permalink: String,
    /// Only files with this name are entries (one page per folder: `index.md`); by
    /// default every `.md` file is.
    #[serde(default)]
    pub entry_file: Option<String>,
    /// The collection's own page, listing its entries: its URL (e.g. `/how-to/`), written
    /// unless a page of the site has that URL.
    #[serde(default)]
    pub hub: Option<String>,
    /// The hub's title.
    #[serde(default)]
    pub title: Option<String>,
    /// Where an entry's `icon:` is when it names a file without a folder (`acl.png` in
    /// `/assets/icons/plugins/`).
    #[serde(default)]
    pub icon_folder: Option<String>,
    /// The hub's introduction (markdown).
    #[serde(default)]
    pub description: Option<String>,
    /// Frontmatter keys the hub lets a reader filter by (`products`, `tools`, `tags`,
    /// `plugins`...), each a list of ids in the entries' frontmatter; `key=param` sets it
    /// from query parameter `param` (`plugins=kong_plugins`: `?kong_plugins=acl`).
    #[serde(default)]
    pub filters: Vec<String>,
    /// Frontmatter every entry has unless it says otherwise (Jekyll's `defaults:`); read
    /// as YAML apart from serde (see `Config::parse`).
    #[serde(default, deserialize_with = "read_apart")]
    pub defaults: Option<Arc<portolan_yaml::Node>>,
}

/// A field read apart from serde (as YAML as written): its value is skipped here.
fn read_apart<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Arc<portolan_yaml::Node>>, D::Error> {
    serde::de::IgnoredAny::deserialize(d)?;
    Ok(None)
}

/// The site's structure, from the settings (see `Config::structure`).
#[derive(Debug, Clone, Default)]
pub struct Structure {
    /// The collections.
    pub collections: Vec<Collection>,
    /// A folder under content/ of landing pages written as YAML (`metadata:` and `rows:`),
    /// e.g. `_landing_pages`: `a/b.yaml` is the page `/a/b/`.
    pub landing_pages: Option<String>,
    /// A redirects file under content/ (Netlify's `_redirects` format: `FROM TO [CODE]`
    /// a line).
    pub redirects: Option<String>,
    /// A folder under content/ of index pages written as YAML, e.g. `_indices`:
    /// `NAME.yaml` is the page `/index/NAME/`.
    pub indices: Option<String>,
}

/// What a file under content/ is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SourceKind {
    /// A markdown page; in collection `collection` (an index into the collections) when
    /// it is one's entry.
    Markdown {
        /// The collection it belongs to.
        collection: Option<usize>,
    },
    /// A landing page written as YAML.
    Landing,
    /// An index page written as YAML.
    Index,
    /// The redirects file.
    Redirects,
    /// Not a page (an include, a data file, a static file, or a file of a `_` folder no
    /// setting names).
    Other,
}

impl Structure {
    /// What the file at `rel` (relative to content/, `/`-separated) is.
    pub(crate) fn classify(&self, rel: &str) -> SourceKind {
        if self.redirects.as_deref() == Some(rel) {
            return SourceKind::Redirects;
        }
        if let Some(folder) = &self.landing_pages {
            if let Some(inner) = within(rel, folder) {
                if (inner.ends_with(".yaml") || inner.ends_with(".yml")) && !hidden(inner) {
                    return SourceKind::Landing;
                }
                return SourceKind::Other;
            }
        }
        if let Some(folder) = &self.indices {
            if let Some(inner) = within(rel, folder) {
                let yaml = inner.ends_with(".yaml") || inner.ends_with(".yml");
                if yaml && !inner.contains('/') && !hidden(inner) {
                    return SourceKind::Index;
                }
                return SourceKind::Other;
            }
        }
        for (i, c) in self.collections.iter().enumerate() {
            if let Some(inner) = within(rel, &c.folder) {
                let name = inner.rsplit('/').next().unwrap_or(inner);
                let entry = match &c.entry_file {
                    Some(only) => name == only,
                    None => name.ends_with(".md"),
                };
                if entry && !hidden(inner) {
                    return SourceKind::Markdown {
                        collection: Some(i),
                    };
                }
                return SourceKind::Other;
            }
        }
        if rel.split('/').any(|c| c.starts_with('_')) || !page_url::is_page_path(rel) {
            return SourceKind::Other;
        }
        SourceKind::Markdown { collection: None }
    }

    /// The URL key an entry of collection `c` at `rel` has without a permalink of its own.
    pub(crate) fn collection_url(
        &self,
        c: usize,
        rel: &str,
    ) -> Result<String, out_path::BadPermalink> {
        let coll = &self.collections[c];
        let inner = within(rel, &coll.folder).unwrap_or(rel);
        let path = inner.strip_suffix(".md").unwrap_or(inner);
        let path = path
            .strip_suffix("/index")
            .or_else(|| (path == "index").then_some(""))
            .unwrap_or(path);
        let name = path.rsplit('/').next().unwrap_or(path);
        let url = coll.permalink.replace(":path", path).replace(":name", name);
        out_path::permalink_key(&url)
    }

    /// The URL key of index page `rel`: `index/NAME/`.
    pub(crate) fn index_url(&self, rel: &str) -> String {
        let name = rel.rsplit('/').next().unwrap_or(rel);
        let stem = name
            .strip_suffix(".yaml")
            .or_else(|| name.strip_suffix(".yml"))
            .unwrap_or(name);
        format!("index/{stem}/")
    }

    /// The URL key of landing page `rel`: its path in the landing folder, without the
    /// extension (`gateway/entities.yaml` → `gateway/entities/`; `index.yaml` is the home
    /// page).
    pub(crate) fn landing_url(&self, rel: &str) -> String {
        let inner = self
            .landing_pages
            .as_deref()
            .and_then(|f| within(rel, f))
            .unwrap_or(rel);
        let stem = inner
            .strip_suffix(".yaml")
            .or_else(|| inner.strip_suffix(".yml"))
            .unwrap_or(inner);
        page_url::url_for(&format!("{stem}.md"))
    }
}

/// `rel` relative to `folder` (both relative to content/), when it is inside it.
fn within<'a>(rel: &'a str, folder: &str) -> Option<&'a str> {
    let folder = folder.trim_matches('/');
    rel.strip_prefix(folder)?.strip_prefix('/')
}

/// True for a path with a part that starts with `.` or `_` (drafts and partials inside a
/// structured folder are not pages).
fn hidden(inner: &str) -> bool {
    inner
        .split('/')
        .any(|p| p.starts_with('.') || p.starts_with('_'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn structure() -> Structure {
        Structure {
            collections: vec![
                Collection {
                    name: "how-tos".into(),
                    folder: "_how-tos".into(),
                    permalink: "/how-to/:path/".into(),
                    entry_file: None,
                    hub: Some("/how-to/".into()),
                    title: None,
                    icon_folder: None,
                    description: None,
                    filters: Vec::new(),
                    defaults: None,
                },
                Collection {
                    name: "plugins".into(),
                    folder: "_plugins".into(),
                    permalink: "/plugins/:path/".into(),
                    entry_file: Some("index.md".into()),
                    hub: None,
                    title: None,
                    icon_folder: None,
                    description: None,
                    filters: Vec::new(),
                    defaults: None,
                },
            ],
            landing_pages: Some("_landing_pages".into()),
            redirects: Some("_redirects".into()),
            indices: Some("_indices".into()),
        }
    }

    #[test]
    fn files_are_classified_by_the_settings() {
        let s = structure();
        let coll = |c| SourceKind::Markdown { collection: c };
        assert_eq!(s.classify("gateway/network.md"), coll(None));
        assert_eq!(s.classify("_how-tos/gateway/rate-limit.md"), coll(Some(0)));
        assert_eq!(s.classify("_how-tos/_draft/x.md"), SourceKind::Other);
        assert_eq!(s.classify("_how-tos/notes.txt"), SourceKind::Other);
        assert_eq!(s.classify("_plugins/acl/index.md"), coll(Some(1)));
        assert_eq!(s.classify("_plugins/acl/reference.md"), SourceKind::Other);
        assert_eq!(
            s.classify("_landing_pages/gateway.yaml"),
            SourceKind::Landing
        );
        assert_eq!(s.classify("_landing_pages/a/b.yml"), SourceKind::Landing);
        assert_eq!(s.classify("_landing_pages/readme.md"), SourceKind::Other);
        assert_eq!(s.classify("_redirects"), SourceKind::Redirects);
        assert_eq!(s.classify("_indices/gateway.yaml"), SourceKind::Index);
        assert_eq!(s.classify("_indices/a/b.yaml"), SourceKind::Other);
        assert_eq!(s.index_url("_indices/gateway.yaml"), "index/gateway/");
        assert_eq!(s.classify("_includes/x.md"), SourceKind::Other);
        assert_eq!(s.classify("_how-tosx/y.md"), SourceKind::Other);
    }

    #[test]
    fn collection_and_landing_urls() {
        let s = structure();
        assert_eq!(
            s.collection_url(0, "_how-tos/gateway/rate-limit.md")
                .unwrap(),
            "how-to/gateway/rate-limit/"
        );
        assert_eq!(
            s.collection_url(1, "_plugins/acl/index.md").unwrap(),
            "plugins/acl/"
        );
        assert_eq!(
            s.landing_url("_landing_pages/gateway/entities.yaml"),
            "gateway/entities/"
        );
        assert_eq!(s.landing_url("_landing_pages/index.yaml"), "");
        // A path that would leave the site through the pattern is refused like a permalink.
        let mut bad = structure();
        bad.collections[0].permalink = "/../:path/".into();
        assert!(bad.collection_url(0, "_how-tos/x.md").is_err());
    }
}
