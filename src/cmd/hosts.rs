//! `portolan hosts`: the hostnames and ports to allow, from the page that places the
//! calculator, computed exactly as the calculator does in the browser.

use std::path::PathBuf;
use std::process::ExitCode;

use portolan_endpoints::{Format, Inputs};

use super::options;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// The site folder
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
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    format: OutputFormat,
    /// The page whose calculator to use, by URL (needed when several pages have one).
    #[arg(long)]
    page: Option<String>,
}

/// How the hosts are printed.
#[derive(Clone, Copy, clap::ValueEnum)]
enum OutputFormat {
    /// host:port per line
    Text,
    /// hostname, port, protocol, purpose
    Csv,
    /// the calculator's export
    Json,
    /// kong.conf settings
    KongConf,
}

impl From<OutputFormat> for Format {
    fn from(f: OutputFormat) -> Format {
        match f {
            OutputFormat::Text => Format::Allowlist,
            OutputFormat::Csv => Format::Csv,
            OutputFormat::Json => Format::Json,
            OutputFormat::KongConf => Format::KongConf,
        }
    }
}

pub(crate) fn run(args: Args) -> ExitCode {
    let Args {
        site_dir,
        geo,
        prefix,
        portal,
        format,
        page,
    } = args;
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
            eprint!(
                "{}",
                portolan_site::messages::render(
                    &session.sources(),
                    &[d],
                    Some("build"),
                    portolan_site::MessageFormat::Human
                )
            );
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
    print!("{}", expansion.export(format.into()));
    eprintln!("(from {url})");
    ExitCode::SUCCESS
}
