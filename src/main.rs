//! The `portolan` command line: the subcommands' arguments and dispatch. Each subcommand
//! lives in `cmd/` and only turns arguments into calls to the crates (site, serve,
//! endpoints) and their results into output and an exit code.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cmd;

/// mimalloc, not the system allocator: a build allocates and frees millions of small strings
/// and maps across threads (Liquid values, Tera contexts, HTML), and glibc's malloc spent a
/// sixth of a 10,000-page build in allocation and free (see bench/README.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

/// Portolan: a static documentation site generator for Kong-style reference pages.
#[derive(Parser)]
#[command(name = "portolan", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start a new site in DIR: settings, a home page and an example page to copy from.
    Init(cmd::init::Args),
    /// Build the site into its output folder (SITE_DIR/public by default).
    Build(cmd::build::Args),
    /// Build in memory and check every link and anchor; exit 1 when any is broken.
    Check(cmd::check::Args),
    /// Print the hostnames and ports to allow for a geo and control-plane prefix, computed
    /// from the site's content exactly as the page's calculator does.
    Hosts(cmd::hosts::Args),
    /// Measure one-page incremental rebuilds (as `serve` does them): build once in memory,
    /// then edit PAGE RUNS times and time each rebuild. Restores the page afterwards.
    #[command(hide = true)]
    BenchRebuild(cmd::bench_rebuild::Args),
    /// Build the site in memory, serve it, and rebuild and reload the browser on every change.
    Serve(cmd::serve::Args),
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Init(args) => cmd::init::run(args),
        Command::Build(args) => cmd::build::run(args),
        Command::Serve(args) => cmd::serve::run(args),
        Command::Check(args) => cmd::check::run(args),
        Command::Hosts(args) => cmd::hosts::run(args),
        Command::BenchRebuild(args) => cmd::bench_rebuild::run(args),
    }
}
