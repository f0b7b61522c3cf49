//! The type of every URL the theme is given to link: one that passed the site's one URL
//! policy (`portolan_htmlscan::is_unsafe_url`: no `javascript:`, `vbscript:` or `data:`).
//!
//! Tera escapes what it writes into an attribute, but escaping cannot make a `javascript:`
//! link safe, so the context's link fields hold a [`SafeUrl`], which only [`SafeUrl::new`]
//! makes. The dialect reports such URLs as errors at their line; this keeps any that reach
//! the context another way (a future field, a component) from being written at all.

use serde::Serialize;

/// A URL that may be written as a link's target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub(crate) struct SafeUrl(String);

impl SafeUrl {
    /// `url`, unless the URL policy refuses it.
    pub(crate) fn new(url: String) -> Option<SafeUrl> {
        (!portolan_htmlscan::is_unsafe_url(&url, false)).then_some(SafeUrl(url))
    }

    /// The URL.
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_urls_the_policy_allows() {
        for ok in ["/a/", "https://example.com/", "#x", "mailto:a@b.c", "a/b"] {
            assert_eq!(SafeUrl::new(ok.into()).unwrap().as_str(), ok);
        }
        for bad in [
            "javascript:alert(1)",
            " JaVaScRiPt:alert(1)",
            "java\tscript:x",
            "vbscript:x",
            "data:text/html,<script>alert(1)</script>",
        ] {
            assert!(SafeUrl::new(bad.into()).is_none(), "{bad}");
        }
    }
}
