//! Property tests: outputs are always valid DNS names, invalid labels are always rejected.

use portolan_endpoints::{
    is_valid_hostname, CalculatorSpec, ContentFacts, FactColumn, FactRow, FactTable, Input,
    InputErrorKind, Inputs,
};
use proptest::prelude::*;

fn seed() -> CalculatorSpec {
    let facts: ContentFacts =
        serde_json::from_str(include_str!("fixtures/seed-facts.json")).unwrap();
    CalculatorSpec::from_facts(&facts).unwrap()
}

/// An oracle written independently of the crate: RFC 1123 label, lowercase.
fn oracle_label(s: &str) -> bool {
    (1..=63).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

fn label() -> impl Strategy<Value = String> {
    "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
}

fn mixed_case_label() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
}

fn opt(s: &str) -> Option<String> {
    Some(s.to_string())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn valid_inputs_give_valid_hostnames(geo in 0usize..5, prefix in mixed_case_label(), portal in mixed_case_label()) {
        let spec = seed();
        let code = spec.geos[geo].code.clone();
        let x = spec.expand(&Inputs { geo: opt(&code), prefix: opt(&prefix), portal: opt(&portal) }).unwrap();
        prop_assert!(!x.endpoints.is_empty());
        for e in &x.endpoints {
            prop_assert!(e.needs.is_none());
            prop_assert!(is_valid_hostname(&e.hostname), "{}", e.hostname);
        }
        for line in x.to_allowlist().lines() {
            let (host, port) = line.rsplit_once(':').unwrap();
            prop_assert!(is_valid_hostname(host));
            prop_assert!(port.parse::<u16>().is_ok());
        }
    }

    #[test]
    fn prefix_validation_matches_rfc1123(raw in any::<String>()) {
        let spec = seed();
        let x = spec.expand(&Inputs { geo: opt("eu"), prefix: Some(raw.clone()), portal: None });
        let t = raw.trim().to_ascii_lowercase();
        if t.is_empty() {
            prop_assert!(x.is_ok());
        } else if oracle_label(&t) {
            let x = x.unwrap();
            let want = format!("{t}.eu.cp0.konghq.com");
            prop_assert!(x.endpoints.iter().any(|e| e.hostname == want));
        } else {
            let errs = x.unwrap_err();
            prop_assert_eq!(errs.len(), 1);
            prop_assert_eq!(errs[0].field, Input::Prefix);
        }
    }

    #[test]
    fn invalid_labels_are_rejected(
        good in label(),
        bad in prop_oneof![
            "[a-z0-9]{64,200}",                      // too long
            "-[a-z0-9-]{0,20}",                      // leading hyphen
            "[a-z0-9-]{0,20}-",                      // trailing hyphen
            // A character outside the set; not whitespace of any kind, which the calculator
            // trims from the ends (a no-break space after a valid label is not an error).
            "[a-z0-9]{0,10}[^a-zA-Z0-9\\-\\s][a-z0-9]{0,10}",
            "[a-z0-9]{1,10}\\.[a-z0-9]{1,10}",        // a dotted name
        ],
        field in 0usize..2,
    ) {
        let spec = seed();
        let (prefix, portal) = if field == 0 { (bad.clone(), good) } else { (good, bad.clone()) };
        let errs = spec.expand(&Inputs { geo: opt("us"), prefix: Some(prefix), portal: Some(portal) }).unwrap_err();
        prop_assert_eq!(errs.len(), 1);
        prop_assert_eq!(errs[0].field, if field == 0 { Input::Prefix } else { Input::Portal });
    }

    #[test]
    fn hostile_strings_never_pass_and_are_not_echoed(
        before in "[a-z]{0,5}",
        evil in prop_oneof![
            Just("<img src=x onerror=alert(1)>".to_string()),
            Just("\"><script>alert(1)</script>".to_string()),
            Just("' OR 1=1 --".to_string()),
            Just("javascript:alert(1)".to_string()),
            Just("a\u{0}b".to_string()),
            Just("x\u{202e}y".to_string()),
            Just("ｅｕ".to_string()),
            Just("ab\u{301}c".to_string()),
            "[<>\"'&/\\\\`$(){};|]{1,8}",
            ".{1000,3000}",
        ],
        after in "[a-z]{0,5}",
        field in 0usize..3,
    ) {
        let spec = seed();
        let hostile = format!("{before}{evil}{after}");
        let t = hostile.trim().to_ascii_lowercase();
        prop_assume!(!t.is_empty() && !oracle_label(&t));
        let mut inputs = Inputs { geo: opt("eu"), prefix: opt("abc"), portal: opt("xyz") };
        match field {
            0 => inputs.geo = Some(hostile.clone()),
            1 => inputs.prefix = Some(hostile.clone()),
            _ => inputs.portal = Some(hostile.clone()),
        }
        let errs = spec.expand(&inputs).unwrap_err();
        prop_assert_eq!(errs.len(), 1);
        prop_assert_eq!(errs[0].field, Input::ALL[field]);
        // A message may quote the one character it refuses, in backticks: a string of up
        // to three characters can show up inside that quote by coincidence (`"` then a
        // backtick), so only longer ones count as echoed.
        if hostile.trim().chars().count() > 3 {
            prop_assert!(!errs[0].message.contains(hostile.trim()), "echoed: {}", errs[0].message);
        }
        prop_assert!(errs[0].message.len() < 300);
    }

    /// Whatever valid labels a page uses for its geos and hostname templates, every complete
    /// hostname is a valid DNS name, or the input that would break it is reported.
    #[test]
    fn random_content_gives_valid_hostnames(
        geos in proptest::collection::btree_set(label(), 1..6),
        parts in proptest::collection::vec(label(), 1..4),
        glue in prop_oneof![Just("."), Just("-")],
        prefix in label(),
        port in 1u16..,
    ) {
        let tail = parts.join(".");
        let facts = ContentFacts {
            tables: vec![FactTable {
                columns: vec![FactColumn { key: "hostname".into(), title: "Hostname".into() }],
                rows: vec![
                    FactRow { id: None, cells: [("hostname".to_string(), format!("CONTROL_PLANE_DNS_PREFIX{glue}{{region}}.{tail}.com:{port}"))].into() },
                    FactRow { id: None, cells: [("hostname".to_string(), format!("{tail}.org"))].into() },
                ],
            }],
            list_items: geos.iter().map(|g| format!("{} ({g}land): {g}", g.to_uppercase())).collect(),
            paragraphs: vec![],
        };
        let spec = CalculatorSpec::from_facts(&facts).unwrap();
        prop_assert_eq!(spec.geos.len(), geos.len());
        for g in &geos {
            match spec.expand(&Inputs { geo: Some(g.clone()), prefix: Some(prefix.clone()), portal: None }) {
                Ok(x) => {
                    prop_assert_eq!(x.endpoints.len(), 2);
                    prop_assert_eq!(x.endpoints[0].port, Some(port));
                    for e in &x.endpoints {
                        prop_assert!(is_valid_hostname(&e.hostname), "{}", e.hostname);
                    }
                }
                Err(errs) => {
                    prop_assert!(errs.iter().all(|e| e.kind == InputErrorKind::HostnameTooLong), "{:?}", errs);
                }
            }
        }
    }
}
