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
        /// Print the time each phase took.
        #[arg(long, short, conflicts_with = "quiet")]
        verbose: bool,
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
        /// Fetch external http(s) links (HEAD, 8 at a time): 404/410 are errors; rate limits,
        /// server errors and timeouts are warnings.
        #[arg(long)]
        external: bool,
        /// Seconds to wait for each external link.
        #[arg(long, default_value_t = 10)]
        timeout: u64,
    },
    /// Print the hostnames and ports to allow for a geo and control-plane prefix, computed
    /// from the site's content exactly as the page's calculator does.
    Hosts {
        /// The site folder [default: .]
        #[arg(default_value = ".")]
        site_dir: PathBuf,
        /// The geo (region identifier), e.g. eu.
        #[arg(long)]
        geo: String,
        /// The control plane DNS prefix.
        #[arg(long)]
        prefix: Option<String>,
        /// The Dev Portal id.
        #[arg(long)]
        portal: Option<String>,
        /// Output: text (host:port per line), csv, json or kong-conf.
        #[arg(long, default_value = "text", value_parser = ["text", "csv", "json", "kong-conf"])]
        format: String,
        /// The page whose calculator to use, by URL (needed when several pages have one).
        #[arg(long)]
        page: Option<String>,
    },
    /// Measure one-page incremental rebuilds (as `serve` does them): build once in memory,
    /// then edit PAGE RUNS times and time each rebuild. Restores the page afterwards.
    #[command(hide = true)]
    BenchRebuild {
        /// The site folder.
        site_dir: PathBuf,
        /// The page to edit (a path under the site folder).
        page: PathBuf,
        /// Number of edits.
        #[arg(long, default_value_t = 20)]
        runs: usize,
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
        Command::Build {
            site_dir,
            out,
            base_url,
            quiet,
            verbose,
            no_minify,
        } => build(site_dir, out, base_url, quiet, verbose, no_minify),
        Command::Serve {
            site_dir,
            port,
            bind,
            base_url,
        } => serve(site_dir, port, bind, base_url),
        Command::Check {
            site_dir,
            verbose,
            external,
            timeout,
        } => check(site_dir, verbose, external, timeout),
        Command::Hosts {
            site_dir,
            geo,
            prefix,
            portal,
            format,
            page,
        } => hosts(site_dir, geo, prefix, portal, &format, page),
        Command::BenchRebuild {
            site_dir,
            page,
            runs,
        } => bench_rebuild(site_dir, page, runs),
    }
}

fn options(site_dir: PathBuf) -> portolan_site::Options {
    portolan_site::Options {
        embedded: embedded::EMBEDDED,
        ..portolan_site::Options::new(site_dir)
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

fn build(
    site_dir: PathBuf,
    out: Option<PathBuf>,
    base_url: Option<String>,
    quiet: bool,
    verbose: bool,
    no_minify: bool,
) -> ExitCode {
    let mut opts = portolan_site::Options {
        out_dir: out,
        base_url,
        minify: no_minify.then_some(false),
        ..options(site_dir)
    };
    let bar = if quiet { None } else { progress_bar() };
    opts.progress = bar.as_ref().map(|(_, p)| p.clone());
    let timings = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    if verbose {
        opts.timings = Some(timings.clone());
    }
    if !quiet {
        eprintln!("Building {} ...", opts.site_dir.display());
    }
    let result = portolan_site::build(&opts);
    if let Some((bar, _)) = bar {
        bar.finish_and_clear();
    }
    if verbose {
        for (phase, d) in timings.lock().map(|t| t.clone()).unwrap_or_default() {
            eprintln!("  {phase:<10} {:>8.1} ms", d.as_secs_f64() * 1000.0);
        }
    }
    match result {
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
                    eprintln!("View it: portolan serve, or any static server, e.g. python3 -m http.server -d {} 8000", report.out_dir.display());
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

fn serve(
    site_dir: PathBuf,
    port: u16,
    bind: std::net::IpAddr,
    base_url: Option<String>,
) -> ExitCode {
    let site = portolan_site::Options {
        base_url,
        ..options(site_dir)
    };
    let opts = portolan_serve::ServeOptions {
        site,
        addr: std::net::SocketAddr::new(bind, port),
        verbose: true,
    };
    match portolan_serve::start(opts, |line| eprintln!("{line}")) {
        Ok(server) => {
            let scope = if server.addr.ip().is_loopback() {
                "only this machine can connect; --bind 0.0.0.0 to expose it"
            } else {
                "reachable from the network"
            };
            eprintln!(
                "Serving on http://{}/ ({scope}). Watching for changes; Ctrl-C stops.",
                server.addr
            );
            server.wait();
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: cannot serve: {e}");
            ExitCode::FAILURE
        }
    }
}

fn check(site_dir: PathBuf, verbose: bool, fetch: bool, timeout: u64) -> ExitCode {
    let opts = options(site_dir);
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
    external.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    external.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
    let mut external_broken = 0;
    if fetch {
        let mut urls: Vec<String> = external.iter().map(|e| e.1.clone()).collect();
        urls.sort();
        urls.dedup();
        let probes: std::collections::HashMap<String, portolan_site::links::Probe> =
            portolan_site::links::probe_external(&urls, std::time::Duration::from_secs(timeout))
                .into_iter()
                .collect();
        for (_, url, span) in &external {
            match probes.get(url) {
                Some(portolan_site::links::Probe::Gone(code)) => {
                    external_broken += 1;
                    diags.push(
                        portolan_dialect::Diagnostic::error(
                            *span,
                            format!("external link `{url}` answers {code}"),
                        )
                        .with_label("gone"),
                    );
                }
                Some(portolan_site::links::Probe::Unsure(why)) => {
                    diags.push(portolan_dialect::Diagnostic::warning(*span, format!("could not confirm external link `{url}`: {why}")).with_label("not checked").with_hint("rate limits, timeouts and server errors are not failures; try again later"));
                }
                _ => {}
            }
        }
    }
    diags.extend(broken);
    if !diags.is_empty() {
        eprint!("{}", sources.render_for(&diags, "check"));
    }
    if verbose {
        for (pos, url, to) in &upstream {
            println!("upstream  {pos}  {url} -> {to}");
        }
        for (pos, url, _) in &external {
            println!("external  {pos}  {url}");
        }
    }
    eprintln!(
        "Checked {} pages: {links_broken} broken link{} or anchor{}, {} link{} sent upstream, {} external link{} ({}){}",
        session.page_count(),
        if links_broken == 1 { "" } else { "s" },
        if links_broken == 1 { "" } else { "s" },
        upstream.len(),
        if upstream.len() == 1 { "" } else { "s" },
        external.len(),
        if external.len() == 1 { "" } else { "s" },
        if fetch { format!("fetched: {external_broken} gone") } else { "not fetched; --external fetches them".to_string() },
        if verbose { "" } else { "; --verbose lists them" },
    );
    if diags.iter().any(|d| d.is_error()) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn bench_rebuild(site_dir: PathBuf, page: PathBuf, runs: usize) -> ExitCode {
    let started = std::time::Instant::now();
    let mut session = portolan_site::Session::new(options(site_dir));
    let full = started.elapsed();
    if session.has_errors() {
        eprint!("{}", session.sources().render(&session.diagnostics()));
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

fn hosts(
    site_dir: PathBuf,
    geo: String,
    prefix: Option<String>,
    portal: Option<String>,
    format: &str,
    page: Option<String>,
) -> ExitCode {
    use portolan_endpoints::{Format, Inputs};
    let session = portolan_site::Session::new(options(site_dir));
    let mut specs = session.calculator_specs();
    if let Some(p) = &page {
        let want = format!("/{}/", p.trim_matches('/')).replace("//", "/");
        specs.retain(|(url, _)| *url == want);
    }
    let (url, spec) = match specs.len() {
        1 => specs.remove(0),
        0 => {
            eprintln!(
                "error: no page {}places the hostname calculator ({{% hostname_calculator %}})",
                page.map(|p| format!("at {p} ")).unwrap_or_default()
            );
            return ExitCode::FAILURE;
        }
        _ => {
            let urls: Vec<_> = specs.iter().map(|(u, _)| u.as_str()).collect();
            eprintln!(
                "error: several pages place the calculator; choose one with --page: {}",
                urls.join(", ")
            );
            return ExitCode::FAILURE;
        }
    };
    let spec = match spec {
        Ok(s) => s,
        Err(d) => {
            eprint!("{}", session.sources().render(&[d]));
            return ExitCode::FAILURE;
        }
    };
    let expansion = match spec.expand(&Inputs {
        geo: Some(geo),
        prefix,
        portal,
    }) {
        Ok(e) => e,
        Err(errors) => {
            for e in errors {
                eprintln!("error: --{e}");
            }
            return ExitCode::from(2);
        }
    };
    for n in &expansion.notices {
        eprintln!("note: {}", n.message);
    }
    for e in expansion.endpoints.iter().filter(|e| e.needs.is_some()) {
        if let Some(input) = e.needs {
            eprintln!(
                "note: {} is left out: it needs --{}",
                e.hostname,
                input.id()
            );
        }
    }
    let format = match format {
        "csv" => Format::Csv,
        "json" => Format::Json,
        "kong-conf" => Format::KongConf,
        _ => Format::Allowlist,
    };
    print!("{}", expansion.export(format));
    eprintln!("(from {url})");
    ExitCode::SUCCESS
}
