//! Anchor ids for headings, FAQ questions and table rows.

use std::collections::{HashMap, HashSet};

/// Ids the theme gives its own elements; headings and FAQs never take them.
pub const RESERVED_IDS: [&str; 10] = [
    "faq",
    "toc-title",
    "related-title",
    "next-steps-title",
    "main",
    "portolan-calculator",
    "tldr-title",
    "prerequisites",
    "cleanup",
    "series-title",
];

/// Jekyll's `slugify` (default mode), as the engine's filter computes it: breadcrumbs name
/// index pages by it.
pub use portolan_liquid::jekyll_slugify;

/// Turns text into an anchor id the way kramdown's auto ids do on Kong's site: lower case,
/// letters and digits kept, spaces become hyphens, other punctuation dropped. Hyphen runs
/// are not collapsed, so ids match the ones Kong's pages link to.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if c == ' ' || c == '-' || c == '_' {
            out.push(if c == '_' { '_' } else { '-' });
        }
    }
    let trimmed = out.trim_matches('-');
    if trimmed.is_empty() {
        "section".to_string()
    } else {
        trimmed.to_string()
    }
}

/// Hands out ids that are unique within a page: a repeat gets `-1`, `-2`, ...
#[derive(Debug, Default)]
pub(crate) struct UniqueIds {
    used: HashSet<String>,
    /// For each base that was repeated, the N to try first: every smaller one is taken (the
    /// set only grows), so a thousand repeats of a heading do not probe a million ids.
    next: HashMap<String, usize>,
}

impl UniqueIds {
    /// Marks `id` as taken without handing it out.
    pub(crate) fn reserve(&mut self, id: &str) {
        self.used.insert(id.to_string());
    }

    /// Returns `base`, or `base-N` for the first N that is still free.
    pub(crate) fn unique(&mut self, base: &str) -> String {
        if self.used.insert(base.to_string()) {
            return base.to_string();
        }
        let n = self.next.entry(base.to_string()).or_insert(1);
        loop {
            let c = format!("{base}-{n}");
            *n += 1;
            if self.used.insert(c.clone()) {
                return c;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_match_kramdown_auto_ids() {
        assert_eq!(slugify("Control plane ports"), "control-plane-ports");
        assert_eq!(
            slugify("Use a forward proxy to secure communication across a firewall"),
            "use-a-forward-proxy-to-secure-communication-across-a-firewall"
        );
        assert_eq!(
            slugify("How do the Control Plane and Data Plane communicate?"),
            "how-do-the-control-plane-and-data-plane-communicate"
        );
        assert_eq!(
            slugify("Can I change a Data Plane node's configuration?"),
            "can-i-change-a-data-plane-nodes-configuration"
        );
        assert_eq!(slugify("`kong.conf` setting"), "kongconf-setting");
        assert_eq!(slugify("!!!"), "section");
    }

    #[test]
    fn repeated_ids_get_numbered() {
        let mut ids = UniqueIds::default();
        assert_eq!(ids.unique("a"), "a");
        assert_eq!(ids.unique("a"), "a-1");
        assert_eq!(ids.unique("a"), "a-2");
        ids.reserve("b-2");
        assert_eq!(ids.unique("b"), "b");
        assert_eq!(ids.unique("b"), "b-1");
        assert_eq!(ids.unique("b"), "b-3");
        assert_eq!(ids.unique("b-1"), "b-1-1");
    }

    #[test]
    fn many_repeats_stay_fast() {
        let mut ids = UniqueIds::default();
        let t = std::time::Instant::now();
        for _ in 0..100_000 {
            ids.unique("a");
        }
        assert_eq!(ids.unique("a"), "a-100000");
        // A hang guard (quadratic numbering took minutes), not a performance figure.
        assert!(t.elapsed().as_secs() < 60, "{:?}", t.elapsed());
    }
}
