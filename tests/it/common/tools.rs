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

/// A program (or file) a browser or hosting test drives.
#[derive(Debug, Clone, Copy)]
pub enum Tool {
    Chromium,
    ChromeDriver,
    /// axe-core's script, which scripts/install-test-deps keeps in the user's cache.
    Axe,
    Nginx,
}

impl Tool {
    fn name(self) -> &'static str {
        match self {
            Tool::Chromium => "chromium",
            Tool::ChromeDriver => "chromedriver",
            Tool::Axe => "axe-core",
            Tool::Nginx => "nginx",
        }
    }

    fn here(self) -> bool {
        match self {
            Tool::Chromium => find(&["chromium", "chromium-browser", "google-chrome"]).is_some(),
            Tool::ChromeDriver => find(&["chromedriver"]).is_some(),
            Tool::Axe => super::browser::axe_file().is_file(),
            Tool::Nginx => find(&["nginx"]).is_some(),
        }
    }
}

/// Whether every tool `test` drives is here. When one is missing, the test is skipped, and
/// says so on the terminal (written past the test harness's capture, so `cargo test` shows
/// it); with `PORTOLAN_REQUIRE_ALL` set (scripts/test-all sets it) it fails instead.
pub fn present(test: &str, tools: &[Tool]) -> bool {
    let missing: Vec<&str> = tools
        .iter()
        .filter(|t| !t.here())
        .map(|t| t.name())
        .collect();
    if missing.is_empty() {
        return true;
    }
    let what = format!(
        "{test}: needs {}; scripts/install-test-deps installs them, and scripts/test-all runs every test",
        missing.join(", ")
    );
    if std::env::var_os("PORTOLAN_REQUIRE_ALL").is_some() {
        panic!("{what}");
    }
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "skipped {what}");
    false
}

/// Returns from the test, skipped, unless the tools it names are here (see [`present`]).
macro_rules! requires {
    ($($tool:ident),+) => {
        // The test's own name: the path of a function declared inside it.
        fn here() {}
        let test = std::any::type_name_of_val(&here)
            .trim_end_matches("::here")
            .trim_end_matches("::{{closure}}");
        if !$crate::common::tools::present(test, &[$($crate::common::tools::Tool::$tool),+]) {
            return;
        }
    };
}
pub(crate) use requires;
