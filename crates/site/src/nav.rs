//! The site navigation: a tree from the content folders, each page under the page of its
//! parent folder (a folder without an index.md gets a label of its own), siblings ordered
//! by `weight`, then title; and the reading order for previous/next links.

use std::collections::HashMap;

use portolan_dialect::{Breadcrumb, FileId, FrontMatter, Span};

use crate::content::PageSource;
use crate::context::{NavItem, PageLink, PageNav};
use crate::site::Site;

/// What the index and the nav read of one page's frontmatter. A build holds this for every page
/// between reading the frontmatter and rendering, not the frontmatter: its YAML tree was
/// most of 680 MB at 100,000 pages.
#[derive(Debug, Clone)]
pub(crate) struct PageEntry {
    pub(crate) title: String,
    /// Its title in navigation ([`nav_title`]).
    pub(crate) nav_title: String,
    pub(crate) description: Option<String>,
    pub(crate) weight: Option<i64>,
    pub(crate) breadcrumbs: Vec<Breadcrumb>,
    /// Where each breadcrumb is written; `breadcrumbs_at` for one that has no place.
    breadcrumb_spans: Vec<Span>,
    breadcrumbs_at: Span,
}

impl PageEntry {
    /// The entry of the page in `file` whose frontmatter is `f`.
    pub(crate) fn of(file: FileId, f: &FrontMatter) -> PageEntry {
        PageEntry {
            title: f.title.clone(),
            nav_title: nav_title(f),
            description: f.description.clone(),
            weight: f.weight,
            breadcrumbs: f.breadcrumbs.clone(),
            breadcrumb_spans: f.spans.breadcrumbs.clone(),
            breadcrumbs_at: f.spans.key_or_start(file, "breadcrumbs"),
        }
    }

    /// Where breadcrumb `n` is written.
    pub(crate) fn breadcrumb_span(&self, n: usize) -> Span {
        self.breadcrumb_spans
            .get(n)
            .copied()
            .unwrap_or(self.breadcrumbs_at)
    }
}

/// The navigation tree.
pub(crate) struct Nav {
    nodes: Vec<NavNode>,
    by_key: HashMap<String, usize>,
    /// Pages in reading order (a pre-order walk), for previous/next links.
    order: Vec<usize>,
    /// Each node's place in `order`.
    place: Vec<Option<usize>>,
}

struct NavNode {
    key: String,
    href: Option<String>,
    title: String,
    weight: i64,
    parent: Option<usize>,
    children: Vec<usize>,
}

fn parent_key(key: &str) -> Option<String> {
    if key.is_empty() {
        return None;
    }
    let t = key.trim_end_matches('/');
    Some(
        t.rfind('/')
            .map_or(String::new(), |i| format!("{}/", &t[..i])),
    )
}

/// A page's title in navigation: its `short_title`, else its title.
pub(crate) fn nav_title(f: &FrontMatter) -> String {
    f.short_title
        .clone()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| f.title.clone())
}

impl Nav {
    pub(crate) fn new(site: &Site, pages: &[(&PageSource, &PageEntry)]) -> Nav {
        let mut nav = Nav {
            nodes: Vec::new(),
            by_key: HashMap::new(),
            order: Vec::new(),
            place: Vec::new(),
        };
        nav.node("", None, site.config.title.clone(), 0);
        for (src, page) in pages {
            let href = site.config.page_url(&src.url);
            let i = nav.node(&src.url, None, String::new(), 0);
            // Also for a node made before (the home page is the root, made first with the
            // site's title): the page gives it its link, title and weight.
            nav.nodes[i].href = Some(href);
            nav.nodes[i].title = page.nav_title.clone();
            nav.nodes[i].weight = page.weight.unwrap_or(0);
        }
        // Pages no file holds (hubs, folder pages) are nodes with links too; the home
        // page stays the site's root.
        for g in site.generated.iter().filter(|g| !g.key.is_empty()) {
            let i = nav.node(&g.key, None, String::new(), 0);
            nav.nodes[i].href = Some(site.config.page_url(&g.key));
            nav.nodes[i].title = g.title.clone();
        }
        // Link each node to its parent, creating folder nodes that have no page.
        let mut i = 0;
        while i < nav.nodes.len() {
            if let Some(pk) = parent_key(&nav.nodes[i].key) {
                let seg = pk
                    .trim_end_matches('/')
                    .rsplit('/')
                    .next()
                    .unwrap_or("")
                    .to_string();
                let p = match nav.by_key.get(&pk) {
                    Some(&p) => p,
                    None => nav.node(&pk, None, site.config.label(&seg), 0),
                };
                nav.nodes[i].parent = Some(p);
                nav.nodes[p].children.push(i);
            }
            i += 1;
        }
        let nodes = &nav.nodes;
        let mut sorted: Vec<Vec<usize>> = nodes.iter().map(|n| n.children.clone()).collect();
        for c in &mut sorted {
            c.sort_by(|&a, &b| {
                (nodes[a].weight, &nodes[a].title).cmp(&(nodes[b].weight, &nodes[b].title))
            });
        }
        for (n, c) in nav.nodes.iter_mut().zip(sorted) {
            n.children = c;
        }
        let mut stack = vec![0];
        nav.place = vec![None; nav.nodes.len()];
        while let Some(n) = stack.pop() {
            if nav.nodes[n].href.is_some() {
                nav.place[n] = Some(nav.order.len());
                nav.order.push(n);
            }
            stack.extend(nav.nodes[n].children.iter().rev());
        }
        nav
    }

    fn node(&mut self, key: &str, href: Option<String>, title: String, weight: i64) -> usize {
        if let Some(&i) = self.by_key.get(key) {
            return i;
        }
        self.nodes.push(NavNode {
            key: key.to_string(),
            href,
            title,
            weight,
            parent: None,
            children: Vec::new(),
        });
        self.by_key.insert(key.to_string(), self.nodes.len() - 1);
        self.nodes.len() - 1
    }

    /// The nav for the page at `url_key`: top-level entries with the branch leading to the
    /// page expanded (so a page's nav stays small on a large site), plus previous/next.
    pub(crate) fn for_page(&self, url_key: &str) -> PageNav<'_> {
        let current = self.by_key.get(url_key).copied();
        // A page with children shows them; a leaf shows its siblings.
        let shown = current.map_or(0, |c| {
            if self.nodes[c].children.is_empty() {
                self.nodes[c].parent.unwrap_or(0)
            } else {
                c
            }
        });
        let mut path = Vec::new();
        let mut at = Some(shown);
        while let Some(n) = at {
            path.push(n);
            at = self.nodes[n].parent;
        }
        let pos = current.and_then(|c| self.place[c]);
        let link = |i: usize| {
            let n = &self.nodes[i];
            PageLink {
                url: n.href.as_deref(),
                title: &n.title,
            }
        };
        PageNav {
            items: self.items(&self.nodes[0].children, &path, current),
            prev: pos
                .and_then(|p| p.checked_sub(1))
                .map(|p| link(self.order[p])),
            next: pos.and_then(|p| self.order.get(p + 1)).map(|&p| link(p)),
        }
    }

    fn items(
        &self,
        children: &[usize],
        path: &[usize],
        current: Option<usize>,
    ) -> Vec<NavItem<'_>> {
        children
            .iter()
            .map(|&c| {
                let n = &self.nodes[c];
                let open = path.contains(&c);
                NavItem {
                    title: &n.title,
                    url: n.href.as_deref(),
                    open,
                    current: Some(c) == current,
                    has_children: !n.children.is_empty(),
                    children: if open {
                        self.items(&n.children, path, current)
                    } else {
                        Vec::new()
                    },
                }
            })
            .collect()
    }
}
