//! Which `Host` headers the server answers: a defence against DNS rebinding, where a page on
//! another origin points its own host name at 127.0.0.1 and reads the site (and whatever
//! the site folder holds) through the reader's browser.
//!
//! Such a request carries the attacker's host name, never an address, so the server answers
//! IP addresses, `localhost` (and `*.localhost`, which browsers resolve to loopback
//! themselves), and the names given with `--allow-host`; everything else gets 421.

use std::net::IpAddr;

/// The host names a server answers besides addresses and `localhost`.
#[derive(Debug, Clone, Default)]
pub struct AllowedHosts {
    names: Vec<String>,
}

impl AllowedHosts {
    /// Addresses and `localhost`, and `names` (compared without case).
    pub fn new(names: impl IntoIterator<Item = String>) -> Self {
        AllowedHosts {
            names: names
                .into_iter()
                .map(|n| n.trim_end_matches('.').to_ascii_lowercase())
                .collect(),
        }
    }

    /// True when a request with this `Host` header value is answered. A request without
    /// one (HTTP/1.0) is: browsers always send it.
    pub fn allows(&self, host: Option<&str>) -> bool {
        let Some(host) = host else { return true };
        let name = host_name(host).trim_end_matches('.').to_ascii_lowercase();
        if name.is_empty() {
            return false;
        }
        name.parse::<IpAddr>().is_ok()
            || name == "localhost"
            || name.ends_with(".localhost")
            || self.names.contains(&name)
    }
}

/// The name part of a `Host` header: `[::1]:8000` → `::1`, `example.com:80` → `example.com`.
fn host_name(host: &str) -> &str {
    let host = host.trim();
    if let Some(rest) = host.strip_prefix('[') {
        return rest.split(']').next().unwrap_or("");
    }
    match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_addresses_localhost_and_allowed_names_only() {
        let hosts = AllowedHosts::new(["docs.internal".to_string()]);
        for ok in [
            None,
            Some("127.0.0.1:8000"),
            Some("127.0.0.1"),
            Some("[::1]:8000"),
            Some("192.168.1.20:8000"),
            Some("localhost:8000"),
            Some("LOCALHOST"),
            Some("app.localhost:8000"),
            Some("localhost."),
            Some("docs.internal:8000"),
            Some("Docs.Internal"),
        ] {
            assert!(hosts.allows(ok), "{ok:?}");
        }
        for refused in [
            Some("attacker.example:8000"),
            Some("localhost.attacker.example"),
            Some("127.0.0.1.nip.io:8000"),
            Some(""),
            Some(":8000"),
            Some("[]:80"),
            Some("docs.internal.evil"),
        ] {
            assert!(!hosts.allows(refused), "{refused:?}");
        }
        assert!(!AllowedHosts::default().allows(Some("docs.internal")));
    }
}
