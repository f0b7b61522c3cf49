//! `portolan check`: builds in memory, checks every link and anchor, prints what it found.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use portolan_site::check::CheckOptions;

use super::{options, plural, MessageFormat};

#[derive(clap::Args)]
pub(crate) struct Args {
    /// The site folder
    #[arg(default_value = ".")]
    site_dir: PathBuf,
    /// Also list every link that goes upstream and every external link.
    #[arg(long, short)]
    verbose: bool,
    /// Fetch external http(s) links (HEAD, 8 at a time): 404/410 are errors; rate limits,
    /// server errors and timeouts are warnings.
    #[arg(long)]
    external: bool,
    /// Seconds to wait for each external link.
    #[arg(long, default_value_t = 10)]
    timeout: u64,
    /// How errors and warnings are printed: `json` and `github` (Actions annotations) go
    /// to stdout, one per line.
    #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
    message_format: MessageFormat,
    /// Settings the site builds on, whatever its portolan.yaml names: `kong` for a copy of
    /// Kong's docs repository (see docs: "Publish a Kong-style repository").
    #[arg(long, value_name = "NAME")]
    preset: Option<String>,
    /// Keep caches (highlighted code, drawn diagrams) in this folder instead of the site
    /// folder's .portolan/cache/: for a site folder that must not change.
    #[arg(long, value_name = "DIR", conflicts_with = "no_cache")]
    cache_dir: Option<PathBuf>,
    /// Keep no cache: every build starts cold and writes nothing beside its output.
    #[arg(long)]
    no_cache: bool,
}

pub(crate) fn run(args: Args) -> ExitCode {
    let session = portolan_site::Session::new(portolan_site::Options {
        preset: args.preset,
        cache: super::readable_cache(args.cache_dir, args.no_cache, &args.site_dir),
        ..options(args.site_dir)
    });
    let sources = session.sources();
    let mut diags = session.diagnostics();
    let check = CheckOptions {
        fetch_external: args.external,
        timeout: Duration::from_secs(args.timeout),
    };
    let format = args.message_format;
    let Some(report) = session.check(check) else {
        format.print(&portolan_site::messages::render(
            &sources,
            &diags,
            Some("build"),
            format.site(),
        ));
        format.print_summary(&diags, "build");
        return ExitCode::FAILURE;
    };
    diags.extend(report.diagnostics);
    if !diags.is_empty() {
        format.print(&portolan_site::messages::render(
            &sources,
            &diags,
            Some("check"),
            format.site(),
        ));
    }
    if args.verbose {
        // On stdout, unless stdout carries machine-readable diagnostics.
        let list = |line: String| match format {
            MessageFormat::Human => println!("{line}"),
            MessageFormat::Json | MessageFormat::Github => eprintln!("{line}"),
        };
        for u in &report.upstream {
            list(format!(
                "upstream  {}  {} -> {}",
                u.position, u.written, u.target
            ));
        }
        for e in &report.external {
            list(format!("external  {}  {}", e.position, e.url));
        }
    }
    let broken = report.broken;
    eprintln!(
        "Checked {} pages: {broken} broken link{} or anchor{}, {} link{} sent upstream, {} external link{} ({}){}",
        session.page_count(),
        plural(broken),
        plural(broken),
        report.upstream.len(),
        plural(report.upstream.len()),
        report.external.len(),
        plural(report.external.len()),
        match report.fetched {
            Some(gone) => format!("fetched: {gone} gone"),
            None => "not fetched; --external fetches them".to_string(),
        },
        if args.verbose { "" } else { "; --verbose lists them" },
    );
    if diags.iter().any(|d| d.is_error()) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
