//! One module per subcommand, each with its `Args` and `run`.

pub(crate) mod bench_rebuild;
pub(crate) mod build;
pub(crate) mod check;
pub(crate) mod hosts;
pub(crate) mod init;
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

/// Where caches go, from `--cache-dir` and `--no-cache`.
pub(crate) fn cache(dir: Option<PathBuf>, off: bool) -> portolan_site::Cache {
    match (dir, off) {
        (_, true) => portolan_site::Cache::Off,
        (Some(d), false) => portolan_site::Cache::At(d),
        (None, false) => portolan_site::Cache::InSite,
    }
}

/// The caches `serve` and `check` read (they write none): where a build of this site
/// keeps them, the user's cache folder when the site folder could not hold them.
pub(crate) fn readable_cache(
    dir: Option<PathBuf>,
    off: bool,
    site_dir: &std::path::Path,
) -> portolan_site::Cache {
    portolan_site::cache_dir::readable(cache(dir, off), site_dir)
}

/// `s` when `n` is not 1.
pub(crate) fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// `--message-format`: how diagnostics are printed.
#[derive(Debug, Clone, Copy, Default, clap::ValueEnum)]
pub(crate) enum MessageFormat {
    /// For eyes, on stderr: each diagnostic with its source line, then a summary.
    #[default]
    Human,
    /// One JSON object per diagnostic and line, on stdout; the summary stays on stderr.
    Json,
    /// GitHub Actions annotations (`::error file=...,line=...::`), on stdout.
    Github,
}

impl MessageFormat {
    pub(crate) fn site(self) -> portolan_site::MessageFormat {
        match self {
            MessageFormat::Human => portolan_site::MessageFormat::Human,
            MessageFormat::Json => portolan_site::MessageFormat::Json,
            MessageFormat::Github => portolan_site::MessageFormat::Github,
        }
    }

    /// Prints rendered diagnostics where this format goes: the human text on stderr with
    /// the rest of the messages, the machine formats on stdout, for a pipe to read.
    pub(crate) fn print(self, rendered: &str) {
        match self {
            MessageFormat::Human => eprint!("{rendered}"),
            MessageFormat::Json | MessageFormat::Github => print!("{rendered}"),
        }
    }

    /// After a machine format's diagnostics, the human summary line on stderr (the
    /// human text carries its own).
    pub(crate) fn print_summary(self, diags: &[portolan_dialect::Diagnostic], job: &str) {
        if matches!(self, MessageFormat::Human) {
            return;
        }
        if let Some(line) = portolan_site::messages::summary(diags, job) {
            eprintln!("{line}");
        }
    }
}
