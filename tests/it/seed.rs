//! The networking page against its source, point by point: every FAQ, every table row
//! (the include's too), the callout, every link, all variables expanded and nothing of
//! the Liquid or kramdown syntax left. The expectations are derived here from the seed
//! file read as plain YAML data, independently of the dialect crate.

use crate::common::*;

use serde_json::{Map, Value};

/// YAML text as plain data.
fn yaml(text: &str) -> Value {
    let node = portolan_yaml::load(text, portolan_yaml::Limits::default()).unwrap();
    portolan_yaml::from_node(&node).unwrap()
}

fn variables() -> Map<String, Value> {
    let config = yaml(&std::fs::read_to_string(repo().join("portolan.yaml")).unwrap());
    config["variables"].as_object().unwrap().clone()
}

fn expand(s: &str, vars: &Map<String, Value>) -> String {
    let mut out = s.to_string();
    for (k, v) in vars {
        out = out.replace(&format!("{{{{site.{k}}}}}"), v.as_str().unwrap());
    }
    assert!(
        !out.contains("{{"),
        "seed uses a variable the test does not know: {out}"
    );
    out
}

/// Visible text of HTML, whitespace collapsed; inline elements don't break words.
fn text_of(html: &str) -> String {
    const INLINE: [&str; 6] = ["code", "a", "strong", "em", "span", "/"];
    let mut out = String::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let end = rest[i..].find('>').map_or(rest.len(), |e| i + e + 1);
        let tag = rest[i + 1..end].trim_start_matches('/');
        let name: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if !INLINE.contains(&name.as_str()) {
            out.push(' ');
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    let out = out
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'");
    normalize(&out)
}

fn normalize(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Plain text of a markdown cell as a reader sees it.
fn plain(md: &str) -> String {
    let mut s = md.replace("<br>", " ").replace('`', "");
    // [text](url) -> text
    while let (Some(a), Some(m)) = (s.find('['), s.find("](")) {
        let Some(e) = s[m..].find(')') else { break };
        s = format!("{}{}{}", &s[..a], &s[a + 1..m], &s[m + e + 1..]);
    }
    normalize(&s.replace("**", ""))
}

fn tables_in(body: &str) -> Vec<Value> {
    body.split("{% table %}")
        .skip(1)
        .map(|t| yaml(t.split("{% endtable %}").next().unwrap()))
        .collect()
}

#[test]
fn networking_page_matches_the_seed() {
    let out = tempfile::tempdir().unwrap();
    build_ok(&repo(), out.path());
    let html =
        std::fs::read_to_string(out.path().join("konnect-platform/network/index.html")).unwrap();
    let text = text_of(&html);
    let vars = variables();

    let seed = std::fs::read_to_string(repo().join("content/konnect-platform/network.md")).unwrap();
    let (front, body) = seed
        .trim_start_matches("---\n")
        .split_once("\n---\n")
        .unwrap();
    let front = yaml(front);

    // Title, description, every FAQ question and answer.
    assert!(text.contains(&expand(front["title"].as_str().unwrap(), &vars)));
    assert!(text.contains(&expand(front["description"].as_str().unwrap(), &vars)));
    let faqs = front["faqs"].as_array().unwrap();
    assert_eq!(faqs.len(), 9);
    assert_eq!(
        html.matches("<details id=").count(),
        faqs.len(),
        "one accordion item per FAQ"
    );
    for f in faqs {
        let q = plain(&expand(f["q"].as_str().unwrap(), &vars));
        assert!(text.contains(&q), "FAQ question missing: {q}");
        for line in expand(f["a"].as_str().unwrap(), &vars)
            .lines()
            .filter(|l| !l.trim().is_empty())
        {
            let l = plain(line.trim().trim_start_matches("* "));
            assert!(text.contains(&l), "FAQ answer line missing: {l}");
        }
    }
    for r in front["related_resources"].as_array().unwrap() {
        assert!(text.contains(expand(r["text"].as_str().unwrap(), &vars).trim()));
        let url = r["url"].as_str().unwrap();
        assert!(
            html.contains(&format!("href=\"{url}\"")) || html.contains(&format!("{url}\"")),
            "related resource {url}"
        );
    }

    // Every table row and cell: the page's two tables and the include's.
    let include =
        std::fs::read_to_string(repo().join("content/_includes/sections/data-plane-node-ports.md"))
            .unwrap();
    let tables: Vec<Value> = tables_in(body)
        .into_iter()
        .chain(tables_in(&include))
        .collect();
    assert_eq!(tables.len(), 3);
    assert_eq!(html.matches("<table>").count(), 3);
    for t in &tables {
        for c in t["columns"].as_array().unwrap() {
            assert!(text.contains(&plain(c["title"].as_str().unwrap())));
        }
        for row in t["rows"].as_array().unwrap() {
            for (_, cell) in row.as_object().unwrap() {
                let cell = plain(&expand(cell.as_str().unwrap(), &vars));
                assert!(text.contains(&cell), "table cell missing: {cell}");
            }
        }
    }

    // The callout, the geos list, the Mesh Manager hostname, every link of the body.
    let callout = html
        .split("<blockquote class=\"info\">")
        .nth(1)
        .expect("the {:.info} callout")
        .split("</blockquote>")
        .next()
        .unwrap();
    assert!(callout.contains("If you can't make outbound connections using port <code>443</code>"));
    for geo in [
        "AU (Australia): au",
        "EU (Europe): eu",
        "ME (Middle East): me",
        "IN (India): in",
        "US (United States): us",
    ] {
        assert!(text.contains(geo), "{geo}");
    }
    assert!(html.contains("<code>{geo}.mesh.sync.konghq.com:443</code>"));
    let config = yaml(&std::fs::read_to_string(repo().join("portolan.yaml")).unwrap());
    let upstream = config["upstream_url"].as_str().unwrap_or("");
    let mut rest = body;
    while let Some(i) = rest.find("](") {
        let url = &rest[i + 2..i + 2 + rest[i + 2..].find(')').unwrap()];
        // Links to pages this site ships stay as written; the others go upstream.
        let here =
            html.contains(&format!("href=\"{url}\"")) || html.contains(&format!("href=\"{url}/\""));
        let there = html.contains(&format!("href=\"{upstream}{url}\""));
        assert!(here || there, "link missing: {url}");
        rest = &rest[i + 2..];
    }

    // Nothing of the source syntax is left.
    for leftover in ["{{", "{%", "{:", "vale", "%}", "}}"] {
        assert!(!html.contains(leftover), "{leftover:?} left in the HTML");
    }
}
