//! The default theme's components and Kong-style Liquid on fixture sites written for these
//! tests: the HTML of every component (snapshotted), the errors of a site that misuses them
//! (snapshotted: error text is a contract), `--keep-going`, a site theme that adds and
//! overrides components, and hostile text inside components.

use crate::common::*;

use std::path::Path;

fn build(site: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "build",
        site.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    portolan(&args)
}

/// The report without its first line ("Building <path> ...") and with the output folder,
/// which differs per run, named `OUT`.
fn report(o: &std::process::Output, out: &Path) -> String {
    let stderr = String::from_utf8_lossy(&o.stderr);
    let rest = stderr.split_once('\n').map_or("", |(_, r)| r);
    let rest = rest.replace(out.to_str().unwrap(), "OUT");
    // The build's time varies.
    regex_free_time(&rest)
}

/// `in 12 ms` → `in N ms`.
fn regex_free_time(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find(" in ") {
        out.push_str(&rest[..i + 4]);
        rest = &rest[i + 4..];
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        if digits > 0 && rest[digits..].starts_with(" ms") {
            out.push('N');
            rest = &rest[digits..];
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn every_component_renders() {
    let out = tempfile::tempdir().unwrap();
    let stderr = build_ok(&fixture("components"), out.path());
    assert!(
        !stderr.contains("warning"),
        "the components fixture builds cleanly:\n{stderr}"
    );
    for (name, page) in [
        ("components_tabs", "guide/tabs/index.html"),
        ("components_blocks", "guide/blocks/index.html"),
        ("components_snippets", "guide/snippets/index.html"),
        ("components_liquid", "reference/liquid/index.html"),
    ] {
        let html = read(&out.path().join(page));
        insta::assert_snapshot!(name, article(&html));
    }
    // Only pages with tabs load the tabs' script.
    let tabs = read(&out.path().join("guide/tabs/index.html"));
    assert!(
        tabs.contains("/assets/tabs."),
        "the tabs page loads tabs.js"
    );
    let liquid = read(&out.path().join("reference/liquid/index.html"));
    assert!(
        !liquid.contains("/assets/tabs."),
        "a page without tabs does not"
    );
}

#[test]
fn misused_components_report_every_error() {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let o = build(&fixture("components-broken"), &public, &[]);
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!("components_broken", report(&o, &public));
    assert!(!public.exists(), "a failed build writes nothing");
}

#[test]
fn keep_going_writes_every_page_that_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let public = tmp.path().join("public");
    // A previous build of another site: replaced whole, not merged into.
    build_ok(&fixture("components"), &public);
    assert!(public.join("guide/snippets/index.html").exists());
    let o = build(&fixture("components-broken"), &public, &["--keep-going"]);
    assert_eq!(o.status.code(), Some(1), "pages were left out");
    insta::assert_snapshot!("components_keep_going", report(&o, &public));
    assert!(
        public.join("index.html").exists(),
        "the page without errors is written"
    );
    assert!(
        !public.join("guide/tabs/index.html").exists(),
        "a page with errors is not"
    );
    assert!(!public.join("guide/blocks/index.html").exists());
    assert!(
        !public.join("guide/snippets/index.html").exists(),
        "the output is swapped in whole"
    );
    let sitemap = read(&public.join("sitemap.xml"));
    assert!(
        !sitemap.contains("/guide/tabs/"),
        "a page left out is not in the sitemap"
    );
    // A site without errors builds the same with or without --keep-going.
    let a = tmp.path().join("a");
    let b = tmp.path().join("b");
    assert!(build(&fixture("components"), &a, &[]).status.success());
    assert!(build(&fixture("components"), &b, &["--keep-going"])
        .status
        .success());
    assert_eq!(snapshot_tree(&a), snapshot_tree(&b));
}

#[test]
fn a_site_theme_adds_and_overrides_components() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_tree(&fixture("components"), &site);
    let components = site.join("theme/components");
    std::fs::create_dir_all(&components).unwrap();
    std::fs::write(
        components.join("new_in.html"),
        "{#- The site's own version badge. -#}\n<mark class=\"since\">since {{ args.0 }}</mark>\n",
    )
    .unwrap();
    std::fs::write(
        components.join("steps.md"),
        "{#- component\n    body: yaml\n\n    A numbered list from YAML.\n-#}\n{% for s in data.steps %}1. {{ s }}\n{% endfor %}",
    )
    .unwrap();
    std::fs::write(
        site.join("content/guide/own.md"),
        "---\ntitle: Own components\n---\nAdded {% new_in 3.0 %}.\n\n{% steps %}\nsteps:\n  - Install {{site.product}}\n  - \"Run `acme`\"\n{% endsteps %}\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    build_ok(&site, &out);
    let html = read(&out.join("guide/own/index.html"));
    assert!(
        html.contains("Added <mark class=\"since\">since 3.0</mark>."),
        "{}",
        article(&html)
    );
    assert!(
        html.contains("<ol>\n<li>Install Acme Gateway</li>\n<li>Run <code>acme</code></li>\n</ol>"),
        "{}",
        article(&html)
    );
    // The other default components are still there.
    assert!(read(&out.join("guide/tabs/index.html")).contains("class=\"tabs\""));
}

#[test]
fn hostile_text_in_components_is_escaped() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_tree(&fixture("components"), &site);
    std::fs::write(
        site.join("content/guide/hostile.md"),
        r#"---
title: Hostile
works_on: [konnect]
---
{% new_in "<img src=x onerror=alert(1)>" %}

{% navtabs "<script>alert(1)</script>" %}
{% navtab "\"><script>alert(2)</script>" slug="x\" onclick=\"alert(3)" %}
Body.
{% endnavtab %}
{% endnavtabs %}

{% details %}
summary: "<script>alert(4)</script>"
content: "<iframe src=x></iframe> text"
{% enddetails %}

{% feature_table %}
item_title: "<b onmouseover=alert(6)>"
columns:
  - title: A
    key: a
features:
  - title: "t"
    a: "<svg onload=alert(8)>"
{% endfeature_table %}

{% konnect_api_request %}
url: "/x\"; rm -rf ~; echo \""
method: "POST"
body:
  note: "</code></pre><script>alert(9)</script>'`$(id)`"
{% endkonnect_api_request %}

{% icon_card icon="\"><script>alert(10)</script>" title="<i>" %}
"#,
    )
    .unwrap();
    let out = tmp.path().join("out");
    build_ok(&site, &out);
    let html = read(&out.join("guide/hostile/index.html"));
    let body = article(&html);
    // Escaped, these read as text; unescaped, they would be markup.
    for bad in [
        "<script",
        "<iframe",
        "<img src=x",
        "<svg",
        "<b onmouseover",
        "onclick=\"alert",
    ] {
        assert!(!body.contains(bad), "{bad} got through:\n{body}");
    }
    // The shell command keeps the URL's quotes inside its double quotes, and the body's
    // quote inside its single-quoted JSON.
    let code = without_token_spans(body);
    assert!(
        code.contains(r#"&quot;https://eu.api.example.com/x\&quot;; rm -rf ~; echo \&quot;&quot;"#),
        "{code}"
    );
    assert!(code.contains("&#39;\\&#39;&#39;`$(id)`"), "{code}");
}

#[test]
fn script_urls_in_components_are_refused_where_they_are_written() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_tree(&fixture("components"), &site);
    std::fs::write(
        site.join("content/guide/urls.md"),
        "---\ntitle: URLs\n---\n{% feature_table %}\ncolumns: []\nfeatures:\n  - title: t\n    url: \"javascript:alert(1)\"\n{% endfeature_table %}\n\n{% icon_card title=\"x\" cta_url=\"JavaScript:alert(2)\" %}\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    let o = build(&site, &out, &[]);
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("content/guide/urls.md:4:1"), "{stderr}");
    assert!(stderr.contains("content/guide/urls.md:11:1"), "{stderr}");
    assert!(stderr.contains("a `javascript:` URL in `href`"), "{stderr}");
    assert!(!out.exists());
}

#[test]
fn a_component_whose_data_the_site_lacks_points_upstream_or_stops_the_build() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_tree(&fixture("components"), &site);
    // The page names a schema of an OpenAPI specification the site does not keep.
    std::fs::write(
        site.join("content/guide/schema.md"),
        "---\ntitle: Services\nschema:\n  api: gateway/admin-ee\n  path: /schemas/Service\n---\nThe fields:\n\n{% entity_schema %}\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    // With an upstream site: a pointer to the same page there, and a warning at the tag.
    let stderr = build_ok(&site, &out);
    assert!(
        stderr.contains("warning")
            && stderr.contains("content/guide/schema.md:9:1")
            && stderr.contains("the entity's schema is not drawn here: its OpenAPI specification `gateway/admin-ee` is not in this site's `api_specs` folder"),
        "{stderr}"
    );
    let html = read(&out.join("guide/schema/index.html"));
    assert!(
        html.contains("<p class=\"upstream-pointer\">The entity&#39;s schema is on <a href=\"https://docs.example.com/guide/schema/\">this page's upstream version</a>.</p>"),
        "{}",
        article(&html)
    );
    // Without one, nothing can stand in for the table: an error at the tag. So is a table
    // whose columns the data folder lacks.
    std::fs::write(
        site.join("content/guide/topologies.md"),
        "---\ntitle: Topologies\n---\nWhere each plugin runs:\n\n{% plugin_deployment_topologies %}\n",
    )
    .unwrap();
    let config = site.join("portolan.yaml");
    let text = read(&config).replace("upstream_url: https://docs.example.com\n", "");
    std::fs::write(&config, text).unwrap();
    let o = build(&site, &tmp.path().join("out2"), &[]);
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("content/guide/schema.md:9:1")
            && stderr.contains("the entity's schema cannot be drawn: its OpenAPI specification `gateway/admin-ee` is not in this site's `api_specs` folder"),
        "{stderr}"
    );
    assert!(
        stderr.contains("content/guide/topologies.md:6:1")
            && stderr
                .contains("the table's columns come from the data folder's `plugins/tables.yaml`"),
        "{stderr}"
    );
}

#[test]
fn a_key_given_twice_in_a_body_keeps_its_last_value_with_a_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_tree(&fixture("components"), &site);
    // As Jekyll reads it: the page builds, the second `method` is used, the author is told.
    std::fs::write(
        site.join("content/guide/twice.md"),
        "---\ntitle: Twice\nworks_on: [konnect]\n---\n{% konnect_api_request %}\nurl: /v3/apis\nmethod: GET\nmethod: DELETE\n{% endkonnect_api_request %}\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    let stderr = build_ok(&site, &out);
    let warning = stderr
        .split("\n\n")
        .find(|d| d.contains("duplicate entry"))
        .unwrap_or_else(|| panic!("no warning in {stderr}"));
    let warning = &warning[warning.find("warning:").unwrap_or(0)..];
    insta::assert_snapshot!("components_duplicate_key", warning.trim());
    let html = read(&out.join("guide/twice/index.html"));
    assert!(
        html.contains("DELETE") && !html.contains("GET"),
        "{}",
        article(&html)
    );
}

#[test]
fn mesh_install_commands_and_embedded_files() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_tree(&fixture("components"), &site);
    let config = site.join("portolan.yaml");
    let mut text = read(&config);
    text.push_str("  mesh_namespace: acme-mesh\n  set_flag_values_prefix: acme.\n  mesh_helm_install_name: acme-mesh\n  mesh_helm_repo: acme/acme-mesh\n");
    std::fs::write(&config, text).unwrap();
    let raw = site.join("content/assets/mesh/raw");
    std::fs::create_dir_all(&raw).unwrap();
    // A generated file that opens with a comment: published (it holds no script), and
    // embedded without its title; its braces are not Liquid.
    std::fs::write(
        raw.join("CHANGELOG.md"),
        "<!-- generated: edit the source -->\n# Changelog\n\n## 2.9.0\n\n- Fixed `{{ braces }}` in <b>names</b>.\n",
    )
    .unwrap();
    std::fs::write(
        site.join("content/guide/mesh.md"),
        "---\ntitle: Mesh\n---\n## Install\n\n{% cpinstall zone %}\ncontrolPlane.mode=zone\ncontrolPlane.zone={{ site.product | slugify }}\n{% endcpinstall %}\n\nWithout the prefix:\n\n{% cpinstall plain prefixed=false %}\nexperimental.gatewayAPI=\"true\"\n{% endcpinstall %}\n\n## Changes\n\n{% embed CHANGELOG.md %}\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    build_ok(&site, &out);
    insta::assert_snapshot!(
        "components_mesh",
        article(&read(&out.join("guide/mesh/index.html")))
    );
    assert!(out.join("assets/mesh/raw/CHANGELOG.md").exists());
    // A file that is not there, and a versioned embed on a page without a release.
    std::fs::write(
        site.join("content/guide/mesh.md"),
        "---\ntitle: Mesh\n---\n{% embed UPGRADE.md %}\n\n{% embed kuma-cp.yaml versioned %}\n",
    )
    .unwrap();
    let o = build(&site, &tmp.path().join("out2"), &[]);
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&o.stderr);
    for want in [
        "content/guide/mesh.md:4:1",
        "no `content/assets/mesh/raw/UPGRADE.md` to embed",
        "content/guide/mesh.md:6:1",
        "the page sets no `release` in its frontmatter",
    ] {
        assert!(stderr.contains(want), "{want}:\n{stderr}");
    }
}
