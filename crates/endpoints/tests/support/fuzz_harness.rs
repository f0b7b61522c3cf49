//! What the calculator fuzz targets do with an input, shared by
//! `fuzz/fuzz_targets/calculator_*.rs` (cargo-fuzz) and `tests/fuzz_regressions.rs` (which
//! replays saved crash inputs and the corpus), so a reproducer fails the same way in both.
//!
//! Beyond "does not panic": complete hostnames are valid DNS names, messages never echo
//! markup the reader typed, the JSON export parses, and a spec survives its JSON.

#![allow(dead_code, unreachable_pub)]

use std::collections::BTreeMap;
use std::sync::OnceLock;

use arbitrary::{Result, Unstructured};
use portolan_endpoints::{
    is_valid_hostname, is_valid_label, CalculatorSpec, ContentFacts, FactColumn, FactParagraph,
    FactRow, FactTable, Format, Inputs,
};

/// The seed page's calculator, from its content facts.
fn seed_spec() -> &'static CalculatorSpec {
    static SPEC: OnceLock<CalculatorSpec> = OnceLock::new();
    SPEC.get_or_init(|| {
        let facts: ContentFacts =
            serde_json::from_str(include_str!("../fixtures/seed-facts.json")).unwrap();
        CalculatorSpec::from_facts(&facts).unwrap()
    })
}

/// Target `calculator_inputs`: the seed page's calculator with fuzzed reader inputs: geo,
/// prefix and portal id, separated by NUL bytes (`\u{1}` alone stands for "not given").
pub fn calculator_inputs(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.split('\0').map(|s| {
        if s == "\u{1}" {
            None
        } else {
            Some(s.to_string())
        }
    });
    let inputs = Inputs {
        geo: parts.next().flatten(),
        prefix: parts.next().flatten(),
        portal: parts.next().flatten(),
    };
    expand_and_check(seed_spec(), &inputs);
}

/// Target `calculator_facts`: what the calculator derives from a page's content facts, then
/// expanded for a few inputs. An input starting with `{` is read as the facts' JSON (the
/// corpus holds the seed page's); any other is built with `arbitrary` from a vocabulary of
/// column keys, placeholders and hostname pieces, which reaches deeper.
pub fn calculator_facts(data: &[u8]) {
    let facts = if data.first() == Some(&b'{') {
        match serde_json::from_slice::<ContentFacts>(data) {
            Ok(f) => f,
            Err(_) => return,
        }
    } else {
        match facts(&mut Unstructured::new(data)) {
            Ok(f) => f,
            Err(_) => return,
        }
    };
    let Ok(spec) = CalculatorSpec::from_facts(&facts) else {
        return;
    };
    let json = serde_json::to_string(&spec).unwrap();
    let back: CalculatorSpec = serde_json::from_str(&json).unwrap();
    assert_eq!(back, spec, "the spec does not survive its JSON");
    let geo = spec.geos.first().map(|g| g.code.clone());
    for inputs in [
        Inputs::default(),
        Inputs {
            geo: geo.clone(),
            prefix: Some("abc123".into()),
            portal: Some("p0rtal".into()),
        },
        Inputs {
            geo,
            prefix: Some("a".repeat(63)),
            portal: Some("<script>".into()),
        },
    ] {
        expand_and_check(&spec, &inputs);
    }
}

const KEYS: &[&str] = &[
    "hostname",
    "port",
    "protocol",
    "description",
    "id",
    "region",
    "Hostname",
    "Port",
];
const PIECES: &[&str] = &[
    "CONTROL_PLANE_DNS_PREFIX",
    "REGION",
    "PORTAL_ID",
    "{geo}",
    "{region}",
    "{prefix}",
    "{portal}",
    ".",
    ".",
    "-",
    ":",
    ":443",
    ":8071",
    "konghq.com",
    "cp0",
    "tp0",
    "us",
    "eu",
    "au",
    "in",
    "global",
    "\n",
    " ",
    "TCP",
    "HTTPS",
    "UDP",
    "/",
    "`",
    "<br>",
    "configuration",
    "telemetry",
    "AU (Australia): au",
    "EU (Europe): eu",
    "(",
    ")",
    "{",
    "}",
    "*",
    "é",
    "443",
    "0",
    "65536",
];

fn text(u: &mut Unstructured<'_>) -> Result<String> {
    let mut s = String::new();
    for _ in 0..u.int_in_range(0..=8)? {
        if u.ratio(1, 8)? {
            s.push_str(&String::arbitrary_take(u)?);
        } else {
            s.push_str(u.choose(PIECES)?);
        }
    }
    Ok(s)
}

trait TakeString {
    fn arbitrary_take(u: &mut Unstructured<'_>) -> Result<String>;
}

impl TakeString for String {
    fn arbitrary_take(u: &mut Unstructured<'_>) -> Result<String> {
        let n = u.int_in_range(0..=12)?;
        let mut s = String::new();
        for _ in 0..n {
            s.push(u.arbitrary::<char>()?);
        }
        Ok(s)
    }
}

fn facts(u: &mut Unstructured<'_>) -> Result<ContentFacts> {
    let mut f = ContentFacts::default();
    for _ in 0..u.int_in_range(0..=3)? {
        let mut t = FactTable::default();
        for _ in 0..u.int_in_range(0..=4)? {
            let key = if u.ratio(1, 6)? {
                text(u)?
            } else {
                u.choose(KEYS)?.to_string()
            };
            t.columns.push(FactColumn {
                title: key.clone(),
                key,
            });
        }
        for _ in 0..u.int_in_range(0..=6)? {
            let mut cells = BTreeMap::new();
            for c in &t.columns {
                if u.ratio(4, 5)? {
                    cells.insert(c.key.clone(), text(u)?);
                }
            }
            let id = if u.arbitrary()? { Some(text(u)?) } else { None };
            t.rows.push(FactRow { id, cells });
        }
        f.tables.push(t);
    }
    for _ in 0..u.int_in_range(0..=5)? {
        f.list_items.push(text(u)?);
    }
    for _ in 0..u.int_in_range(0..=3)? {
        let mut p = FactParagraph {
            text: text(u)?,
            code_spans: Vec::new(),
        };
        for _ in 0..u.int_in_range(0..=3)? {
            let span = text(u)?;
            p.text.push_str(&span);
            p.code_spans.push(span);
        }
        f.paragraphs.push(p);
    }
    Ok(f)
}

/// True when `message` quotes markup the reader typed (a value that is not a DNS label and
/// holds `<`, `>`, `&` or `"`). Messages may name one offending character (`` `<` ``,
/// `U+202E`), never echo the value.
fn echoes(message: &str, typed: &[&str]) -> bool {
    typed.iter().any(|t| {
        let t = t.trim();
        t.len() >= 4
            && t.contains(['<', '>', '&', '"'])
            && !is_valid_label(&t.to_ascii_lowercase())
            && message.contains(t)
    })
}

/// Expands `spec` for `inputs` and checks what readers rely on: complete hostnames are valid
/// DNS names, messages never echo what the reader typed unless it is a DNS label, the JSON
/// export parses.
pub fn expand_and_check(spec: &CalculatorSpec, inputs: &Inputs) {
    let typed: Vec<&str> = [&inputs.geo, &inputs.prefix, &inputs.portal]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
    match spec.expand(inputs) {
        Ok(x) => {
            for e in x.complete() {
                assert!(
                    is_valid_hostname(&e.hostname),
                    "invalid complete hostname {:?}",
                    e.hostname
                );
            }
            for n in &x.notices {
                assert!(
                    !echoes(&n.message, &typed),
                    "notice echoes the input: {:?} {typed:?}",
                    n.message
                );
            }
            for f in Format::ALL {
                let out = x.export(f);
                if f == Format::Json {
                    serde_json::from_str::<serde_json::Value>(&out)
                        .unwrap_or_else(|e| panic!("JSON export does not parse: {e}\n{out}"));
                }
            }
        }
        Err(errors) => {
            assert!(!errors.is_empty());
            for e in &errors {
                assert!(
                    !echoes(&e.message, &typed),
                    "error echoes the input: {:?} {typed:?}",
                    e.message
                );
            }
        }
    }
}
