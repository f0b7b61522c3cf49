//! Hostname templates: a hostname as the page writes it, with placeholders for the
//! reader's inputs (`CONTROL_PLANE_DNS_PREFIX.REGION.cp0.konghq.com`).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::dns;
use crate::text::{cat, describe_char};

/// One of the calculator's inputs: the reader's geo, control-plane DNS prefix or portal id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Input {
    /// The geo (region identifier), e.g. `eu`. Placeholders `REGION`, `{region}`, `{geo}`.
    Geo,
    /// The control plane's DNS prefix. Placeholders `CONTROL_PLANE_DNS_PREFIX`, `{prefix}`.
    Prefix,
    /// The Dev Portal id. Placeholders `PORTAL_ID`, `{portal}`, `{portal_id}`.
    Portal,
}

impl Input {
    /// All inputs, in form order.
    pub const ALL: [Input; 3] = [Input::Geo, Input::Prefix, Input::Portal];

    /// The id used in JSON, URLs (`?geo=`), and element ids: `geo`, `prefix` or `portal`.
    pub fn id(self) -> &'static str {
        match self {
            Input::Geo => "geo",
            Input::Prefix => "prefix",
            Input::Portal => "portal",
        }
    }

    /// The inverse of [`Input::id`].
    pub fn from_id(id: &str) -> Option<Input> {
        Input::ALL.into_iter().find(|i| i.id() == id)
    }

    /// A short human name, for messages: "geo", "control plane DNS prefix", "portal ID".
    pub fn human(self) -> &'static str {
        match self {
            Input::Geo => "geo",
            Input::Prefix => "control plane DNS prefix",
            Input::Portal => "portal ID",
        }
    }
}

/// Placeholders written in upper case as a whole word, and the input each stands for.
const WORD_PLACEHOLDERS: [(&str, Input); 3] = [
    ("REGION", Input::Geo),
    ("CONTROL_PLANE_DNS_PREFIX", Input::Prefix),
    ("PORTAL_ID", Input::Portal),
];

/// Placeholders written in braces (matched case-insensitively), and the input each stands for.
const BRACE_PLACEHOLDERS: [(&str, Input); 6] = [
    ("geo", Input::Geo),
    ("region", Input::Geo),
    ("prefix", Input::Prefix),
    ("control_plane_dns_prefix", Input::Prefix),
    ("portal", Input::Portal),
    ("portal_id", Input::Portal),
];

/// The placeholders the calculator understands, for error messages.
pub const KNOWN_PLACEHOLDERS: &str =
    "REGION, {region}, {geo}, CONTROL_PLANE_DNS_PREFIX, {prefix}, PORTAL_ID, {portal}";

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Lit(String),
    Var(Input, String),
}

/// A parsed hostname template. It serializes as the text the page wrote (e.g.
/// `"PORTAL_ID.REGION.portal.konghq.com"`) and deserializing parses that text again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    source: String,
    parts: Vec<Part>,
}

/// Why a string is not a usable hostname template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    /// What is wrong, in a sentence.
    pub message: String,
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TemplateError {}

fn err(message: String) -> TemplateError {
    TemplateError { message }
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Why [`parse_source`] failed; [`Template::parse`] turns it into a message.
enum Fail<'a> {
    Empty,
    Char(char),
    Unclosed,
    Brace(&'a str),
    Word(&'a str),
    Invalid,
}

fn parse_source(source: &str) -> Result<Template, Fail<'_>> {
    if source.is_empty() {
        return Err(Fail::Empty);
    }
    if let Some(c) = source
        .chars()
        .find(|c| !c.is_ascii() || c.is_ascii_whitespace())
    {
        return Err(Fail::Char(c));
    }
    let bytes = source.as_bytes();
    let mut parts: Vec<Part> = Vec::new();
    let mut lit = String::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'{' {
            let len = source[i..].find('}').ok_or(Fail::Unclosed)?;
            let name = &source[i + 1..i + len];
            let (_, input) = BRACE_PLACEHOLDERS
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .ok_or(Fail::Brace(name))?;
            push_lit(&mut parts, &mut lit);
            parts.push(Part::Var(*input, source[i..=i + len].to_string()));
            i += len + 1;
        } else if is_word_byte(b) {
            let end = bytes[i..]
                .iter()
                .position(|b| !is_word_byte(*b))
                .map_or(bytes.len(), |n| i + n);
            let word = &source[i..end];
            if let Some((_, input)) = WORD_PLACEHOLDERS.iter().find(|(n, _)| *n == word) {
                push_lit(&mut parts, &mut lit);
                parts.push(Part::Var(*input, word.to_string()));
            } else if word.bytes().any(|b| b.is_ascii_uppercase() || b == b'_') {
                return Err(Fail::Word(word));
            } else {
                lit.push_str(word);
            }
            i = end;
        } else {
            lit.push(b as char);
            i += 1;
        }
    }
    push_lit(&mut parts, &mut lit);
    let template = Template {
        source: source.to_string(),
        parts,
    };
    if !dns::is_valid_hostname(&template.fill(|_| Some("a")).0) {
        return Err(Fail::Invalid);
    }
    Ok(template)
}

impl Template {
    /// Parses a hostname template without a port (`{geo}.mesh.sync.konghq.com`). Everything
    /// that is not a placeholder must be lowercase hostname text, and the template with its
    /// placeholders filled by a one-letter label must be a valid hostname.
    pub fn parse(text: &str) -> Result<Template, TemplateError> {
        let source = text.trim();
        parse_source(source).map_err(|fail| {
            let q = |rest: &[&str]| {
                let mut parts = vec!["`", source];
                parts.extend_from_slice(rest);
                err(cat(&parts))
            };
            match fail {
                Fail::Empty => err("the hostname is empty".into()),
                Fail::Char(c) if c.is_whitespace() => q(&["` is not one hostname: it contains a space"]),
                Fail::Char(c) => q(&["` is not one hostname: it contains ", &describe_char(c)]),
                Fail::Unclosed => q(&["` has a `{` without its `}`"]),
                Fail::Brace(name) => q(&[
                    "` uses the placeholder `{",
                    name,
                    "}`, which the calculator does not know (it knows ",
                    KNOWN_PLACEHOLDERS,
                    ")",
                ]),
                Fail::Word(word) => q(&[
                    "` contains `",
                    word,
                    "`, which is neither lowercase hostname text nor a placeholder the calculator knows (",
                    KNOWN_PLACEHOLDERS,
                    ")",
                ]),
                Fail::Invalid => q(&[
                    "` is not a valid hostname pattern (hostnames are dot-separated labels of a-z, 0-9 and inner hyphens)",
                ]),
            }
        })
    }

    /// Like [`Template::parse`], without building an error message (smaller in the WASM
    /// bundle, which only needs to know whether the embedded spec is sound).
    pub fn parse_silently(text: &str) -> Option<Template> {
        parse_source(text.trim()).ok()
    }

    /// The template as the page wrote it.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// True when the template has a placeholder for `input`.
    pub fn uses(&self, input: Input) -> bool {
        self.parts
            .iter()
            .any(|p| matches!(p, Part::Var(i, _) if *i == input))
    }

    /// True when the template has no placeholders (a fixed host such as `cloud.konghq.com`).
    pub fn is_fixed(&self) -> bool {
        self.parts.iter().all(|p| matches!(p, Part::Lit(_)))
    }

    /// The placeholders as written, each with its input, in order of appearance.
    pub fn placeholders(&self) -> impl Iterator<Item = (Input, &str)> + '_ {
        self.parts.iter().filter_map(|p| match p {
            Part::Var(i, w) => Some((*i, w.as_str())),
            Part::Lit(_) => None,
        })
    }

    /// The labels that contain no placeholder (`cp0`, `konghq`, `com` in
    /// `CONTROL_PLANE_DNS_PREFIX.REGION.cp0.konghq.com`).
    pub fn literal_labels(&self) -> Vec<String> {
        // Vars become NUL, which no literal can contain, so a label with a NUL had a var.
        let (marked, _) = self.fill(|_| Some("\0"));
        marked
            .split('.')
            .filter(|l| !l.contains('\0'))
            .map(str::to_string)
            .collect()
    }

    /// Fills the placeholders. `value` gives each input's value, or `None` when the reader has
    /// not given it; a missing value leaves the placeholder as written. Returns the text and
    /// the first missing input in form order (geo, prefix, portal), if any.
    pub fn fill<'v>(&self, value: impl Fn(Input) -> Option<&'v str>) -> (String, Option<Input>) {
        let mut out = String::with_capacity(self.source.len() + 16);
        let mut missing: Option<Input> = None;
        for part in &self.parts {
            match part {
                Part::Lit(text) => out.push_str(text),
                Part::Var(input, written) => match value(*input) {
                    Some(v) => out.push_str(v),
                    None => {
                        out.push_str(written);
                        missing = Some(missing.map_or(*input, |m| m.min(*input)));
                    }
                },
            }
        }
        (out, missing)
    }
}

fn push_lit(parts: &mut Vec<Part>, lit: &mut String) {
    if !lit.is_empty() {
        parts.push(Part::Lit(std::mem::take(lit)));
    }
}

impl fmt::Display for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

impl Serialize for Template {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.source)
    }
}

impl<'de> Deserialize<'de> for Template {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Template::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// Splits `host:port` into the host and the port. A text without `:` has no port.
pub(crate) fn split_host_port(text: &str) -> Result<(&str, Option<u16>), String> {
    let text = text.trim();
    match text.rsplit_once(':') {
        None => Ok((text, None)),
        Some((host, port)) => match parse_port(port) {
            Some(p) => Ok((host, Some(p))),
            None => Err(cat(&[
                "`",
                text,
                "` ends in `:",
                port,
                "`, which is not a port number (1-65535)",
            ])),
        },
    }
}

/// Parses a port number 1-65535 written in decimal.
pub(crate) fn parse_port(text: &str) -> Option<u16> {
    let text = text.trim();
    if text.is_empty() || text.len() > 5 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse::<u16>().ok().filter(|p| *p != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_seed_templates() {
        let t = Template::parse("CONTROL_PLANE_DNS_PREFIX.REGION.cp0.konghq.com").unwrap();
        assert!(t.uses(Input::Prefix) && t.uses(Input::Geo) && !t.uses(Input::Portal));
        assert_eq!(t.literal_labels(), vec!["cp0", "konghq", "com"]);
        let (s, missing) = t.fill(|i| (i == Input::Geo).then_some("eu"));
        assert_eq!(s, "CONTROL_PLANE_DNS_PREFIX.eu.cp0.konghq.com");
        assert_eq!(missing, Some(Input::Prefix));
        let (s, missing) = t.fill(|i| Some(if i == Input::Geo { "eu" } else { "abc" }));
        assert_eq!((s.as_str(), missing), ("abc.eu.cp0.konghq.com", None));

        let t = Template::parse("{geo}.mesh.sync.konghq.com").unwrap();
        assert!(t.uses(Input::Geo));
        let t = Template::parse("cloud.konghq.com").unwrap();
        assert!(t.is_fixed());
        let t = Template::parse("{Region}-x.api.konghq.com").unwrap();
        assert_eq!(t.fill(|_| Some("us")).0, "us-x.api.konghq.com");
    }

    #[test]
    fn missing_reports_first_in_form_order() {
        let t = Template::parse("PORTAL_ID.REGION.portal.konghq.com").unwrap();
        assert_eq!(t.fill(|_| None).1, Some(Input::Geo));
        assert_eq!(
            t.fill(|i| (i == Input::Geo).then_some("eu")).1,
            Some(Input::Portal)
        );
    }

    #[test]
    fn rejects_bad_templates() {
        for bad in [
            "",
            "ORG_ID.konghq.com",
            "{org}.konghq.com",
            "{geo.konghq.com",
            "Cloud.konghq.com",
            "cloud konghq.com",
            "*.konghq.com",
            "a..b",
            "-a.konghq.com",
            "konghq.com.",
            "https://cloud.konghq.com",
            "clöud.konghq.com",
            "REGIONS.konghq.com",
        ] {
            assert!(Template::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn host_port() {
        assert_eq!(split_host_port("a.b:443"), Ok(("a.b", Some(443))));
        assert_eq!(split_host_port("a.b"), Ok(("a.b", None)));
        assert!(split_host_port("a.b:0").is_err());
        assert!(split_host_port("a.b:99999").is_err());
        assert!(split_host_port("a.b:x").is_err());
    }

    #[test]
    fn serde_round_trip() {
        let t = Template::parse("PORTAL_ID.REGION.portal.konghq.com").unwrap();
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(json, "\"PORTAL_ID.REGION.portal.konghq.com\"");
        assert_eq!(serde_json::from_str::<Template>(&json).unwrap(), t);
        assert!(serde_json::from_str::<Template>("\"NOPE.x\"").is_err());
    }
}
