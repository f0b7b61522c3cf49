//! The one policy for paths the build writes: every output file is named by a relative,
//! normalised path that stays inside the output folder.
//!
//! Authors name output paths through `permalink:`, and a permalink is content anyone can
//! write in a pull request. So a permalink is read as a URL path the way a browser resolves
//! it (`.` and `..` segments, their percent-encoded forms, `\` as `/`), and one that would
//! climb out of the site, or that a browser could not ask for as written, is an error at its
//! line; [`check_relative`] then refuses anything else that is not a plain relative path at
//! the moment of writing, so no caller can reach outside the output by mistake.

use std::io;
use std::path::{Component, Path};

/// Why a permalink cannot name a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BadPermalink {
    /// What is wrong.
    pub(crate) message: String,
    /// How to fix it.
    pub(crate) hint: &'static str,
}

impl BadPermalink {
    fn new(message: impl Into<String>, hint: &'static str) -> Self {
        BadPermalink {
            message: message.into(),
            hint,
        }
    }
}

/// The page key (`a/b/`, `` for the home page) of a permalink as written (`/a/b/`),
/// normalised as a browser resolves it: empty and `.` segments dropped, `..` taking back
/// the segment before it. A permalink that climbs above the site's root, or carries what a
/// path cannot (a query, a fragment, control characters, Liquid), is refused.
pub(crate) fn permalink_key(permalink: &str) -> Result<String, BadPermalink> {
    const PATH_HINT: &str = "write the page's path from the site's root, e.g. `/gateway/install/`";
    if !permalink.starts_with('/') {
        return Err(BadPermalink::new(
            format!("permalink `{permalink}` does not start with `/`"),
            PATH_HINT,
        ));
    }
    if let Some(c) = permalink.chars().find(|c| c.is_control()) {
        return Err(BadPermalink::new(
            format!("permalink holds the control character {c:?}"),
            PATH_HINT,
        ));
    }
    if permalink.contains(['?', '#']) {
        return Err(BadPermalink::new(
            "a permalink is a path: it cannot hold a query (`?`) or a fragment (`#`)",
            PATH_HINT,
        ));
    }
    if permalink.contains(['{', '}']) {
        return Err(BadPermalink::new(
            "permalinks are not templated: `{` and `}` cannot appear in one",
            PATH_HINT,
        ));
    }
    let mut segments: Vec<&str> = Vec::new();
    // Browsers read `\` as `/` in http(s) URLs, and `%2e` as `.` in a dot segment.
    for segment in permalink.split(['/', '\\']) {
        match dot_segment(segment) {
            Some(Dots::One) => {}
            Some(Dots::Two) => {
                if segments.pop().is_none() {
                    return Err(BadPermalink::new(
                        format!("permalink `{permalink}` climbs above the site's root"),
                        "a page is published inside the site: remove the `..` segments",
                    ));
                }
            }
            None if segment.is_empty() => {}
            None => segments.push(segment),
        }
    }
    if permalink.contains('\\') {
        return Err(BadPermalink::new(
            format!(
                "permalink `{permalink}` holds `\\`, which browsers read as `/`: write `/{}/`",
                segments.join("/")
            ),
            PATH_HINT,
        ));
    }
    Ok(if segments.is_empty() {
        String::new()
    } else {
        format!("{}/", segments.join("/"))
    })
}

enum Dots {
    One,
    Two,
}

/// `.` and `..` as URL parsers see them, percent-encoded dots included.
fn dot_segment(segment: &str) -> Option<Dots> {
    let lower = segment.to_ascii_lowercase();
    let decoded = lower.replace("%2e", ".");
    match decoded.as_str() {
        "." => Some(Dots::One),
        ".." => Some(Dots::Two),
        _ => None,
    }
}

/// Refuses an output path that is not a plain relative path (`a/b/index.html`): no root,
/// no `.` or `..` component, no empty name, no NUL. Called for every file written, so the
/// output folder is the only place a build can write, whatever named the file.
pub(crate) fn check_relative(rel: &str) -> io::Result<()> {
    let plain = !rel.is_empty()
        && !rel.starts_with('/')
        && !rel.contains('\0')
        && !rel
            .split('/')
            .any(|c| c.is_empty() || c == "." || c == "..")
        && Path::new(rel)
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
    if plain {
        Ok(())
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("refusing to write `{rel}`: not a plain path inside the output folder"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permalinks_normalise_like_browsers() {
        for (written, key) in [
            ("/", ""),
            ("/./", ""),
            ("//", ""),
            ("/a/b/", "a/b/"),
            ("/a/b", "a/b/"),
            ("/a//b/./", "a/b/"),
            ("/a/../b/", "b/"),
            ("/a/%2E%2e/b/", "b/"),
            ("/a/%2e/", "a/"),
            ("/a/.../", "a/.../"),
            ("/a/..b/", "a/..b/"),
        ] {
            assert_eq!(permalink_key(written).as_deref(), Ok(key), "{written}");
        }
    }

    #[test]
    fn permalinks_that_leave_the_site_are_refused() {
        for written in [
            "/../victim/",
            "/../../../../victim/",
            "/a/../../x/",
            "/%2e%2e/x/",
            "/.%2E/x/",
            "/..",
            "/a/..\\..\\x/",
        ] {
            let err = permalink_key(written).unwrap_err();
            assert!(err.message.contains("climbs above"), "{written}: {err:?}");
        }
    }

    #[test]
    fn permalinks_that_are_not_paths_are_refused() {
        for (written, says) in [
            ("a/b/", "does not start with `/`"),
            ("", "does not start with `/`"),
            ("/a/?x=1", "query"),
            ("/a/#top", "fragment"),
            ("/a\nb/", "control character"),
            ("/a\u{0}/", "control character"),
            ("/{{ page.x }}/", "not templated"),
            ("/a\\b/", "browsers read as `/`: write `/a/b/`"),
        ] {
            let err = permalink_key(written).unwrap_err();
            assert!(err.message.contains(says), "{written:?}: {err:?}");
        }
    }

    #[test]
    fn only_plain_relative_paths_are_written() {
        for ok in ["index.html", "a/b/index.json", "assets/x.css", "a/.hidden"] {
            assert!(check_relative(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a/./b",
            "a//b",
            "a/",
            "a\0b",
            "..",
        ] {
            assert!(check_relative(bad).is_err(), "{bad:?}");
        }
    }
}
