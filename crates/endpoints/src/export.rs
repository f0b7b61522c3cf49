//! Export formats for an [`Expansion`]. Written by hand (no serde_json) so the WASM bundle
//! stays small.

use crate::expand::{Endpoint, Expansion};
use crate::spec::{PortFact, Role};
use crate::text::decimal;

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `host:port` per line, complete hosts only.
    Allowlist,
    /// RFC 4180 CSV with a header row: `hostname,port,protocol,purpose,needs`.
    Csv,
    /// A JSON object: `{"geo", "endpoints", "other_ports"}`.
    Json,
    /// The data plane node's `kong.conf` cluster settings.
    KongConf,
}

impl Format {
    /// All formats, in menu order.
    pub const ALL: [Format; 4] = [
        Format::Allowlist,
        Format::Csv,
        Format::Json,
        Format::KongConf,
    ];

    /// A stable id: `allowlist`, `csv`, `json`, `kong-conf`.
    pub fn id(self) -> &'static str {
        match self {
            Format::Allowlist => "allowlist",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::KongConf => "kong-conf",
        }
    }

    /// The inverse of [`Format::id`].
    pub fn from_id(id: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.id() == id)
    }

    /// A label for menus.
    pub fn label(self) -> &'static str {
        match self {
            Format::Allowlist => "Allowlist (host:port per line)",
            Format::Csv => "CSV",
            Format::Json => "JSON",
            Format::KongConf => "kong.conf settings",
        }
    }

    /// A file name for downloads.
    pub fn file_name(self) -> &'static str {
        match self {
            Format::Allowlist => "allowlist.txt",
            Format::Csv => "hosts.csv",
            Format::Json => "hosts.json",
            Format::KongConf => "kong.conf",
        }
    }

    /// The media type for downloads.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Allowlist | Format::KongConf => "text/plain",
            Format::Csv => "text/csv",
            Format::Json => "application/json",
        }
    }
}

impl Expansion {
    /// The expansion in `format`.
    pub fn export(&self, format: Format) -> String {
        match format {
            Format::Allowlist => self.to_allowlist(),
            Format::Csv => self.to_csv(),
            Format::Json => self.to_json(),
            Format::KongConf => self.to_kong_conf(),
        }
    }

    /// `host:port` per line (just `host` when the page gives no port), complete hosts only,
    /// without duplicates.
    pub fn to_allowlist(&self) -> String {
        let mut out = String::new();
        let mut seen: Vec<String> = Vec::new();
        for e in self.complete() {
            let line = e.host_port();
            if !seen.contains(&line) {
                out.push_str(&line);
                out.push('\n');
                seen.push(line);
            }
        }
        out
    }

    /// RFC 4180 CSV (CRLF line ends, fields quoted when they need it), all hosts; `needs` names
    /// the missing input of an incomplete host.
    pub fn to_csv(&self) -> String {
        let mut out = String::from("hostname,port,protocol,purpose,needs\r\n");
        for e in &self.endpoints {
            let port = e.port.map(|p| decimal(p.into())).unwrap_or_default();
            let needs = e.needs.map(|i| i.id()).unwrap_or("");
            for (i, field) in [e.hostname.as_str(), &port, &e.protocol, &e.purpose, needs]
                .iter()
                .enumerate()
            {
                if i > 0 {
                    out.push(',');
                }
                csv_field(&mut out, field);
            }
            out.push_str("\r\n");
        }
        out
    }

    /// A JSON object: `{"geo": "eu" | null, "endpoints": [{"hostname", "port", "protocol",
    /// "purpose", "needs"}], "other_ports": [{"port", "protocols", "description"}]}`.
    pub fn to_json(&self) -> String {
        let mut out = String::from("{\n  \"geo\": ");
        json_opt_str(&mut out, self.geo.as_deref());
        out.push_str(",\n  \"endpoints\": [");
        for (i, e) in self.endpoints.iter().enumerate() {
            out.push_str(if i == 0 { "\n    " } else { ",\n    " });
            endpoint_json(&mut out, e);
        }
        out.push_str(if self.endpoints.is_empty() {
            "],\n"
        } else {
            "\n  ],\n"
        });
        out.push_str("  \"other_ports\": [");
        for (i, p) in self.other_ports.iter().enumerate() {
            out.push_str(if i == 0 { "\n    " } else { ",\n    " });
            port_json(&mut out, p);
        }
        out.push_str(if self.other_ports.is_empty() {
            "]\n}\n"
        } else {
            "\n  ]\n}\n"
        });
        out
    }

    /// The data plane node's `kong.conf` settings for the control-plane and telemetry hosts.
    /// While the prefix is missing, the settings are written as comments with the page's
    /// placeholder in place of the prefix.
    pub fn to_kong_conf(&self) -> String {
        let mut out = String::new();
        let mut any = false;
        for (role, endpoint_key, name_key, what) in [
            (
                Role::ControlPlane,
                "cluster_control_plane",
                "cluster_server_name",
                "control plane (configuration)",
            ),
            (
                Role::Telemetry,
                "cluster_telemetry_endpoint",
                "cluster_telemetry_server_name",
                "telemetry",
            ),
        ] {
            let Some(e) = self.endpoints.iter().find(|e| e.role == Some(role)) else {
                out.push_str("# The page names no ");
                out.push_str(what);
                out.push_str(" host.\n");
                continue;
            };
            any = true;
            let comment = if let Some(needs) = e.needs {
                out.push_str("# Enter your ");
                out.push_str(needs.human());
                out.push_str(" to complete these settings.\n");
                "# "
            } else {
                ""
            };
            if e.port.is_none() {
                out.push_str("# The page gives no port for this host.\n");
            }
            for (key, value) in [
                (endpoint_key, e.host_port()),
                (name_key, e.hostname.clone()),
            ] {
                out.push_str(comment);
                out.push_str(key);
                out.push_str(" = ");
                out.push_str(&value);
                out.push('\n');
            }
        }
        if !any {
            out.clear();
            out.push_str("# The page names no control plane or telemetry host for kong.conf.\n");
        }
        out
    }
}

fn csv_field(out: &mut String, field: &str) {
    if field.contains([',', '"', '\r', '\n']) {
        out.push('"');
        out.push_str(&field.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(field);
    }
}

fn json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}' || c == '<' => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let n = c as u32;
                out.push_str("\\u");
                for shift in [12, 8, 4, 0] {
                    out.push(HEX[((n >> shift) & 0xf) as usize] as char);
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn json_opt_str(out: &mut String, s: Option<&str>) {
    match s {
        Some(s) => json_str(out, s),
        None => out.push_str("null"),
    }
}

fn json_key(out: &mut String, key: &str) {
    json_str(out, key);
    out.push_str(": ");
}

fn endpoint_json(out: &mut String, e: &Endpoint) {
    out.push('{');
    json_key(out, "hostname");
    json_str(out, &e.hostname);
    out.push_str(", ");
    json_key(out, "port");
    match e.port {
        Some(p) => out.push_str(&decimal(p.into())),
        None => out.push_str("null"),
    }
    out.push_str(", ");
    json_key(out, "protocol");
    json_str(out, &e.protocol);
    out.push_str(", ");
    json_key(out, "purpose");
    json_str(out, &e.purpose);
    out.push_str(", ");
    json_key(out, "needs");
    json_opt_str(out, e.needs.map(|i| i.id()));
    out.push('}');
}

fn port_json(out: &mut String, p: &PortFact) {
    out.push('{');
    json_key(out, "port");
    out.push_str(&decimal(p.port.into()));
    out.push_str(", ");
    json_key(out, "protocols");
    out.push('[');
    for (i, proto) in p.protocols.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        json_str(out, proto);
    }
    out.push_str("], ");
    json_key(out, "description");
    json_str(out, &p.description);
    out.push('}');
}
