//! `portolan build`: build the site into its output folder, with a progress bar on a
//! terminal, warnings and a summary line on stderr.

use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::process::ExitCode;

use super::{options, plural, MessageFormat};

#[derive(clap::Args)]
pub(crate) struct Args {
    /// The site folder: holds portolan.yaml and content/
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
    /// Print the time each phase took.
    #[arg(long, short, conflicts_with = "quiet")]
    verbose: bool,
    /// Keep the HTML, CSS and JS as written (minified by default; `minify: false` in
    /// portolan.yaml).
    #[arg(long)]
    no_minify: bool,
    /// Write a .gz and a .br copy beside every text file, for nginx's gzip_static and
    /// brotli_static (`compress: true` in portolan.yaml).
    #[arg(long)]
    compress: bool,
    /// Leave out the pages that have errors and write every other page; the errors are
    /// listed and the exit code is 1 when any page is left out.
    #[arg(long, short = 'k')]
    keep_going: bool,
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
    let mut opts = portolan_site::Options {
        out_dir: args.out,
        base_url: args.base_url,
        minify: args.no_minify.then_some(false),
        compress: args.compress.then_some(true),
        keep_going: args.keep_going,
        message_format: args.message_format.site(),
        preset: args.preset,
        cache: super::cache(args.cache_dir, args.no_cache),
        ..options(args.site_dir)
    };
    let bar = if args.quiet { None } else { progress_bar() };
    opts.progress = bar.as_ref().map(|(_, p)| p.clone());
    let timings = portolan_site::Timings::default();
    if args.verbose {
        opts.timings = Some(timings.clone());
    }
    if !args.quiet {
        eprintln!("Building {} ...", opts.site_dir.display());
    }
    // A site folder that cannot hold the caches (a read-only checkout) still builds.
    let (cache, note) = portolan_site::cache_dir::writable(opts.cache.clone(), &opts.site_dir);
    opts.cache = cache;
    if let Some(note) = note.filter(|_| !args.quiet) {
        eprintln!("{note}");
    }
    let result = portolan_site::build(&opts);
    if let Some((bar, _)) = bar {
        bar.finish_and_clear();
    }
    if args.verbose {
        for (phase, d) in timings.lock().map(|t| t.clone()).unwrap_or_default() {
            eprintln!("  {phase:<10} {:>8.1} ms", d.as_secs_f64() * 1000.0);
        }
    }
    match result {
        Ok(report) => {
            // The pages left out: their errors are printed even with --quiet.
            let format = args.message_format;
            format.print(&report.errors);
            if !args.quiet {
                format.print(&report.warnings);
                let warn = match report.warning_count {
                    0 => String::new(),
                    n => format!(", {n} warning{}", plural(n)),
                };
                eprintln!(
                    "Built {} page{} and {} other files in {} ms{warn} -> {}",
                    report.pages,
                    plural(report.pages),
                    report.files,
                    report.elapsed.as_millis(),
                    report.out_dir.display()
                );
                if std::io::stderr().is_terminal() && report.left_out == 0 {
                    eprintln!("View it: portolan serve, or any static server, e.g. python3 -m http.server -d {} 8000", report.out_dir.display());
                }
            }
            if report.left_out + report.files_left_out > 0 {
                let files = match report.files_left_out {
                    0 => String::new(),
                    n => format!(" and {n} other file{}", plural(n)),
                };
                eprintln!(
                    "error: {} page{}{files} left out: {} error{} (listed above); every other page was written",
                    report.left_out,
                    plural(report.left_out),
                    report.error_count,
                    plural(report.error_count),
                );
                return ExitCode::FAILURE;
            }
            ExitCode::SUCCESS
        }
        Err(failure) => {
            args.message_format.print(&failure.rendered);
            args.message_format
                .print_summary(&failure.diagnostics, "build");
            ExitCode::FAILURE
        }
    }
}

/// A progress bar on stderr for long builds; none when stderr is not a terminal.
fn progress_bar() -> Option<(indicatif::ProgressBar, portolan_site::Progress)> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::hidden();
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg:20} [{bar:30}] {pos}/{len}")
            .ok()?
            .progress_chars("=> "),
    );
    let shown = bar.clone();
    let started = std::time::Instant::now();
    let report: portolan_site::Progress = std::sync::Arc::new(move |phase, done, total| {
        // Only builds that take a while get a bar: small sites finish before it would draw.
        if started.elapsed() > std::time::Duration::from_millis(300) && shown.is_hidden() {
            shown.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
        shown.set_message(phase);
        shown.set_length(total as u64);
        shown.set_position(done as u64);
    });
    Some((bar, report))
}
