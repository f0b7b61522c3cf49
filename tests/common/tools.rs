//! Finding the programs the browser and hosting tests drive: on PATH, then in the sbin
//! folders (where Debian puts nginx), never at one fixed path.

use std::path::PathBuf;

/// The first of `names` found; a panic saying what to install when none is.
pub fn require(names: &[&str], install: &str) -> PathBuf {
    find(names).unwrap_or_else(|| {
        panic!(
            "{} not found on PATH (or in /usr/sbin, /sbin): install it with scripts/install-test-deps, or {install}",
            names.join(" / ")
        )
    })
}

/// The first of `names` on PATH or in the sbin folders.
pub fn find(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs: Vec<PathBuf> = std::env::split_paths(&path)
        .chain(["/usr/local/sbin", "/usr/sbin", "/sbin"].map(PathBuf::from))
        .collect();
    names
        .iter()
        .find_map(|name| dirs.iter().map(|d| d.join(name)).find(|p| p.is_file()))
}
