//! `portolan hosts`: the calculator's answers on the command line, from the same content,
//! with the same validation; and following the content when an author edits it.

use crate::common::*;

fn hosts(site: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["hosts", site.to_str().unwrap()];
    all.extend_from_slice(args);
    let o = portolan(&all);
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn every_geo_of_the_page_expands() {
    for geo in ["au", "eu", "me", "in", "us"] {
        let (code, out, err) = hosts(
            &repo(),
            &["--geo", geo, "--prefix", "abc123", "--portal", "dev1"],
        );
        assert_eq!(code, 0, "{err}");
        let lines: Vec<&str> = out.lines().collect();
        for want in [
            "cloud.konghq.com:443".to_string(),
            "global.api.konghq.com:443".to_string(),
            format!("{geo}.api.konghq.com:443"),
            format!("dev1.{geo}.portal.konghq.com:443"),
            format!("abc123.{geo}.cp0.konghq.com:443"),
            format!("abc123.{geo}.tp0.konghq.com:443"),
        ] {
            assert!(
                lines.contains(&want.as_str()),
                "{geo}: missing {want} in\n{out}"
            );
        }
        // Mesh Manager exists only in the geos its paragraph lists.
        assert_eq!(
            lines.contains(&format!("{geo}.mesh.sync.konghq.com:443").as_str()),
            ["au", "eu", "us"].contains(&geo),
            "{geo}\n{out}"
        );
    }
}

#[test]
fn formats_and_validation() {
    let (code, out, _) = hosts(
        &repo(),
        &["--geo", "eu", "--prefix", "abc123", "--format", "kong-conf"],
    );
    assert_eq!(code, 0);
    insta::assert_snapshot!("kong_conf", out);
    let (_, out, _) = hosts(
        &repo(),
        &["--geo", "eu", "--prefix", "abc123", "--format", "csv"],
    );
    assert!(
        out.lines().next() == Some("hostname,port,protocol,purpose,needs"),
        "{out}"
    );
    let (_, out, _) = hosts(
        &repo(),
        &["--geo", "EU", "--prefix", "ABC123", "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["geo"], "eu", "upper case is folded");
    assert!(out.contains("abc123.eu.cp0.konghq.com"));

    let (code, _, err) = hosts(&repo(), &["--geo", "mars", "--prefix", "abc"]);
    assert_eq!(code, 2);
    assert!(err.contains("au, eu, me, in, us"), "{err}");
    let (code, out, err) = hosts(
        &repo(),
        &["--geo", "eu", "--prefix", "<script>alert(1)</script>"],
    );
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("--prefix"), "{err}");
    let long = "a".repeat(64);
    let (code, _, _) = hosts(&repo(), &["--geo", "eu", "--prefix", &long]);
    assert_eq!(code, 2, "a 64-character label is refused");
}

#[test]
fn hosts_follow_the_content() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_tree(&repo().join("content"), &site.join("content"));
    std::fs::copy(repo().join("portolan.yaml"), site.join("portolan.yaml")).unwrap();
    let page = site.join("content/konnect-platform/network.md");
    let text = std::fs::read_to_string(&page).unwrap();
    let edited = text
        .replace(
            "* US (United States): `us`",
            "* US (United States): `us`\n* SG (Singapore): `sg`",
        )
        .replace(
            "CONTROL_PLANE_DNS_PREFIX.REGION.cp0.konghq.com",
            "CONTROL_PLANE_DNS_PREFIX.REGION.cp1.konghq.com",
        );
    std::fs::write(&page, edited).unwrap();
    let (code, out, err) = hosts(&site, &["--geo", "sg", "--prefix", "abc123"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("abc123.sg.cp1.konghq.com:443"), "{out}");
    assert!(!out.contains("cp0"), "{out}");
    // And the built page carries the same data for the browser.
    let out_dir = tmp.path().join("public");
    build_ok(&site, &out_dir);
    let html =
        std::fs::read_to_string(out_dir.join("konnect-platform/network/index.html")).unwrap();
    let data = html
        .split("id=\"portolan-calculator-data\">")
        .nth(1)
        .unwrap()
        .split("</script>")
        .next()
        .unwrap();
    assert!(data.contains("\"code\":\"sg\""), "{data}");
    assert!(
        data.contains("CONTROL_PLANE_DNS_PREFIX.REGION.cp1.konghq.com"),
        "{data}"
    );
}
