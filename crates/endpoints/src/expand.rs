//! Expanding a [`CalculatorSpec`] for a reader's inputs.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::dns::{self, LabelProblem, MAX_LABEL_LEN};
use crate::spec::{CalculatorSpec, PortBasis, PortFact, Role};
use crate::template::Input;
use crate::text::{cat, decimal, describe_char, join};

/// What the reader typed. `None`, an empty or an all-blank value means "not given".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inputs {
    /// The geo code (`eu`).
    #[serde(default)]
    pub geo: Option<String>,
    /// The control plane's DNS prefix.
    #[serde(default)]
    pub prefix: Option<String>,
    /// The Dev Portal id.
    #[serde(default)]
    pub portal: Option<String>,
}

impl Inputs {
    /// The raw value of one input.
    pub fn get(&self, input: Input) -> Option<&str> {
        match input {
            Input::Geo => self.geo.as_deref(),
            Input::Prefix => self.prefix.as_deref(),
            Input::Portal => self.portal.as_deref(),
        }
    }
}

/// Why an input was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputErrorKind {
    /// Longer than a DNS label may be (63 characters).
    TooLong,
    /// A character other than a-z, 0-9 and `-`.
    BadCharacter,
    /// Contains a dot: a whole hostname rather than one label.
    HasDot,
    /// Starts or ends with a hyphen.
    HyphenAtEdge,
    /// Not one of the page's geos.
    UnknownGeo,
    /// Valid on its own, but a hostname built with it would break a DNS length limit.
    HostnameTooLong,
}

/// A rejected input, to show next to its field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputError {
    /// The field to show the error next to.
    pub field: Input,
    /// The kind of problem.
    pub kind: InputErrorKind,
    /// A sentence for the reader. It quotes the reader's value only when that value is a valid
    /// DNS label, so hostile input is never echoed back.
    pub message: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field.id(), self.message)
    }
}

impl std::error::Error for InputError {}

/// Something the reader should know that is not an error: an input that was changed, a host
/// left out, or what the page leaves unsaid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    /// The field the notice is about, if any.
    pub field: Option<Input>,
    /// A sentence for the reader.
    pub message: String,
}

/// One host to allow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoint {
    /// The hostname. A valid DNS name when `needs` is `None`; otherwise the template with the
    /// missing placeholders left as the page writes them (`PORTAL_ID.eu.portal.konghq.com`).
    pub hostname: String,
    /// The port, when the page gives one (see [`PortBasis`]).
    pub port: Option<u16>,
    /// Where the port came from.
    pub port_basis: PortBasis,
    /// The protocols, e.g. `TCP/HTTPS`; empty when the page does not say.
    pub protocol: String,
    /// What the host is for, from the page; empty when the page does not say.
    pub purpose: String,
    /// The `kong.conf` role, when recognised.
    pub role: Option<Role>,
    /// The first input (in form order) the reader has not given yet and this host needs.
    pub needs: Option<Input>,
    /// The page anchor of the row the host comes from.
    pub anchor: Option<String>,
}

impl Endpoint {
    /// `host:port`, or the host alone when the port is unknown.
    pub fn host_port(&self) -> String {
        match self.port {
            Some(p) => {
                let mut s = self.hostname.clone();
                s.push(':');
                s.push_str(&decimal(p.into()));
                s
            }
            None => self.hostname.clone(),
        }
    }
}

/// The result of [`CalculatorSpec::expand`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Expansion {
    /// The geo code used (after case folding), if given.
    pub geo: Option<String>,
    /// The hosts to allow, in page order, without duplicates.
    pub endpoints: Vec<Endpoint>,
    /// Ports the page lists without naming a host for them (the seed's 8071 audit logging).
    pub other_ports: Vec<PortFact>,
    /// Things to tell the reader.
    pub notices: Vec<Notice>,
}

impl Expansion {
    /// The endpoints whose hostnames are complete (no input missing).
    pub fn complete(&self) -> impl Iterator<Item = &Endpoint> {
        self.endpoints.iter().filter(|e| e.needs.is_none())
    }
}

/// Trims, folds ASCII uppercase and validates one label input. Returns the value to use.
fn normalize(
    field: Input,
    raw: Option<&str>,
    notices: &mut Vec<Notice>,
    errors: &mut Vec<InputError>,
) -> Option<String> {
    let trimmed = raw?.trim();
    if trimmed.is_empty() {
        return None;
    }
    let value = trimmed.to_ascii_lowercase();
    let problem = match dns::check_label(&value) {
        Ok(()) => {
            if value != trimmed {
                notices.push(Notice {
                    field: Some(field),
                    message: lowercase_notice(&value, trimmed),
                });
            }
            return Some(value);
        }
        Err(problem) => problem,
    };
    let what = capitalized(field);
    let (kind, message) = match problem {
        LabelProblem::TooLong(n) => (
            InputErrorKind::TooLong,
            cat(&[
                what,
                " is ",
                &decimal(n),
                " characters long; a DNS label has at most ",
                &decimal(MAX_LABEL_LEN),
                ".",
            ]),
        ),
        LabelProblem::BadChar(c) => (
            InputErrorKind::BadCharacter,
            cat(&[
                what,
                " can only have letters a-z, digits 0-9 and hyphens, not ",
                &describe_char(c),
                ".",
            ]),
        ),
        LabelProblem::Dot => {
            let first = value.split('.').next().unwrap_or("");
            let hint = if dns::is_valid_label(first) {
                cat(&[" Enter only the part before the first dot (`", first, "`)."])
            } else {
                String::new()
            };
            (
                InputErrorKind::HasDot,
                cat(&[what, " is a single DNS label, without dots.", &hint]),
            )
        }
        LabelProblem::HyphenAtEdge => (
            InputErrorKind::HyphenAtEdge,
            cat(&[what, " cannot start or end with a hyphen."]),
        ),
        LabelProblem::Empty => return None,
    };
    errors.push(InputError {
        field,
        kind,
        message,
    });
    None
}

fn capitalized(field: Input) -> &'static str {
    match field {
        Input::Geo => "The geo",
        Input::Prefix => "The control plane DNS prefix",
        Input::Portal => "The portal ID",
    }
}

fn lowercase_notice(value: &str, typed: &str) -> String {
    cat(&[
        "Hostnames are lowercase: using `",
        value,
        "` for `",
        typed,
        "`.",
    ])
}

impl CalculatorSpec {
    fn normalize_geo(
        &self,
        raw: Option<&str>,
        notices: &mut Vec<Notice>,
        errors: &mut Vec<InputError>,
    ) -> Option<String> {
        let trimmed = raw?.trim();
        if trimmed.is_empty() {
            return None;
        }
        let value = trimmed.to_ascii_lowercase();
        if self.geo(&value).is_some() {
            if value != trimmed {
                notices.push(Notice {
                    field: Some(Input::Geo),
                    message: lowercase_notice(&value, trimmed),
                });
            }
            return Some(value);
        }
        let codes: Vec<&str> = self.geos.iter().map(|g| g.code.as_str()).collect();
        let what = if dns::is_valid_label(&value) {
            cat(&["`", &value, "`"])
        } else {
            "That".to_string()
        };
        errors.push(InputError {
            field: Input::Geo,
            kind: InputErrorKind::UnknownGeo,
            message: cat(&[
                &what,
                " is not a geo on this page. Choose one of: ",
                &join(&codes, ", "),
                ".",
            ]),
        });
        None
    }

    /// Expands the templates for the reader's inputs. Invalid inputs are errors, each naming its
    /// field; missing inputs are not: hosts that need them are listed with [`Endpoint::needs`].
    pub fn expand(&self, inputs: &Inputs) -> Result<Expansion, Vec<InputError>> {
        let mut notices = Vec::new();
        let mut errors = Vec::new();
        let geo = self.normalize_geo(inputs.geo.as_deref(), &mut notices, &mut errors);
        let prefix = normalize(
            Input::Prefix,
            inputs.prefix.as_deref(),
            &mut notices,
            &mut errors,
        );
        let portal = normalize(
            Input::Portal,
            inputs.portal.as_deref(),
            &mut notices,
            &mut errors,
        );
        if !errors.is_empty() {
            return Err(errors);
        }
        let value = |i: Input| match i {
            Input::Geo => geo.as_deref(),
            Input::Prefix => prefix.as_deref(),
            Input::Portal => portal.as_deref(),
        };

        let mut endpoints: Vec<Endpoint> = Vec::new();
        let mut unstated: Vec<&str> = Vec::new();
        let mut https_default = false;
        for host in &self.hosts {
            if let (Some(allowed), Some(g)) = (&host.geos, &geo) {
                if host.template.uses(Input::Geo) && !allowed.iter().any(|a| a == g) {
                    notices.push(Notice {
                        field: Some(Input::Geo),
                        message: cat(&[
                            "The page lists `",
                            host.template.as_str(),
                            "` only for ",
                            &join(allowed, ", "),
                            ", so it is left out for ",
                            g,
                            ".",
                        ]),
                    });
                    continue;
                }
            }
            let (hostname, needs) = host.template.fill(value);
            if needs.is_none() && !dns::is_valid_hostname(&hostname) {
                let field = [Input::Prefix, Input::Portal, Input::Geo]
                    .into_iter()
                    .find(|i| host.template.uses(*i))
                    .unwrap_or(Input::Prefix);
                if !errors.iter().any(|e: &InputError| e.field == field) {
                    errors.push(InputError {
                        field,
                        kind: InputErrorKind::HostnameTooLong,
                        message: cat(&[
                            capitalized(field),
                            " is too long for the hostname `",
                            host.template.as_str(),
                            "`: a DNS label has at most 63 characters and a hostname at most 253.",
                        ]),
                    });
                }
                continue;
            }
            if endpoints
                .iter()
                .any(|e| e.hostname == hostname && e.port == host.port)
            {
                continue;
            }
            match host.port_basis {
                PortBasis::HttpsPort => https_default = true,
                PortBasis::Unstated => unstated.push(host.template.as_str()),
                PortBasis::Written => {}
            }
            endpoints.push(Endpoint {
                hostname,
                port: host.port,
                port_basis: host.port_basis,
                protocol: host.protocol.clone(),
                purpose: host.purpose.clone(),
                role: host.role,
                needs,
                anchor: host.anchor.clone(),
            });
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        if https_default {
            if let Some(p) = self.https_port() {
                notices.push(Notice {
                    field: None,
                    message: cat(&[
                        "Where the page gives no port next to a hostname, it is shown with port ",
                        &decimal(p.port.into()),
                        ", the port the page's ports table lists for ",
                        &join(&p.protocols, "/"),
                        ".",
                    ]),
                });
            }
        }
        if !unstated.is_empty() {
            notices.push(Notice {
                field: None,
                message: cat(&["The page gives no port for: ", &join(&unstated, ", "), "."]),
            });
        }
        Ok(Expansion {
            geo,
            endpoints,
            other_ports: self.ports_without_host(),
            notices,
        })
    }
}
