//! `portolan bench-rebuild` (hidden): how long a one-page incremental rebuild takes, as
//! `serve` does it, for bench/run. Edits the page, times each rebuild, restores the page.

use std::path::PathBuf;
use std::process::ExitCode;

use super::options;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// The site folder.
    site_dir: PathBuf,
    /// The page to edit (a path under the site folder).
    page: PathBuf,
    /// Number of edits.
    #[arg(long, default_value_t = 20)]
    runs: usize,
    /// Settings the site builds on (`kong` for a copy of Kong's repository).
    #[arg(long, value_name = "NAME")]
    preset: Option<String>,
    /// Time the rebuilds of a site with errors too (its pages with errors are left out,
    /// as `build --keep-going` leaves them out).
    #[arg(long)]
    keep_going: bool,
}

pub(crate) fn run(args: Args) -> ExitCode {
    let Args {
        site_dir,
        page,
        runs,
        preset,
        keep_going,
    } = args;
    let started = std::time::Instant::now();
    let mut session = portolan_site::Session::new(portolan_site::Options {
        preset,
        ..options(site_dir)
    });
    let full = started.elapsed();
    if session.has_errors() && !keep_going {
        eprint!(
            "{}",
            portolan_site::messages::render(
                &session.sources(),
                &session.diagnostics(),
                Some("build"),
                portolan_site::MessageFormat::Human
            )
        );
        return ExitCode::FAILURE;
    }
    let Ok(original) = std::fs::read_to_string(&page) else {
        eprintln!("error: cannot read {}", page.display());
        return ExitCode::FAILURE;
    };
    let mut times = Vec::with_capacity(runs);
    let mut rendered = 0;
    for n in 0..runs {
        // A body edit a reader would see: a new paragraph at the end.
        if std::fs::write(&page, format!("{original}\nEdit number {n}.\n")).is_err() {
            eprintln!("error: cannot write {}", page.display());
            return ExitCode::FAILURE;
        }
        let stats = session.update(std::slice::from_ref(&page));
        rendered = stats.rendered;
        times.push(stats.elapsed.as_secs_f64() * 1000.0);
    }
    let search = session.refresh_search();
    let _ = std::fs::write(&page, &original);
    session.update(std::slice::from_ref(&page));
    times.sort_by(f64::total_cmp);
    let pct = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "pages={} full_build_ms={:.0} incremental_ms median={:.2} p90={:.2} max={:.2} pages_rerendered={rendered} runs={runs} search_refresh_ms={:.1}",
        session.page_count(),
        full.as_secs_f64() * 1000.0,
        pct(0.5),
        pct(0.9),
        pct(1.0),
        search.as_secs_f64() * 1000.0
    );
    ExitCode::SUCCESS
}
