//! The `portolan` command line: argument parsing, progress output and exit codes. The work
//! itself lives in the crates (site, dialect, endpoints).

use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

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
    /// Build the site into its output folder (SITE_DIR/public by default).
    Build {
        /// The site folder: holds portolan.yaml and content/ [default: .]
        #[arg(default_value = ".")]
        site_dir: PathBuf,
        /// Output folder [default: SITE_DIR/public]
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// Path the site is served under, e.g. /docs/ (overrides portolan.yaml)
        #[arg(long)]
        base_url: Option<String>,
        /// Print only errors.
        #[arg(long, short)]
        quiet: bool,
        /// Keep the HTML's indentation (minified by default; `minify: false` in portolan.yaml).
        #[arg(long)]
        no_minify: bool,
    },
    /// Build in memory and check every link and anchor; exit 1 when any is broken.
    Check {
        /// The site folder [default: .]
        #[arg(default_value = ".")]
        site_dir: PathBuf,
        /// Also list every link that goes upstream and every external link.
        #[arg(long, short)]
        verbose: bool,
    },
    /// Build the site in memory, serve it, and rebuild and reload the browser on every change.
    Serve {
        /// The site folder [default: .]
        #[arg(default_value = ".")]
        site_dir: PathBuf,
        /// Port to listen on (0 picks a free one).
        #[arg(long, short, default_value_t = 8000)]
        port: u16,
        /// Address to listen on. The default, 127.0.0.1, lets only this machine connect;
        /// 0.0.0.0 exposes the server to the network.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Path the site is served under, e.g. /docs/ (overrides portolan.yaml)
        #[arg(long)]
        base_url: Option<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build { site_dir, out, base_url, quiet, no_minify } => build(site_dir, out, base_url, quiet, no_minify),
        Command::Serve { site_dir, port, bind, base_url } => serve(site_dir, port, bind, base_url),
        Command::Check { site_dir, verbose } => check(site_dir, verbose),
    }
}

fn build(site_dir: PathBuf, out: Option<PathBuf>, base_url: Option<String>, quiet: bool, no_minify: bool) -> ExitCode {
    let opts = portolan_site::Options { site_dir, out_dir: out, base_url, embedded: embedded::EMBEDDED, minify: no_minify.then_some(false) };
    if !quiet {
        eprintln!("Building {} ...", opts.site_dir.display());
    }
    match portolan_site::build(&opts) {
        Ok(report) => {
            if !quiet {
                eprint!("{}", report.warnings);
                let warn = match report.warning_count {
                    0 => String::new(),
                    1 => ", 1 warning".to_string(),
                    n => format!(", {n} warnings"),
                };
                eprintln!(
                    "Built {} page{} and {} other files in {} ms{warn} -> {}",
                    report.pages,
                    if report.pages == 1 { "" } else { "s" },
                    report.files,
                    report.elapsed.as_millis(),
                    report.out_dir.display()
                );
                if std::io::stderr().is_terminal() {
                    eprintln!("View it: python3 -m http.server -d {} 8000, then open http://127.0.0.1:8000/", report.out_dir.display());
                }
            }
            ExitCode::SUCCESS
        }
        Err(failure) => {
            eprint!("{}", failure.rendered);
            ExitCode::FAILURE
        }
    }
}

fn serve(site_dir: PathBuf, port: u16, bind: std::net::IpAddr, base_url: Option<String>) -> ExitCode {
    let site = portolan_site::Options { site_dir, out_dir: None, base_url, embedded: embedded::EMBEDDED, minify: None };
    let opts = portolan_serve::ServeOptions { site, addr: std::net::SocketAddr::new(bind, port), verbose: true };
    match portolan_serve::start(opts, |line| eprintln!("{line}")) {
        Ok(server) => {
            let scope = if server.addr.ip().is_loopback() { "only this machine can connect; --bind 0.0.0.0 to expose it" } else { "reachable from the network" };
            eprintln!("Serving on http://{}/ ({scope}). Watching for changes; Ctrl-C stops.", server.addr);
            server.wait();
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: cannot serve: {e}");
            ExitCode::FAILURE
        }
    }
}

fn check(site_dir: PathBuf, verbose: bool) -> ExitCode {
    let opts = portolan_site::Options { site_dir, out_dir: None, base_url: None, embedded: embedded::EMBEDDED, minify: None };
    let session = portolan_site::Session::new(opts);
    let sources = session.sources();
    let mut diags = session.diagnostics();
    let Some(report) = session.check() else {
        eprint!("{}", sources.render(&diags));
        return ExitCode::FAILURE;
    };
    let mut broken = report.errors;
    // An include's link is reported once, not once per page that includes it.
    broken.sort_by_key(|d| (d.span, d.message.clone()));
    broken.dedup_by(|a, b| a.span == b.span && a.message == b.message);
    let links_broken = broken.len();
    let mut upstream = report.upstream;
    upstream.sort();
    upstream.dedup();
    let mut external = report.external;
    external.sort();
    external.dedup();
    diags.extend(broken);
    if !diags.is_empty() {
        eprint!("{}", sources.render_for(&diags, "check"));
    }
    if verbose {
        for (pos, url, to) in &upstream {
            println!("upstream  {pos}  {url} -> {to}");
        }
        for (pos, url) in &external {
            println!("external  {pos}  {url}");
        }
    }
    eprintln!(
        "Checked {} pages: {links_broken} broken link{} or anchor{}, {} link{} sent upstream, {} external link{} (not fetched){}",
        session.page_count(),
        if links_broken == 1 { "" } else { "s" },
        if links_broken == 1 { "" } else { "s" },
        upstream.len(),
        if upstream.len() == 1 { "" } else { "s" },
        external.len(),
        if external.len() == 1 { "" } else { "s" },
        if verbose { "" } else { "; --verbose lists them" },
    );
    if diags.iter().any(|d| d.is_error()) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
