//! Tests against the facts of the seed page ("Networking in Konnect").

use crate::*;

const SEED_FACTS: &str = include_str!("../tests/fixtures/seed-facts.json");

fn seed_facts() -> ContentFacts {
    serde_json::from_str(SEED_FACTS).unwrap()
}

fn seed() -> CalculatorSpec {
    CalculatorSpec::from_facts(&seed_facts()).unwrap()
}

fn inputs(geo: &str, prefix: &str, portal: &str) -> Inputs {
    let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
    Inputs {
        geo: opt(geo),
        prefix: opt(prefix),
        portal: opt(portal),
    }
}

#[test]
fn spec_from_seed() {
    let spec = seed();
    let codes: Vec<_> = spec.geos.iter().map(|g| g.code.as_str()).collect();
    assert_eq!(codes, ["au", "eu", "me", "in", "us"]);
    assert_eq!(
        spec.geos[4],
        Geo {
            code: "us".into(),
            label: "US".into(),
            name: "United States".into()
        }
    );

    let templates: Vec<_> = spec.hosts.iter().map(|h| h.template.as_str()).collect();
    assert_eq!(
        templates,
        [
            "cloud.konghq.com",
            "global.api.konghq.com",
            "REGION.api.konghq.com",
            "PORTAL_ID.REGION.portal.konghq.com",
            "CONTROL_PLANE_DNS_PREFIX.REGION.cp0.konghq.com",
            "CONTROL_PLANE_DNS_PREFIX.REGION.tp0.konghq.com",
            "{geo}.mesh.sync.konghq.com",
        ]
    );
    // Only the first ports table counts: the data plane node ports (8000, 8443) are not read.
    let ports: Vec<_> = spec
        .ports
        .iter()
        .map(|p| (p.port, p.protocols.join("/")))
        .collect();
    assert_eq!(
        ports,
        [
            (443, "TCP/HTTPS".to_string()),
            (8071, "TCP/UDP".to_string())
        ]
    );
    assert_eq!(spec.https_port().unwrap().port, 443);

    let roles: Vec<_> = spec.hosts.iter().map(|h| h.role).collect();
    assert_eq!(
        roles,
        [
            None,
            None,
            None,
            None,
            Some(Role::ControlPlane),
            Some(Role::Telemetry),
            None
        ]
    );
    for h in &spec.hosts[..6] {
        assert_eq!(
            (h.port, h.port_basis, h.protocol.as_str()),
            (Some(443), PortBasis::HttpsPort, "TCP/HTTPS")
        );
        assert_eq!(h.geos, None);
    }
    let mesh = &spec.hosts[6];
    assert_eq!(
        (mesh.port, mesh.port_basis),
        (Some(443), PortBasis::Written)
    );
    assert_eq!(
        mesh.geos.as_deref(),
        Some(&["au".to_string(), "eu".into(), "us".into(), "global".into()][..])
    );
    assert!(
        mesh.purpose.starts_with("If you use Mesh Manager") && mesh.purpose.ends_with("allowlist.")
    );
    assert_eq!(spec.hosts[0].purpose, "The Konnect platform.");

    assert_eq!(spec.placeholders.geo, ["REGION", "{geo}"]);
    assert_eq!(spec.placeholders.prefix, ["CONTROL_PLANE_DNS_PREFIX"]);
    assert_eq!(spec.placeholders.get(Input::Portal), ["PORTAL_ID"]);
    assert_eq!(
        spec.ports_without_host()
            .iter()
            .map(|p| p.port)
            .collect::<Vec<_>>(),
        [8071]
    );
}

#[test]
fn spec_json_round_trip() {
    let spec = seed();
    let json = serde_json::to_string(&spec).unwrap();
    assert_eq!(serde_json::from_str::<CalculatorSpec>(&json).unwrap(), spec);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        value["hosts"][4]["template"],
        "CONTROL_PLANE_DNS_PREFIX.REGION.cp0.konghq.com"
    );
    assert_eq!(value["hosts"][4]["role"], "control_plane");
    assert_eq!(value["hosts"][4]["port_basis"], "https_port");
    assert_eq!(value["hosts"][6]["port_basis"], "written");
    assert_eq!(value["placeholders"]["portal"][0], "PORTAL_ID");
    // The ids used by hand-written readers (the WASM module) agree with serde's.
    for b in [
        PortBasis::Written,
        PortBasis::HttpsPort,
        PortBasis::Unstated,
    ] {
        assert_eq!(serde_json::to_value(b).unwrap(), b.id());
        assert_eq!(PortBasis::from_id(b.id()), Some(b));
    }
    for r in [Role::ControlPlane, Role::Telemetry] {
        assert_eq!(serde_json::to_value(r).unwrap(), r.id());
        assert_eq!(Role::from_id(r.id()), Some(r));
    }
    for i in Input::ALL {
        assert_eq!(serde_json::to_value(i).unwrap(), i.id());
        assert_eq!(Input::from_id(i.id()), Some(i));
    }
}

#[test]
fn expand_full() {
    let x = seed().expand(&inputs("eu", "abc123", "xyz")).unwrap();
    let hosts: Vec<_> = x.endpoints.iter().map(|e| e.host_port()).collect();
    assert_eq!(
        hosts,
        [
            "cloud.konghq.com:443",
            "global.api.konghq.com:443",
            "eu.api.konghq.com:443",
            "xyz.eu.portal.konghq.com:443",
            "abc123.eu.cp0.konghq.com:443",
            "abc123.eu.tp0.konghq.com:443",
            "eu.mesh.sync.konghq.com:443",
        ]
    );
    assert!(x
        .endpoints
        .iter()
        .all(|e| e.needs.is_none() && is_valid_hostname(&e.hostname)));
    assert_eq!(x.geo.as_deref(), Some("eu"));
    assert_eq!(x.other_ports.len(), 1);
    assert_eq!(x.other_ports[0].port, 8071);
    assert!(
        x.notices.iter().any(|n| n.message.contains("port 443")),
        "{:?}",
        x.notices
    );

    assert_eq!(x.to_allowlist(), hosts.join("\n") + "\n");
    assert_eq!(
        x.to_kong_conf(),
        "cluster_control_plane = abc123.eu.cp0.konghq.com:443\n\
         cluster_server_name = abc123.eu.cp0.konghq.com\n\
         cluster_telemetry_endpoint = abc123.eu.tp0.konghq.com:443\n\
         cluster_telemetry_server_name = abc123.eu.tp0.konghq.com\n"
    );
    let csv = x.to_csv();
    assert!(csv.starts_with("hostname,port,protocol,purpose,needs\r\ncloud.konghq.com,443,TCP/HTTPS,The Konnect platform.,\r\n"));
    assert!(csv.contains("\"The Konnect API for platform authentication, identity, permissions, teams, and organizational entitlements and settings.\""));
    assert_eq!(csv.matches("\r\n").count(), 8);

    let json: serde_json::Value = serde_json::from_str(&x.to_json()).unwrap();
    assert_eq!(json["geo"], "eu");
    assert_eq!(json["endpoints"][4]["hostname"], "abc123.eu.cp0.konghq.com");
    assert_eq!(json["endpoints"][4]["port"], 443);
    assert_eq!(json["endpoints"][4]["needs"], serde_json::Value::Null);
    assert_eq!(json["other_ports"][0]["port"], 8071);
    assert_eq!(json["other_ports"][0]["protocols"][1], "UDP");
    for f in Format::ALL {
        assert_eq!(
            x.export(f),
            match f {
                Format::Allowlist => x.to_allowlist(),
                Format::Csv => x.to_csv(),
                Format::Json => x.to_json(),
                Format::KongConf => x.to_kong_conf(),
            }
        );
        assert_eq!(Format::from_id(f.id()), Some(f));
    }
}

#[test]
fn missing_inputs_are_needs_not_errors() {
    let spec = seed();
    let x = spec.expand(&inputs("eu", "abc123", "")).unwrap();
    let portal = &x.endpoints[3];
    assert_eq!(portal.hostname, "PORTAL_ID.eu.portal.konghq.com");
    assert_eq!(portal.needs, Some(Input::Portal));
    assert!(!x.to_allowlist().contains("PORTAL_ID"));
    assert!(x.to_csv().contains("PORTAL_ID.eu.portal.konghq.com,443,TCP/HTTPS,The URL for the Dev Portal in the geo.,portal\r\n"));

    let x = spec.expand(&Inputs::default()).unwrap();
    let needs: Vec<_> = x.endpoints.iter().map(|e| e.needs).collect();
    assert_eq!(
        needs,
        [
            None,
            None,
            Some(Input::Geo),
            Some(Input::Geo),
            Some(Input::Geo),
            Some(Input::Geo),
            Some(Input::Geo)
        ]
    );
    assert_eq!(
        x.to_allowlist(),
        "cloud.konghq.com:443\nglobal.api.konghq.com:443\n"
    );
    let conf = x.to_kong_conf();
    assert!(conf.contains("# Enter your geo"), "{conf}");
    assert!(
        conf.contains(
            "# cluster_control_plane = CONTROL_PLANE_DNS_PREFIX.REGION.cp0.konghq.com:443"
        ),
        "{conf}"
    );

    let x = spec.expand(&inputs("us", "", "")).unwrap();
    assert_eq!(x.endpoints[4].needs, Some(Input::Prefix));
    assert!(x
        .to_kong_conf()
        .contains("# Enter your control plane DNS prefix"));
    // Blank means missing.
    assert_eq!(spec.expand(&inputs("us", "   ", "\t")).unwrap(), x);
}

#[test]
fn geo_outside_a_hosts_list_leaves_it_out() {
    let x = seed().expand(&inputs("me", "abc", "")).unwrap();
    assert!(!x.endpoints.iter().any(|e| e.hostname.contains("mesh")));
    assert!(x
        .notices
        .iter()
        .any(|n| n.field == Some(Input::Geo) && n.message.contains("only for au, eu, us, global")));
    let x = seed().expand(&inputs("us", "abc", "")).unwrap();
    assert!(x
        .endpoints
        .iter()
        .any(|e| e.hostname == "us.mesh.sync.konghq.com"));
}

#[test]
fn validation() {
    let spec = seed();
    let errs = spec.expand(&inputs("xx", "-abc", "a_b")).unwrap_err();
    let fields: Vec<_> = errs.iter().map(|e| (e.field, e.kind)).collect();
    assert_eq!(
        fields,
        [
            (Input::Geo, InputErrorKind::UnknownGeo),
            (Input::Prefix, InputErrorKind::HyphenAtEdge),
            (Input::Portal, InputErrorKind::BadCharacter),
        ]
    );
    assert!(
        errs[0].message.contains("au, eu, me, in, us"),
        "{}",
        errs[0].message
    );
    assert!(errs[2].message.contains("`_`"));

    let errs = spec
        .expand(&inputs("eu", "abc.eu.cp0.konghq.com", ""))
        .unwrap_err();
    assert_eq!(errs[0].kind, InputErrorKind::HasDot);
    assert!(errs[0].message.contains("(`abc`)"), "{}", errs[0].message);

    let long = "a".repeat(64);
    let errs = spec.expand(&inputs("eu", &long, "")).unwrap_err();
    assert_eq!(errs[0].kind, InputErrorKind::TooLong);
    assert!(errs[0].message.contains("64 characters"));

    let hostile = "<img src=x onerror=alert(1)>";
    let errs = spec.expand(&inputs(hostile, hostile, hostile)).unwrap_err();
    assert_eq!(errs.len(), 3);
    for e in &errs {
        assert!(
            !e.message.contains("img"),
            "hostile input echoed: {}",
            e.message
        );
    }
}

#[test]
fn uppercase_is_folded_with_a_notice() {
    let x = seed().expand(&inputs("EU", "ABC123", "Xyz")).unwrap();
    assert_eq!(x.endpoints[4].hostname, "abc123.eu.cp0.konghq.com");
    assert_eq!(x.endpoints[3].hostname, "xyz.eu.portal.konghq.com");
    let fields: Vec<_> = x.notices.iter().filter_map(|n| n.field).collect();
    assert_eq!(fields, [Input::Geo, Input::Prefix, Input::Portal]);
    assert!(x.notices[1].message.contains("`abc123` for `ABC123`"));
}

#[test]
fn content_changes_change_the_expansion() {
    // A new geo.
    let mut facts = seed_facts();
    facts.list_items.push("SA (South America): sa".into());
    let spec = CalculatorSpec::from_facts(&facts).unwrap();
    assert!(seed().expand(&inputs("sa", "p", "")).is_err());
    let x = spec.expand(&inputs("sa", "p", "")).unwrap();
    assert!(x
        .endpoints
        .iter()
        .any(|e| e.hostname == "p.sa.cp0.konghq.com"));

    // A changed hostname row.
    let mut facts = seed_facts();
    let row = &mut facts.tables[2].rows[4];
    row.cells.insert(
        "hostname".into(),
        "CONTROL_PLANE_DNS_PREFIX.REGION.cp1.example.net".into(),
    );
    let x = CalculatorSpec::from_facts(&facts)
        .unwrap()
        .expand(&inputs("eu", "p", ""))
        .unwrap();
    assert_eq!(x.endpoints[4].hostname, "p.eu.cp1.example.net");
    assert!(x
        .to_kong_conf()
        .contains("cluster_control_plane = p.eu.cp1.example.net:443\n"));

    // A changed port.
    let mut facts = seed_facts();
    facts.tables[0].rows[0]
        .cells
        .insert("port".into(), "8443".into());
    let x = CalculatorSpec::from_facts(&facts)
        .unwrap()
        .expand(&inputs("eu", "p", ""))
        .unwrap();
    assert_eq!(x.endpoints[4].port, Some(8443));
    assert!(x
        .to_kong_conf()
        .contains("cluster_telemetry_endpoint = p.eu.tp0.konghq.com:8443\n"));
    // The mesh host keeps the port the page writes next to it.
    assert_eq!(x.endpoints[6].port, Some(443));

    // A port written in the hostname table wins.
    let mut facts = seed_facts();
    facts.tables[2].rows[0]
        .cells
        .insert("hostname".into(), "cloud.konghq.com:8080".into());
    let x = CalculatorSpec::from_facts(&facts)
        .unwrap()
        .expand(&inputs("eu", "p", ""))
        .unwrap();
    assert_eq!(x.endpoints[0].host_port(), "cloud.konghq.com:8080");
    assert_eq!(x.endpoints[0].protocol, "");

    // No HTTPS row: ports are unknown, and the output says so.
    let mut facts = seed_facts();
    facts.tables[0].rows[0]
        .cells
        .insert("protocol".into(), "TCP".into());
    let x = CalculatorSpec::from_facts(&facts)
        .unwrap()
        .expand(&inputs("eu", "p", ""))
        .unwrap();
    assert_eq!(x.endpoints[0].port, None);
    assert_eq!(x.endpoints[0].host_port(), "cloud.konghq.com");
    assert!(x.notices.iter().any(|n| n
        .message
        .starts_with("The page gives no port for: cloud.konghq.com")));

    // A geo list in the mesh paragraph that changes.
    let mut facts = seed_facts();
    facts.paragraphs[7].code_spans.push("me".into());
    let x = CalculatorSpec::from_facts(&facts)
        .unwrap()
        .expand(&inputs("me", "p", ""))
        .unwrap();
    assert!(x
        .endpoints
        .iter()
        .any(|e| e.host_port() == "me.mesh.sync.konghq.com:443"));
}

#[test]
fn spec_errors_explain() {
    let mut facts = seed_facts();
    facts.tables[2].rows[1]
        .cells
        .insert("hostname".into(), "ORG_ID.api.konghq.com".into());
    facts.tables[0].rows[1]
        .cells
        .insert("port".into(), "eighty".into());
    facts.list_items.push("EU (Europe again): eu".into());
    let errs = CalculatorSpec::from_facts(&facts).unwrap_err();
    let text: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
    assert_eq!(errs.len(), 3, "{text:#?}");
    assert!(
        text[0].starts_with("list item 6") && text[0].contains("listed twice"),
        "{}",
        text[0]
    );
    assert!(
        text[1].starts_with("table 1, row 2, column port") && text[1].contains("`eighty`"),
        "{}",
        text[1]
    );
    assert!(
        text[2].starts_with("table 3, row 2, column hostname") && text[2].contains("ORG_ID"),
        "{}",
        text[2]
    );

    let errs = CalculatorSpec::from_facts(&ContentFacts::default()).unwrap_err();
    assert!(errs[0].message.contains("found no hostnames"));

    let mut facts = seed_facts();
    facts.list_items.clear();
    let errs = CalculatorSpec::from_facts(&facts).unwrap_err();
    assert!(errs[0].message.contains("lists no geos"));

    let mut facts = seed_facts();
    facts.paragraphs[7].code_spans[0] = "{geo}.mesh.sync.konghq.com:https".into();
    let errs = CalculatorSpec::from_facts(&facts).unwrap_err();
    assert!(errs[0].at.starts_with("paragraph 8"), "{errs:?}");
}

#[test]
fn json_export_escapes() {
    let x = Expansion {
        geo: None,
        endpoints: vec![Endpoint {
            hostname: "a.b".into(),
            port: None,
            port_basis: PortBasis::Unstated,
            protocol: String::new(),
            purpose: "quote \" backslash \\ tab \t nl \n </script> \u{1} \u{2028}".into(),
            role: None,
            needs: None,
            anchor: None,
        }],
        other_ports: vec![],
        notices: vec![],
    };
    let v: serde_json::Value = serde_json::from_str(&x.to_json()).unwrap();
    assert_eq!(v["endpoints"][0]["purpose"], x.endpoints[0].purpose);
    assert_eq!(v["endpoints"][0]["port"], serde_json::Value::Null);
    assert!(!x.to_json().contains("</script>"));
    let csv = x.to_csv();
    assert!(csv.contains("\"quote \"\" backslash"), "{csv}");
    let empty = Expansion {
        endpoints: vec![],
        ..x
    };
    let v: serde_json::Value = serde_json::from_str(&empty.to_json()).unwrap();
    assert_eq!(v["endpoints"], serde_json::json!([]));
}
