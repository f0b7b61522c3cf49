//! `portolan serve`: the site from memory, rebuilt and reloaded on every change.

use std::path::PathBuf;
use std::process::ExitCode;

use super::options;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// The site folder
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
    /// A host name to answer besides addresses and localhost (repeatable). Requests for
    /// any other name are refused, so a web page elsewhere cannot read the site through
    /// DNS rebinding.
    #[arg(long = "allow-host", value_name = "NAME")]
    allow_host: Vec<String>,
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
    let site = portolan_site::Options {
        base_url: args.base_url,
        preset: args.preset,
        cache: super::readable_cache(args.cache_dir, args.no_cache, &args.site_dir),
        ..options(args.site_dir)
    };
    let opts = portolan_serve::ServeOptions {
        verbose: true,
        allowed_hosts: portolan_serve::AllowedHosts::new(args.allow_host),
        ..portolan_serve::ServeOptions::new(site, std::net::SocketAddr::new(args.bind, args.port))
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
