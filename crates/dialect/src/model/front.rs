//! A page's frontmatter, typed: what a page says of itself (title, breadcrumbs, products,
//! FAQs, related resources, versions...) and where each key is written. Types only: reading
//! and rendering them is `crate::frontmatter`'s.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::{Deserialize, Deserializer, Serialize};

use crate::diag::{FileId, Span};

/// A link in the "Related resources" or "Next steps" box.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelatedResource {
    /// Link text.
    pub text: String,
    /// Target.
    pub url: String,
}

/// A breadcrumb: the URL of a page above this one, or (Kong's index pages) a place in an
/// index: `{index, group?, section?}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Breadcrumb {
    /// A page's URL, e.g. `/gateway/`.
    Url(String),
    /// A section of one of Kong's generated index pages.
    Index {
        /// The index, e.g. `kubernetes-ingress-controller`.
        index: String,
        /// A group in it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        group: Option<String>,
        /// A section in it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        section: Option<String>,
    },
}

impl Breadcrumb {
    /// The URL it links to: the page's, or the index page's anchor
    /// (`/index/<index>/#<group>--<section>`, as Kong's site writes them).
    pub fn url(&self) -> String {
        match self {
            Breadcrumb::Url(u) => u.clone(),
            Breadcrumb::Index {
                index,
                group,
                section,
            } => {
                let slug = |s: &Option<String>| s.as_deref().map(crate::slug::jekyll_slugify);
                let anchor: Vec<String> =
                    [slug(group), slug(section)].into_iter().flatten().collect();
                if anchor.is_empty() {
                    format!("/index/{index}/")
                } else {
                    format!("/index/{index}/#{}", anchor.join("--"))
                }
            }
        }
    }

    /// The text an index entry gives for itself (its section, else its group), to show
    /// when the target is not a page of this site.
    pub fn label(&self) -> Option<&str> {
        match self {
            Breadcrumb::Url(_) => None,
            Breadcrumb::Index { section, group, .. } => section.as_deref().or(group.as_deref()),
        }
    }
}

/// A version a page applies from (or up to), per product: `{gateway: 3.10}`. Each is its
/// text as written, quoted or not (`3.10` stays `3.10`, never the number 3.1).
fn versions<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, String>, D::Error> {
    let raw: BTreeMap<String, Option<String>> = Deserialize::deserialize(d)?;
    Ok(raw
        .into_iter()
        .map(|(k, v)| (k, v.unwrap_or_default()))
        .collect())
}

/// One question and answer; both are markdown with Liquid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Faq {
    /// The question.
    pub q: String,
    /// The answer.
    pub a: String,
}

/// The frontmatter of a page, typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FrontMatter {
    /// Page title (required).
    pub title: String,
    /// A shorter title for breadcrumbs and navigation.
    pub short_title: Option<String>,
    /// One or two sentences: the lead paragraph and the meta description.
    pub description: Option<String>,
    /// Kong's content type, e.g. `reference`.
    pub content_type: Option<String>,
    /// The theme template to render with (defaults to `page`).
    pub layout: Option<String>,
    /// The pages above this one.
    pub breadcrumbs: Vec<Breadcrumb>,
    /// Product ids (shown as "Uses" badges).
    pub products: Vec<String>,
    /// Where it works: `on-prem`, `konnect`.
    pub works_on: Vec<String>,
    /// Tool ids (shown as badges).
    pub tools: Vec<String>,
    /// Links for the "Related Resources" box.
    pub related_resources: Vec<RelatedResource>,
    /// Questions and answers.
    pub faqs: Vec<Faq>,
    /// Order among siblings in navigation (smaller first).
    pub weight: Option<i64>,
    /// The page's URL, when it is not the one its file's path gives.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permalink: Option<String>,
    /// A line under the title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<String>,
    /// Topic tags (shown as badges).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Other words search should find the page by.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub search_aliases: Vec<String>,
    /// The edition the page needs, e.g. `enterprise`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
    /// The feature is in beta.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub beta: bool,
    /// The feature is a tech preview.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub tech_preview: bool,
    /// The first version of each product the page applies to (a "v3.4+" badge).
    #[serde(
        deserialize_with = "versions",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub min_version: BTreeMap<String, String>,
    /// The last version of each product the page applies to.
    #[serde(
        deserialize_with = "versions",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub max_version: BTreeMap<String, String>,
    /// Links for the "Next steps" box.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub next_steps: Vec<RelatedResource>,
    /// Kong's API specifications the page is about, e.g. `konnect/portal-management`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub api_specs: Vec<String>,
    /// Kong's plugins the page is about.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub plugins: Vec<String>,
    /// Where the frontmatter and its keys are written (not part of the page model).
    #[serde(skip)]
    pub spans: FrontSpans,
    /// The frontmatter as written, every key: what pages read as `page.*`.
    #[serde(skip)]
    pub raw: portolan_yaml::Node,
}

/// Where a page's frontmatter is written: what problems found after parsing (a layout the
/// theme lacks, a breadcrumb to no page, a value in an FAQ) point at.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FrontSpans {
    /// The YAML between the fences.
    pub yaml: Option<Range<usize>>,
    /// Where the body starts.
    pub body_start: usize,
    /// Each top-level key as written, in order.
    pub keys: Vec<(String, Span)>,
    /// Each breadcrumb's value as written, in order (the frontmatter's start for one that
    /// is not written verbatim).
    pub breadcrumbs: Vec<Span>,
}

impl FrontSpans {
    /// Where top-level key `key` is written.
    pub fn key(&self, key: &str) -> Option<Span> {
        self.keys.iter().find(|(k, _)| k == key).map(|(_, s)| *s)
    }

    /// Where key `key` is written, else the start of the frontmatter (of the file when it
    /// has none).
    pub fn key_or_start(&self, file: FileId, key: &str) -> Span {
        self.key(key).unwrap_or_else(|| self.start(file))
    }

    fn start(&self, file: FileId) -> Span {
        let at = self.yaml.as_ref().map_or(0, |y| y.start);
        Span::new(file, at, at)
    }
}
