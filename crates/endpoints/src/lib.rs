//! The hostname calculator's core: no I/O and no web dependencies.
//!
//! The site build reduces a page to [`ContentFacts`] (its tables, list items and paragraphs as
//! plain text), [`CalculatorSpec::from_facts`] derives what the calculator knows, the spec is
//! embedded in the page as JSON, and [`CalculatorSpec::expand`] (in the browser through WASM,
//! or in `portolan hosts`) turns a reader's geo, prefix and portal id into hosts to allow.
//! Nothing about Kong's hostnames is built in: it all comes from the content.
//!
//! # How the content is read
//!
//! - **Geos**: every list item shaped exactly like `LABEL (NAME): code`
//!   (`AU (Australia): au`), in page order. The code must be a lowercase DNS label.
//! - **Hostnames**: every cell of a table column with key `hostname` (or title `Hostname`);
//!   a cell may hold several hostnames, one per line. The row's `description` cell is the
//!   host's purpose and the row's `id` its anchor. Placeholders: `REGION`, `{region}` and
//!   `{geo}` (the geo), `CONTROL_PLANE_DNS_PREFIX` and `{prefix}` (the prefix), `PORTAL_ID`
//!   and `{portal}` (the portal id); upper-case words must be whole words. A hostname without
//!   placeholders (`cloud.konghq.com`) is a fixed host and is always on the allowlist. Any
//!   other upper-case word or `{...}` is an error, as is anything that is not hostname text.
//! - **Paragraph hostnames**: an inline code span with a `.` and a placeholder, such as
//!   `{geo}.mesh.sync.konghq.com:443`. The other code spans of the same paragraph that are
//!   plain labels (`au`, `eu`, `us`, `global`) are the geos the host exists in; when the
//!   reader's geo is not among them the host is left out with a notice. The purpose is the
//!   sentence around the span.
//! - **Ports**: the *first* table with a `port` column (key `port` or title `Port`), with its
//!   `protocol` and `description` columns. Later port tables (the data plane node's proxy
//!   ports from an include) describe ports on the reader's own nodes and are not read.
//!
//! # How a hostname gets its port
//!
//! 1. A port written with the hostname (`host:443`) wins ([`PortBasis::Written`]); its protocol
//!    is taken from the ports-table row with that number, or left empty.
//! 2. Otherwise the host gets the port the ports table marks as `HTTPS` (443 in the seed), with
//!    that row's protocols ([`PortBasis::HttpsPort`]). The page does not say this per host, so
//!    every expansion that uses this rule carries a [`Notice`] saying so.
//! 3. Without an HTTPS row the port is unknown ([`PortBasis::Unstated`]), and a notice says the
//!    page gives none.
//!
//! Ports no host uses (the seed's 8071 audit-logging port) are reported in
//! [`Expansion::other_ports`]: the page names no host for them, so none is guessed.
//!
//! # kong.conf
//!
//! Among hosts with a prefix placeholder, the control-plane host is the one whose description
//! mentions "configuration" but not "telemetry", the telemetry host the reverse; when the text
//! does not decide, a literal label `cp<digits>` or `tp<digits>` does. The first host per role
//! wins. [`Expansion::to_kong_conf`] writes `cluster_control_plane` (`host:port`),
//! `cluster_server_name` (host), `cluster_telemetry_endpoint` and
//! `cluster_telemetry_server_name` from those hosts.
//!
//! # Inputs
//!
//! The prefix and portal id must be one DNS label (RFC 1123: 1-63 characters of `a-z`, `0-9`
//! and `-`, not starting or ending with `-`). Surrounding blanks are trimmed; upper case is
//! folded to lower case with a notice. The geo must be one of the page's geo codes. A missing
//! input is not an error: hosts that need it carry [`Endpoint::needs`]. Every complete hostname
//! is checked to be a valid DNS name (a long prefix inside a label can still break the limits).
//!
//! # The spec as JSON
//!
//! ```json
//! {
//!   "geos": [{"code": "au", "label": "AU", "name": "Australia"}],
//!   "hosts": [{
//!     "template": "CONTROL_PLANE_DNS_PREFIX.REGION.cp0.konghq.com",
//!     "port": 443, "port_basis": "https_port", "protocol": "TCP/HTTPS",
//!     "purpose": "Handles configuration for a Control Plane in the geo. ...",
//!     "role": "control_plane", "geos": null, "anchor": null
//!   }],
//!   "ports": [{"port": 8071, "protocols": ["TCP", "UDP"], "description": "Port used for audit logging."}],
//!   "placeholders": {"geo": ["REGION", "{geo}"], "prefix": ["CONTROL_PLANE_DNS_PREFIX"], "portal": ["PORTAL_ID"]}
//! }
//! ```
//!
//! `port` may be `null`; `port_basis` is `written`, `https_port` or `unstated`; `role` is
//! `control_plane`, `telemetry` or `null`; `geos` is `null` (every geo) or a list of codes.

mod dns;
mod expand;
mod export;
mod facts;
mod spec;
mod template;
mod text;

pub use dns::{
    check_label, is_valid_hostname, is_valid_label, LabelProblem, MAX_HOSTNAME_LEN, MAX_LABEL_LEN,
};
pub use expand::{Endpoint, Expansion, InputError, InputErrorKind, Inputs, Notice};
pub use export::Format;
pub use facts::{ContentFacts, FactColumn, FactParagraph, FactRow, FactTable};
pub use spec::{
    CalculatorSpec, Geo, HostTemplate, Placeholders, PortBasis, PortFact, Role, SpecError,
};
pub use template::{Input, Template, TemplateError, KNOWN_PLACEHOLDERS};

#[cfg(test)]
mod seed_tests;
