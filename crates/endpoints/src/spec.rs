//! [`CalculatorSpec`]: what the calculator knows, derived from a page's [`ContentFacts`].

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::dns;
use crate::facts::{ContentFacts, FactParagraph, FactTable};
use crate::template::{parse_port, split_host_port, Input, Template};

/// Everything the calculator needs, derived from the page content. Serialized as JSON into the
/// page (see the crate docs for its shape) and read back by the WASM module and `portolan hosts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalculatorSpec {
    /// The geos the reader can pick, in page order.
    pub geos: Vec<Geo>,
    /// The hostname templates, in page order (tables first, then paragraphs).
    pub hosts: Vec<HostTemplate>,
    /// The ports from the page's (first) ports table, in order.
    pub ports: Vec<PortFact>,
    /// For each input some template uses, the placeholders the page writes for it.
    pub placeholders: Placeholders,
}

/// The placeholders the page writes for each input (`REGION`, `{geo}`, ...), in page order.
/// In JSON, an input no template uses is absent (`{"geo": ["REGION", "{geo}"], "prefix":
/// ["CONTROL_PLANE_DNS_PREFIX"]}`), so the form can leave its field out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placeholders {
    /// The geo's placeholders.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub geo: Vec<String>,
    /// The prefix's placeholders.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prefix: Vec<String>,
    /// The portal id's placeholders.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub portal: Vec<String>,
}

impl Placeholders {
    /// The placeholders for one input; empty when no template uses it.
    pub fn get(&self, input: Input) -> &[String] {
        match input {
            Input::Geo => &self.geo,
            Input::Prefix => &self.prefix,
            Input::Portal => &self.portal,
        }
    }

    fn get_mut(&mut self, input: Input) -> &mut Vec<String> {
        match input {
            Input::Geo => &mut self.geo,
            Input::Prefix => &mut self.prefix,
            Input::Portal => &mut self.portal,
        }
    }
}

/// A geo from a list item `AU (Australia): au`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Geo {
    /// The region identifier used in hostnames: `au`.
    pub code: String,
    /// The short label: `AU`.
    pub label: String,
    /// The name: `Australia`.
    pub name: String,
}

/// A row of the ports table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortFact {
    /// The port number.
    pub port: u16,
    /// The protocols the row names, e.g. `["TCP", "HTTPS"]`.
    pub protocols: Vec<String>,
    /// The row's description (newlines folded to spaces).
    pub description: String,
}

/// How a hostname's port was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PortBasis {
    /// The page writes `host:port`.
    Written,
    /// The page gives no port for the host; it is the port the ports table marks as HTTPS.
    HttpsPort,
    /// The page gives no port for the host and the ports table marks none as HTTPS.
    Unstated,
}

impl PortBasis {
    /// The JSON id: `written`, `https_port` or `unstated`.
    pub fn id(self) -> &'static str {
        match self {
            PortBasis::Written => "written",
            PortBasis::HttpsPort => "https_port",
            PortBasis::Unstated => "unstated",
        }
    }

    /// The inverse of [`PortBasis::id`].
    pub fn from_id(id: &str) -> Option<PortBasis> {
        [
            PortBasis::Written,
            PortBasis::HttpsPort,
            PortBasis::Unstated,
        ]
        .into_iter()
        .find(|b| b.id() == id)
    }
}

/// What a host is for, as far as `kong.conf` cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The control-plane (configuration) host: `cluster_control_plane`, `cluster_server_name`.
    ControlPlane,
    /// The telemetry host: `cluster_telemetry_endpoint`, `cluster_telemetry_server_name`.
    Telemetry,
}

impl Role {
    /// The JSON id: `control_plane` or `telemetry`.
    pub fn id(self) -> &'static str {
        match self {
            Role::ControlPlane => "control_plane",
            Role::Telemetry => "telemetry",
        }
    }

    /// The inverse of [`Role::id`].
    pub fn from_id(id: &str) -> Option<Role> {
        [Role::ControlPlane, Role::Telemetry]
            .into_iter()
            .find(|r| r.id() == id)
    }
}

/// A hostname the page lists, with its placeholders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostTemplate {
    /// The hostname as written, without the port: `PORTAL_ID.REGION.portal.konghq.com`.
    pub template: Template,
    /// The port, when known (see [`PortBasis`]).
    pub port: Option<u16>,
    /// Where the port came from.
    pub port_basis: PortBasis,
    /// The protocols for the port from the ports table, joined with `/` (`TCP/HTTPS`);
    /// empty when the ports table has no row for the port.
    pub protocol: String,
    /// What the host is for: the row's description, or the paragraph's sentence; empty when
    /// the page says nothing.
    pub purpose: String,
    /// The `kong.conf` role, when recognised.
    pub role: Option<Role>,
    /// The geos the page lists this host for, when it restricts them (`au`, `eu`, `us`,
    /// `global`); `None` when it exists in every geo.
    pub geos: Option<Vec<String>>,
    /// The table row's id (anchor on the page), when it has one.
    pub anchor: Option<String>,
}

/// Something in the content the calculator could not understand. The site reports it as a
/// build error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    /// Where: `table 2, row 4, column hostname`, `list item 3`, `paragraph 7`, `page`.
    pub at: String,
    /// What is wrong, in a sentence.
    pub message: String,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.at, self.message)
    }
}

impl std::error::Error for SpecError {}

fn spec_err(at: impl Into<String>, message: impl Into<String>) -> SpecError {
    SpecError {
        at: at.into(),
        message: message.into(),
    }
}

impl CalculatorSpec {
    /// Derives the spec from the page's facts (the rules are in the crate docs). Returns every
    /// problem found, not just the first.
    pub fn from_facts(facts: &ContentFacts) -> Result<CalculatorSpec, Vec<SpecError>> {
        let mut errors = Vec::new();
        let geos = geos_from(facts, &mut errors);
        let ports = ports_from(facts, &mut errors);
        let mut hosts = Vec::new();
        for (t, table) in facts.tables.iter().enumerate() {
            hosts_from_table(t, table, &ports, &mut hosts, &mut errors);
        }
        for (p, para) in facts.paragraphs.iter().enumerate() {
            hosts_from_paragraph(p, para, &ports, &mut hosts, &mut errors);
        }
        if hosts.is_empty() {
            errors.push(spec_err(
                "page",
                "found no hostnames: expected a table with a `hostname` column, or a paragraph \
                 with a code span such as `{geo}.example.com:443`",
            ));
        }
        assign_roles(&mut hosts);
        let mut placeholders = Placeholders::default();
        for host in &hosts {
            for (input, written) in host.template.placeholders() {
                let list = placeholders.get_mut(input);
                if !list.iter().any(|w| w == written) {
                    list.push(written.to_string());
                }
            }
        }
        if geos.is_empty() && !placeholders.geo.is_empty() {
            errors.push(spec_err(
                "page",
                "hostnames have a geo placeholder but the page lists no geos: expected list items \
                 shaped like `AU (Australia): au`",
            ));
        }
        if errors.is_empty() {
            Ok(CalculatorSpec {
                geos,
                hosts,
                ports,
                placeholders,
            })
        } else {
            Err(errors)
        }
    }

    /// The geo with this code.
    pub fn geo(&self, code: &str) -> Option<&Geo> {
        self.geos.iter().find(|g| g.code == code)
    }

    /// True when some hostname has a placeholder for `input`.
    pub fn uses(&self, input: Input) -> bool {
        !self.placeholders.get(input).is_empty()
    }

    /// The ports-table rows no hostname uses (the seed's 8071 audit-logging port: the page
    /// names no host for it).
    pub fn ports_without_host(&self) -> Vec<PortFact> {
        let mut out = Vec::new();
        for p in &self.ports {
            if !self.hosts.iter().any(|h| h.port == Some(p.port)) {
                out.push(p.clone());
            }
        }
        out
    }

    /// The port the ports table marks as HTTPS, if any.
    pub fn https_port(&self) -> Option<&PortFact> {
        https_port(&self.ports)
    }
}

fn https_port(ports: &[PortFact]) -> Option<&PortFact> {
    ports
        .iter()
        .find(|p| p.protocols.iter().any(|x| x.eq_ignore_ascii_case("https")))
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `LABEL (NAME): code` → (label, name, code). Only items of exactly this shape count.
fn parse_geo_item(item: &str) -> Option<(&str, &str, &str)> {
    let item = item.trim();
    let open = item.find('(')?;
    let close = open + item[open..].find(')')?;
    let label = item[..open].trim();
    let name = item[open + 1..close].trim();
    let code = item[close + 1..].trim_start().strip_prefix(':')?.trim();
    let plausible = !label.is_empty()
        && !label.contains([':', ')'])
        && !name.is_empty()
        && !code.is_empty()
        && !code.contains(char::is_whitespace);
    plausible.then_some((label, name, code))
}

fn geos_from(facts: &ContentFacts, errors: &mut Vec<SpecError>) -> Vec<Geo> {
    let mut geos: Vec<Geo> = Vec::new();
    for (i, item) in facts.list_items.iter().enumerate() {
        let Some((label, name, code)) = parse_geo_item(item) else {
            continue;
        };
        let at = format!("list item {} (`{}`)", i + 1, one_line(item));
        if dns::check_label(code).is_err() {
            errors.push(spec_err(
                at,
                format!(
                    "the geo code `{code}` is not a lowercase DNS label (a-z, 0-9, inner hyphens)"
                ),
            ));
        } else if geos.iter().any(|g| g.code == code) {
            errors.push(spec_err(
                at,
                format!("the geo code `{code}` is listed twice"),
            ));
        } else {
            geos.push(Geo {
                code: code.to_string(),
                label: label.to_string(),
                name: name.to_string(),
            });
        }
    }
    geos
}

/// The first table with a `port` column is the ports table; later ones (such as the data plane
/// node ports that an include brings in) describe other ports and are not read.
fn ports_from(facts: &ContentFacts, errors: &mut Vec<SpecError>) -> Vec<PortFact> {
    let mut ports = Vec::new();
    let Some((t, table, port_col)) = facts
        .tables
        .iter()
        .enumerate()
        .find_map(|(t, table)| table.column("port", "Port").map(|c| (t, table, c)))
    else {
        return ports;
    };
    let proto_col = table.column("protocol", "Protocol");
    let desc_col = table.column("description", "Description");
    for (r, row) in table.rows.iter().enumerate() {
        let at = format!("table {}, row {}, column {port_col}", t + 1, r + 1);
        let Some(cell) = row.cell(port_col) else {
            errors.push(spec_err(at, "the row has no port"));
            continue;
        };
        let protocols: Vec<String> = proto_col
            .and_then(|c| row.cell(c))
            .map(|c| {
                c.split(|ch: char| ch.is_whitespace() || ch == ',' || ch == '/')
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        let description = desc_col
            .and_then(|c| row.cell(c))
            .map(one_line)
            .unwrap_or_default();
        for piece in cell
            .split(|ch: char| ch.is_whitespace() || ch == ',')
            .filter(|s| !s.is_empty())
        {
            match parse_port(piece) {
                Some(port) => ports.push(PortFact {
                    port,
                    protocols: protocols.clone(),
                    description: description.clone(),
                }),
                None => errors.push(spec_err(
                    &at,
                    format!("`{piece}` is not a port number (1-65535)"),
                )),
            }
        }
    }
    ports
}

fn port_for(port: Option<u16>, ports: &[PortFact]) -> (Option<u16>, PortBasis, String) {
    let join = |p: &PortFact| p.protocols.join("/");
    match port {
        Some(port) => (
            Some(port),
            PortBasis::Written,
            ports
                .iter()
                .find(|p| p.port == port)
                .map(join)
                .unwrap_or_default(),
        ),
        None => match https_port(ports) {
            Some(p) => (Some(p.port), PortBasis::HttpsPort, join(p)),
            None => (None, PortBasis::Unstated, String::new()),
        },
    }
}

fn push_host(hosts: &mut Vec<HostTemplate>, host: HostTemplate) {
    let dup = hosts
        .iter()
        .any(|h| h.template.as_str() == host.template.as_str() && h.port == host.port);
    if !dup {
        hosts.push(host);
    }
}

fn hosts_from_table(
    t: usize,
    table: &FactTable,
    ports: &[PortFact],
    hosts: &mut Vec<HostTemplate>,
    errors: &mut Vec<SpecError>,
) {
    let Some(host_col) = table.column("hostname", "Hostname") else {
        return;
    };
    let desc_col = table.column("description", "Description");
    for (r, row) in table.rows.iter().enumerate() {
        let at = format!("table {}, row {}, column {host_col}", t + 1, r + 1);
        let Some(cell) = row.cell(host_col) else {
            errors.push(spec_err(at, "the row has no hostname"));
            continue;
        };
        let purpose = desc_col
            .and_then(|c| row.cell(c))
            .map(one_line)
            .unwrap_or_default();
        for line in cell.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let parsed = split_host_port(line).and_then(|(host, port)| {
                Template::parse(host)
                    .map(|t| (t, port))
                    .map_err(|e| e.message)
            });
            match parsed {
                Ok((template, port)) => {
                    let (port, port_basis, protocol) = port_for(port, ports);
                    push_host(
                        hosts,
                        HostTemplate {
                            template,
                            port,
                            port_basis,
                            protocol,
                            purpose: purpose.clone(),
                            role: None,
                            geos: None,
                            anchor: row.id.clone(),
                        },
                    );
                }
                Err(message) => errors.push(spec_err(&at, message)),
            }
        }
    }
}

/// Does this code span look like it is meant as a hostname template?
fn looks_like_template(span: &str) -> bool {
    span.contains('.')
        && (span.contains('{')
            || ["REGION", "CONTROL_PLANE_DNS_PREFIX", "PORTAL_ID"]
                .iter()
                .any(|w| span.contains(w)))
}

/// The sentence of `text` that contains `needle` (sentences end with `. `).
fn sentence_around(text: &str, needle: &str) -> String {
    let Some(at) = text.find(needle) else {
        return one_line(text);
    };
    let start = text[..at].rfind(". ").map_or(0, |i| i + 2);
    let end = text[at + needle.len()..]
        .find(". ")
        .map_or(text.len(), |i| at + needle.len() + i + 1);
    one_line(&text[start..end])
}

fn hosts_from_paragraph(
    p: usize,
    para: &FactParagraph,
    ports: &[PortFact],
    hosts: &mut Vec<HostTemplate>,
    errors: &mut Vec<SpecError>,
) {
    for (s, span) in para.code_spans.iter().enumerate() {
        let span_text = span.trim();
        if !looks_like_template(span_text) {
            continue;
        }
        let at = format!("paragraph {}, code span `{span_text}`", p + 1);
        let parsed = split_host_port(span_text).and_then(|(host, port)| {
            Template::parse(host)
                .map(|t| (t, port))
                .map_err(|e| e.message)
        });
        let (template, port) = match parsed {
            Ok(ok) => ok,
            Err(message) => {
                errors.push(spec_err(at, message));
                continue;
            }
        };
        if template.is_fixed() {
            continue;
        }
        // The paragraph's other code spans that are plain labels with a letter are the geos the
        // page allows for this host ("The geo can be `au`, `eu`, `us`, or `global`").
        let allowed: Vec<String> = para
            .code_spans
            .iter()
            .enumerate()
            .filter(|(o, _)| *o != s)
            .map(|(_, c)| c.trim())
            .filter(|c| dns::is_valid_label(c) && c.bytes().any(|b| b.is_ascii_lowercase()))
            .map(str::to_string)
            .collect();
        let geos = (template.uses(Input::Geo) && !allowed.is_empty()).then_some(allowed);
        let (port, port_basis, protocol) = port_for(port, ports);
        push_host(
            hosts,
            HostTemplate {
                template,
                port,
                port_basis,
                protocol,
                purpose: sentence_around(&para.text, span_text),
                role: None,
                geos,
                anchor: None,
            },
        );
    }
}

/// Recognises the control-plane and telemetry hosts among the hosts with a prefix placeholder:
/// by the description (mentions "configuration" but not "telemetry", or the reverse), else by a
/// literal label `cp<digits>` / `tp<digits>`. The first host per role wins.
fn assign_roles(hosts: &mut [HostTemplate]) {
    let mut taken: Vec<Role> = Vec::new();
    for host in hosts.iter_mut() {
        if !host.template.uses(Input::Prefix) {
            continue;
        }
        let purpose = host.purpose.to_ascii_lowercase();
        let by_text = match (
            purpose.contains("configuration"),
            purpose.contains("telemetry"),
        ) {
            (true, false) => Some(Role::ControlPlane),
            (false, true) => Some(Role::Telemetry),
            _ => None,
        };
        let by_label = || {
            host.template.literal_labels().iter().find_map(|l| {
                let digits = |rest: &str| rest.bytes().all(|b| b.is_ascii_digit());
                match l.split_at_checked(2) {
                    Some(("cp", rest)) if digits(rest) => Some(Role::ControlPlane),
                    Some(("tp", rest)) if digits(rest) => Some(Role::Telemetry),
                    _ => None,
                }
            })
        };
        if let Some(role) = by_text.or_else(by_label) {
            if !taken.contains(&role) {
                taken.push(role);
                host.role = Some(role);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn geo_items() {
        assert_eq!(
            parse_geo_item("AU (Australia): au"),
            Some(("AU", "Australia", "au"))
        );
        assert_eq!(
            parse_geo_item(" US (United States):us "),
            Some(("US", "United States", "us"))
        );
        assert_eq!(parse_geo_item("Note (see below): this is a sentence"), None);
        assert_eq!(
            parse_geo_item("**Configuration** – The Control Plane"),
            None
        );
        assert_eq!(parse_geo_item("AU: au"), None);
    }

    #[test]
    fn sentences() {
        let text = "If you use Mesh Manager, you must add the {geo}.mesh.sync.konghq.com:443 hostname to your allowlist. The geo can be au, eu, us, or global.";
        assert_eq!(
            sentence_around(text, "{geo}.mesh.sync.konghq.com:443"),
            "If you use Mesh Manager, you must add the {geo}.mesh.sync.konghq.com:443 hostname to your allowlist."
        );
        assert_eq!(sentence_around("A. B x. C.", "x"), "B x.");
    }
}
