//! One module per subcommand, each with its `Args` and `run`.

pub(crate) mod bench_rebuild;
pub(crate) mod build;
pub(crate) mod check;
pub(crate) mod hosts;
pub(crate) mod serve;

use std::path::PathBuf;

/// Site options for `site_dir`, with the theme and calculator bundle built into the binary
/// for sites that have none of their own.
pub(crate) fn options(site_dir: PathBuf) -> portolan_site::Options {
    portolan_site::Options {
        embedded: crate::embedded::EMBEDDED,
        ..portolan_site::Options::new(site_dir)
    }
}

/// `s` when `n` is not 1.
pub(crate) fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
