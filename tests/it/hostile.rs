//! Hostile content: whatever an author writes, the build either refuses it with an error at
//! `file:line:column` (exit 1, nothing written) or writes output in which nothing runs
//! script. `tests/fixtures/hostile` holds what must come out escaped; each case that must be
//! refused is added to a temporary copy of it. Symlinks, invalid UTF-8, CRLF files, BOMs and
//! the 50 MB page are made at test time.

use crate::common::*;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// A temporary copy of the hostile fixture: (its folder, the site, the output folder).
fn hostile_copy() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_tree(&fixture("hostile"), &site);
    let out = tmp.path().join("public");
    (tmp, site, out)
}

fn build(site: &Path, out: &Path) -> Output {
    portolan(&[
        "build",
        site.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--no-minify",
    ])
}

fn write(site: &Path, rel: &str, bytes: impl AsRef<[u8]>) {
    let p = site.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

fn html_files(dir: &Path) -> Vec<(String, String)> {
    snapshot_tree(dir)
        .into_iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(p, b)| (p, String::from_utf8(b).expect("HTML output is UTF-8")))
        .collect()
}

/// Everything in `html` that could run script, found independently of the dialect's own
/// check: `<script>` elements other than the theme's (`src="/..."` or a JSON data block),
/// `on...=` attributes inside tags, and `javascript:`/`vbscript:`/`data:` URLs in
/// URL attributes (character references decoded). HTML comments are inert and skipped.
fn live_script(html: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let mut rest = html;
    let mut text = String::new();
    // Drop comments.
    while let Some(i) = rest.find("<!--") {
        text.push_str(&rest[..i]);
        rest = rest[i..].find("-->").map_or("", |j| &rest[i + j + 3..]);
    }
    text.push_str(rest);
    let lower = text.to_ascii_lowercase();
    let b = lower.as_bytes();
    let mut i = 0;
    while let Some(lt) = lower[i..].find('<').map(|k| i + k) {
        let end = lower[lt..].find('>').map_or(lower.len(), |k| lt + k + 1);
        let tag = &lower[lt..end];
        i = lt + 1;
        if !b.get(lt + 1).is_some_and(|c| c.is_ascii_alphabetic()) {
            continue;
        }
        let name: String = tag[1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        let theirs = tag.contains("src=\"/assets/")
            || tag.contains("type=\"application/ld+json\"")
            || tag.contains("type=\"application/json\"");
        if ["script", "iframe", "object", "embed", "base", "frame"].contains(&name.as_str())
            && !(name == "script" && theirs)
        {
            problems.push(format!("element: {}", &text[lt..end]));
        }
        // Attributes, read the way a browser reads them (quoted values hold anything).
        let t = tag.as_bytes();
        let mut j = 1 + name.len();
        while j < t.len() {
            while j < t.len() && (t[j].is_ascii_whitespace() || t[j] == b'/') {
                j += 1;
            }
            if j >= t.len() || t[j] == b'>' {
                break;
            }
            let a0 = j;
            j += 1;
            while j < t.len() && !t[j].is_ascii_whitespace() && !matches!(t[j], b'/' | b'>' | b'=')
            {
                j += 1;
            }
            let attr = &tag[a0..j];
            let mut value = "";
            if t.get(j) == Some(&b'=') {
                j += 1;
                let (v0, v1) = match t.get(j) {
                    Some(&q @ (b'"' | b'\'')) => (
                        j + 1,
                        tag[j + 1..].find(q as char).map_or(t.len(), |k| j + 1 + k),
                    ),
                    _ => (
                        j,
                        tag[j..]
                            .find(|c: char| c.is_ascii_whitespace() || c == '>')
                            .map_or(t.len(), |k| j + k),
                    ),
                };
                value = &tag[v0..v1.min(t.len())];
                j = v1 + 1;
            }
            if attr.starts_with("on") {
                problems.push(format!("handler: {}", &text[lt..end]));
            }
            if ["href", "src", "action", "formaction", "xlink:href", "data"].contains(&attr) {
                let v = value
                    .replace("&#x3a;", ":")
                    .replace("&#58;", ":")
                    .replace("&colon;", ":");
                let v: String = v
                    .chars()
                    .filter(|c| !c.is_whitespace() && !c.is_control())
                    .take(12)
                    .collect();
                if v.starts_with("javascript:")
                    || v.starts_with("vbscript:")
                    || v.starts_with("data:text")
                {
                    problems.push(format!("url: {}", &text[lt..end]));
                }
            }
        }
    }
    // And the dialect's own check, for anything the above missed.
    for portolan_htmlscan::Finding { at, what } in portolan_htmlscan::unsafe_html(&text) {
        let tag = &text[at..text[at..].find('>').map_or(text.len(), |k| at + k + 1)];
        let tl = tag.to_ascii_lowercase();
        let theirs = tl.starts_with("<script")
            && (tl.contains("src=\"/assets/")
                || tl.contains("type=\"application/ld+json\"")
                || tl.contains("type=\"application/json\""));
        // The theme's own <meta> tags (charset, viewport, the CSP) and <title>, in the head.
        let head_end = text.find("</head>").unwrap_or(0);
        let meta = tl.starts_with("<meta") || (tl.starts_with("<title>") && at < head_end);
        if !theirs && !meta {
            problems.push(format!("{what}: {tag}"));
        }
    }
    problems
}

#[test]
fn the_checker_finds_live_script() {
    for bad in [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<a href=' JaVaScRiPt:alert(1)'>x</a>",
        "<svg onload=alert(1)>",
        "<a href=\"data:text/html,x\">",
        "<iframe src=\"/x\">",
    ] {
        assert!(!live_script(bad).is_empty(), "{bad}");
    }
    for ok in [
        "<script src=\"/assets/portolan.abc.js\" defer></script>",
        "<script type=\"application/ld+json\">{}</script>",
        "<p>onclick=alert(1) &lt;script&gt;</p>",
        "<!-- <script>x</script> -->",
        "<a href=\"/x/\" title=\"&quot; onmouseover=alert(1)\">",
    ] {
        assert!(live_script(ok).is_empty(), "{ok}: {:?}", live_script(ok));
    }
}

#[test]
fn hostile_text_comes_out_escaped() {
    let (_tmp, site, out) = hostile_copy();
    // Made here, not in git: CRLF line ends, byte order marks, a symlink inside content/.
    write(&site, "content/guide/crlf.md", "---\r\ntitle: CRLF <i>page</i>\r\n---\r\n## A heading\r\n\r\n- one\r\n- two\r\n\r\n{% include /sections/bom.md %}\r\n");
    write(
        &site,
        "content/guide/bom.md",
        "\u{feff}---\ntitle: BOM page\n---\nText after a byte order mark.\n",
    );
    write(
        &site,
        "content/_includes/sections/bom.md",
        "\u{feff}Included with a BOM and CRLF.\r\n",
    );
    std::os::unix::fs::symlink("xss.md", site.join("content/guide/alias.md")).unwrap();
    // A no-break space is part of an attribute's name, not whitespace: `\u{a0}onerror` is no
    // handler, and must not become one when the output is minified.
    write(&site, "content/guide/nbsp.md", "---\ntitle: NBSP\n---\n<div>\n<img src=\"x\"\n\u{a0}onerror=\"alert(document.domain)\">\n</div>\n");
    write(
        &site,
        "content/guide/kong-3.4.tar.gz",
        b"\x1f\x8b\x08\x00 archive",
    );
    write(&site, "content/CNAME", "docs.example.com\n");
    let o = build(&site, &out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // The default build minifies: its pages are checked too.
    let minified = site.parent().unwrap().join("minified");
    let o = portolan(&[
        "build",
        site.to_str().unwrap(),
        "--out",
        minified.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let min_pages = html_files(&minified);
    assert!(min_pages
        .iter()
        .any(|(p, h)| p == "guide/nbsp/index.html" && h.contains("\u{a0}onerror")));
    for (path, html) in &min_pages {
        let problems = live_script(html);
        assert!(
            problems.is_empty(),
            "minified {path} has live script:\n{}",
            problems.join("\n")
        );
    }

    let pages = html_files(&out);
    for want in [
        "index.html",
        "guide/xss/index.html",
        "guide/crlf/index.html",
        "guide/bom/index.html",
        "guide/alias/index.html",
        "404.html",
    ] {
        assert!(
            pages.iter().any(|(p, _)| p == want),
            "{want} missing: {:?}",
            pages.iter().map(|(p, _)| p).collect::<Vec<_>>()
        );
    }
    for (path, html) in &pages {
        let problems = live_script(html);
        assert!(
            problems.is_empty(),
            "{path} has live script:\n{}",
            problems.join("\n")
        );
    }
    // Ordinary downloads are copied; unknown inner parts of a name (`3.4`) do not matter.
    assert_eq!(
        std::fs::read(out.join("guide/kong-3.4.tar.gz")).unwrap(),
        b"\x1f\x8b\x08\x00 archive"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("CNAME")).unwrap(),
        "docs.example.com\n"
    );
    // A drawing that only draws is published as written.
    let svg = std::fs::read(site.join("content/guide/diagram.svg")).unwrap();
    assert_eq!(
        std::fs::read(out.join("guide/diagram.svg")).unwrap(),
        svg,
        "the drawing is published as written"
    );
    let page = |p: &str| {
        pages
            .iter()
            .find(|(q, _)| q == p)
            .map(|(_, h)| h.as_str())
            .unwrap()
    };
    let xss = page("guide/xss/index.html");
    assert!(
        xss.contains("<title>&lt;/title&gt;&lt;script&gt;alert(document.domain)&lt;/script&gt;"),
        "title escaped"
    );
    assert!(
        xss.contains("content=\"&quot;&gt;&lt;img src=x onerror=alert(&#39;description&#39;)&gt;"),
        "description escaped in its attribute"
    );
    assert!(
        xss.contains("&lt;script&gt;alert(&#39;related text&#39;)&lt;/script&gt;"),
        "related text escaped"
    );
    assert!(
        xss.contains("<tr id=\"row&quot;&gt;&lt;script&gt;"),
        "row id escaped"
    );
    assert!(
        xss.contains("<code>&lt;img src=x onerror=alert(1)&gt;</code>"),
        "code in an FAQ answer escaped"
    );
    assert!(
        xss.contains("TCP<br>HTTPS"),
        "<br> in a table cell passes through"
    );
    assert!(
        xss.contains("<kbd>Ctrl</kbd>"),
        "formatting raw HTML passes through"
    );
    assert!(
        xss.contains("Kong <b>Gateway</b>"),
        "a variable's formatting HTML passes through"
    );
    let home = page("index.html");
    assert!(
        without_token_spans(home)
            .contains("&lt;script&gt;alert(&quot;fenced&quot;)&lt;/script&gt;"),
        "fenced code escaped (and highlighted)"
    );
    assert!(
        !home.contains("alert(\"comment\")") && !home.contains("<!--"),
        "author comments are not published"
    );
    let crlf = page("guide/crlf/index.html");
    assert!(crlf.contains("id=\"a-heading\""), "CRLF headings get ids");
    assert!(
        crlf.contains("<title>CRLF &lt;i&gt;page&lt;/i&gt;"),
        "CRLF frontmatter read, title escaped: {}",
        &crlf[..crlf.len().min(600)]
    );
    assert!(
        crlf.contains("Included with a BOM and CRLF.") && !crlf.contains('\u{feff}'),
        "an include's BOM is dropped"
    );
    assert!(
        page("guide/bom/index.html").contains("<title>BOM page"),
        "a BOM before the frontmatter is skipped"
    );
    assert!(
        !pages.iter().any(|(_, h)| h.contains('\r')),
        "no CR reaches the output"
    );
    // The page model (JSON) holds the same text as data and parses.
    let json = std::fs::read_to_string(out.join("guide/xss/index.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(
        v.to_string().contains("<script>alert(document.domain)"),
        "the JSON model keeps the text"
    );
    // No JSON file holds markup as written: `<`, `>` and `&` are \u escapes (the same data).
    for (path, bytes) in snapshot_tree(&out) {
        if path.ends_with(".json") {
            assert!(
                !bytes.iter().any(|b| matches!(b, b'<' | b'>' | b'&')),
                "{path} holds raw markup characters"
            );
        }
    }
}

/// One case that must be refused: files to add to the fixture and what stderr must say.
struct Refused {
    name: &'static str,
    files: Vec<(&'static str, Vec<u8>)>,
    expect: Vec<&'static str>,
}

fn page(body: &str) -> Vec<u8> {
    format!("---\ntitle: Bad\n---\n{body}").into_bytes()
}

fn refused_cases() -> Vec<Refused> {
    let nested_cells = {
        let mut s = String::from("{% table %}\ncolumns:\n");
        for c in 0..64 {
            s.push_str(&format!("  - title: C{c}\n    key: c{c}\n"));
        }
        s.push_str("rows:\n");
        s.push_str(&"  - {}\n".repeat(4000));
        s.push_str("{% endtable %}\n");
        s
    };
    vec![
        Refused { name: "script element", files: vec![("content/bad.md", page("Text.\n\n<script>alert(1)</script>\n"))], expect: vec!["content/bad.md:6:1", "raw HTML that can run script: a `<script>` element"] },
        Refused { name: "event handler", files: vec![("content/bad.md", page("A <img src=x onerror=alert(1)> b\n"))], expect: vec!["content/bad.md:4:14", "an `onerror` event handler attribute"] },
        Refused {
            name: "javascript link",
            files: vec![("content/bad.md", page("[x](javascript:alert(1))\n\n[y]( JaVaScRiPt:alert(2))\n\n[z](data:text/html,<script>alert(3)</script>)\n\n[r]\n\n[r]: vbscript:msgbox(1)\n"))],
            expect: vec!["content/bad.md:4:1", "unsafe link target `javascript:alert(1)`", "content/bad.md:6:1", "unsafe link target `JaVaScRiPt:alert(2)`", "content/bad.md:8:1", "unsafe link target `data:text/html", "unsafe link target `vbscript:msgbox(1)`"],
        },
        Refused {
            name: "javascript in raw HTML",
            files: vec![("content/bad.md", page("<a href=\"jav&#x09;ascript&colon;alert(1)\">x</a>\n"))],
            expect: vec!["content/bad.md:4:4", "a `javascript:` URL in `href`"],
        },
        Refused {
            name: "table cells",
            files: vec![("content/bad.md", page("{% table %}\ncolumns:\n  - title: A\n    key: a\nrows:\n  - a: \"<img src=x onerror=alert(1)>\"\n  - a: \"[x](javascript:alert(1))\"\n{% endtable %}\n"))],
            expect: vec!["content/bad.md:9:20", "an `onerror` event handler attribute", "content/bad.md:10:13", "unsafe link target `javascript:alert(1)`"],
        },
        Refused {
            name: "faq",
            files: vec![("content/bad.md", b"---\ntitle: Bad\nfaqs:\n  - q: \"Why <script>alert(1)</script>?\"\n    a: \"<svg onload=alert(2)>\"\n---\nBody.\n".to_vec())],
            expect: vec!["content/bad.md:4:13", "a `<script>` element", "content/bad.md:5:14", "an `onload` event handler attribute"],
        },
        Refused {
            name: "related resource url",
            files: vec![("content/bad.md", b"---\ntitle: Bad\nrelated_resources:\n  - text: Click\n    url: \"javascript:alert(1)\"\n---\nBody.\n".to_vec())],
            expect: vec!["content/bad.md:5:11", "unsafe link target `javascript:alert(1)`"],
        },
        Refused {
            name: "include escaping the includes folder",
            files: vec![("content/bad.md", page("{% include /sections/../../../../etc/passwd %}\n\n{% include ../../portolan.yaml %}\n"))],
            expect: vec!["content/bad.md:4:12", "include path `/sections/../../../../etc/passwd` steps out of the includes folder", "content/bad.md:6:12", "include path `../../portolan.yaml` steps out"],
        },
        Refused {
            name: "unsafe variable",
            files: vec![
                ("portolan.yaml", b"title: T\nvariables:\n  evil: \"<img src=x onerror=alert(1)>\"\n".to_vec()),
                ("content/bad.md", page("Hello {{site.evil}}.\n")),
            ],
            expect: vec!["content/bad.md:4:7", "an `onerror` event handler attribute"],
        },
        Refused {
            name: "a tag left open that would swallow the next paragraph's link",
            files: vec![("content/bad.md", page("<details open title=\"\n\n[a](ontoggle=alert(1)//)\n"))],
            expect: vec!["content/bad.md:4:1", "a `<details` tag that is never closed with `>`"],
        },
        Refused {
            name: "markup hidden from a scan by raw-text elements and bogus comments",
            files: vec![("content/bad.md", page("<title><img title=\"</title><img src=x onerror=alert(1)>\">\n\nA <?x <img title=\"?><img src=x onerror=alert(2)>\"> b\n"))],
            expect: vec!["content/bad.md:4:1", "a `<title>` element", "content/bad.md:6:", "an `onerror` event handler attribute"],
        },
        Refused {
            name: "numeric character references padded with zeros",
            files: vec![("content/bad.md", page("<a href=\"&#0000000106;avascript:alert(1)\">x</a> and <a href=\"&#x00000000006A;avascript:alert(2)\">y</a>\n"))],
            expect: vec!["content/bad.md:4:4", "content/bad.md:4:56", "a `javascript:` URL in `href`"],
        },
        Refused {
            name: "the calculator's marker written by hand",
            files: vec![("content/bad.md", page("{% table %}\ncolumns:\n  - title: A\n    key: a\nrows:\n  - a: \"<img alt='<div data-portolan-calculator></div>'>\"\n{% endtable %}\n"))],
            expect: vec!["content/bad.md:9:19", "raw HTML that spells the calculator's marker"],
        },
        Refused {
            name: "a URL in portolan.yaml that every link would carry",
            files: vec![("portolan.yaml", b"title: T\nupstream_url: javascript:alert(document.domain)//\nbase_url: '/\"><script>'\n".to_vec())],
            expect: vec!["portolan.yaml:2:15", "`upstream_url` must be an http:// or https:// URL", "portolan.yaml:3:11", "`base_url` must be a path"],
        },
        Refused {
            name: "pages and scripts as files in content",
            files: vec![
                ("content/evil.html", b"<script>alert(document.domain)</script>".to_vec()),
                ("content/guide/app.JS", b"alert(1)".to_vec()),
                ("content/guide/x.xhtml", b"<html xmlns=\"http://www.w3.org/1999/xhtml\"><script>alert(1)</script></html>".to_vec()),
            ],
            expect: vec![
                "`content/evil.html`: an HTML page would run its script", "write the page as markdown",
                "`content/guide/app.JS`: a script would run", "`content/guide/x.xhtml`: an HTML page",
            ],
        },
        Refused {
            name: "a kind of file not known to be safe",
            files: vec![("content/guide/page.phtml", b"<script>alert(1)</script>".to_vec()), ("content/guide/main.rs", b"<x:script xmlns:x=\"http://www.w3.org/1999/xhtml\">alert(1)</x:script>".to_vec())],
            expect: vec!["content/guide/page.phtml:1:1", "not a kind of file known to be safe to publish", "rename a text file to `.txt`", "content/guide/main.rs:1:1"],
        },
        Refused {
            name: "files that a host may type by an inner extension, or sniff",
            files: vec![
                ("content/guide/d.svg.tf", b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".to_vec()),
                ("content/guide/x.html.txt", b"hello".to_vec()),
                ("content/guide/notes.lock", b"\n  <html><body><script>alert(1)</script></body></html>".to_vec()),
                ("content/guide/NOTES", b"<script>alert(1)</script>".to_vec()),
                ("content/guide/feed.txt", b"<?xml version=\"1.0\"?><x/>".to_vec()),
            ],
            expect: vec![
                "content/guide/d.svg.tf:1:41", "a file that can run script: a `<script>` element",
                "`content/guide/x.html.txt`: an HTML page would run its script",
                "content/guide/notes.lock:2:15", "content/guide/NOTES:1:1", "it may not hold script",
                "`content/guide/feed.txt`: starts with `<?xml`",
            ],
        },
        Refused {
            name: "files that would replace what the build writes",
            files: vec![("content/robots.txt", b"User-agent: *\nDisallow: /\n".to_vec()), ("content/guide/index.json", b"{}".to_vec())],
            expect: vec!["`content/robots.txt` would replace `robots.txt`", "`content/guide/index.json` would replace `guide/index.json`"],
        },
        Refused {
            name: "drawings and XML that run script",
            files: vec![
                ("content/evil.svg", b"<svg xmlns=\"http://www.w3.org/2000/svg\">\n  <script>alert(document.domain)</script>\n</svg>\n".to_vec()),
                ("content/guide/anim.svg", b"<svg xmlns=\"http://www.w3.org/2000/svg\"><a><set attributeName=\"onmouseover\" to=\"alert(1)\"/><text>x</text></a></svg>".to_vec()),
                ("content/feed.xml", b"<!DOCTYPE x [<!ENTITY s \"&#60;script xmlns='http://www.w3.org/1999/xhtml'>alert(1)&#60;/script>\">]>\n<x>&s;</x>\n".to_vec()),
                ("content/guide/defaults.svg", b"<?xml version=\"1.0\"?>\n<!DOCTYPE svg [<!ATTLIST svg onload CDATA \"alert(1)\">]>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n".to_vec()),
                ("content/guide/under.svg", b"<svg xmlns=\"http://www.w3.org/2000/svg\"><_ onanimationstart=\"alert(1)\"/></svg>".to_vec()),
                ("content/guide/schema.xsd", b"<x xmlns:h=\"http://www.w3.org/1999/xhtml\"><h:script>alert(1)</h:script></x>".to_vec()),
                ("content/guide/cmt.svg", b"<svg xmlns=\"http://www.w3.org/2000/svg\"><!--><a title=\"--><script>alert(1)</script><a title=\"x\"/></svg>".to_vec()),
                ("content/guide/pi.svg", b"<svg xmlns=\"http://www.w3.org/2000/svg\"><?x ><a title=\"?><script>alert(1)</script><a title=\"x\"/></svg>".to_vec()),
                ("content/guide/attr.svg", b"<svg xmlns=\"http://www.w3.org/2000/svg\"><g a=\"<!--\" b='-->\"/><script>alert(1)</script><g c='x'/></svg>".to_vec()),
                ("content/guide/u16.svg", "<?xml version=\"1.0\" encoding=\"UTF-16\"?><svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".encode_utf16().flat_map(u16::to_le_bytes).collect()),
                ("content/guide/jis.svg", b"<?xml version=\"1.0\" encoding=\"ISO-2022-JP\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\">\x1b$B<!--\x1b(B<script>alert(1)</script>--></svg>\n".to_vec()),
            ],
            expect: vec![
                "content/evil.svg:2:3", "a file that can run script: a `<script>` element",
                "content/guide/anim.svg:1:49", "an animation of an `on...` attribute",
                "content/feed.xml:1:14", "an `<!ENTITY` declaration",
                "content/guide/defaults.svg:2:16", "an `<!ATTLIST` declaration", "content/guide/defaults.svg:2:1", "a DOCTYPE with an internal subset",
                "content/guide/under.svg:1:44", "an `onanimationstart` event handler attribute",
                "content/guide/schema.xsd:1:43", "a `<h:script>` element",
                "content/guide/cmt.svg:1:", "content/guide/pi.svg:1:",
                "content/guide/attr.svg:1:44", "a `<` inside an attribute value, which XML forbids",
                "content/guide/u16.svg:1:2", "a control character (U+0000), which XML forbids",
                "content/guide/jis.svg:1:21", "an XML declaration with encoding `ISO-2022-JP`: the file must be UTF-8",
            ],
        },
        Refused { name: "heading attribute", files: vec![("content/bad.md", page("# Title {onclick=alert(1)}\n"))], expect: vec!["content/bad.md:4:1", "an `onclick` event handler attribute"] },
        Refused {
            name: "attribute list",
            files: vec![("content/bad.md", page("{: onclick=\"alert(1)\"}\nText.\n"))],
            expect: vec!["content/bad.md:4:1", "`onclick` is not an attribute name authors may set"],
        },
        Refused {
            name: "attribute list with a javascript: URL",
            files: vec![("content/bad.md", page("{: href=\"javascript:alert(1)\"}\nText.\n"))],
            expect: vec!["content/bad.md:4:1", "`href` may not hold the URL `javascript:alert(1)`"],
        },
        Refused {
            name: "invalid UTF-8",
            files: vec![("content/bad.md", b"---\ntitle: Bad\n---\nok\n\xff\xfe bad\n".to_vec())],
            expect: vec!["content/bad.md:5:1", "file is not valid UTF-8 (byte 0xff)"],
        },
        Refused { name: "nested list", files: vec![("content/bad.md", page(&format!("{}x\n", "- ".repeat(1000))))], expect: vec!["content/bad.md:4:1", "nest more than 32 levels deep"] },
        Refused {
            name: "nested block quotes",
            files: vec![("content/bad.md", page(&format!("{}x\n", "> ".repeat(40))))],
            expect: vec!["content/bad.md:4:", "lists and block quotes nest more than 32 levels deep"],
        },
        Refused {
            name: "nested YAML",
            files: vec![("content/bad.md", format!("---\ntitle: Bad\nx: {}\n---\n", "[".repeat(100_000)).into_bytes())],
            expect: vec!["content/bad.md:3:35", "frontmatter nests more than 32 levels deep"],
        },
        Refused { name: "too many table cells", files: vec![("content/bad.md", page(&nested_cells))], expect: vec!["content/bad.md:4:1", "too many table cells: this table has 256000"] },
        Refused {
            name: "pipe table amplification",
            files: vec![("content/bad.md", page(&format!("|{}\n|{}\n{}", "a|".repeat(1000), "-|".repeat(1000), "x\n".repeat(300))))],
            expect: vec!["content/bad.md:5:1", "too many table cells"],
        },
        Refused {
            name: "include recursion",
            files: vec![
                ("content/_includes/sections/loop.md", b"Loop {% include /sections/loop.md %}\n".to_vec()),
                ("content/bad.md", page("{% include /sections/loop.md %}\n")),
            ],
            expect: vec!["content/_includes/sections/loop.md:1:17", "include cycle: `/sections/loop.md` includes itself"],
        },
        Refused {
            name: "include fan-out",
            files: vec![
                ("content/_includes/f/a.md", "{% include /f/b.md %}".repeat(8).into_bytes()),
                ("content/_includes/f/b.md", "{% include /f/c.md %}".repeat(8).into_bytes()),
                ("content/_includes/f/c.md", "{% include /f/d.md %}".repeat(8).into_bytes()),
                ("content/_includes/f/d.md", "{% include /f/e.md %}".repeat(8).into_bytes()),
                ("content/_includes/f/e.md", b"leaf\n".to_vec()),
                ("content/bad.md", page("{% include /f/a.md %}\n")),
            ],
            expect: vec!["more than 4096 includes in one page"],
        },
        Refused {
            name: "unclosed variables",
            files: vec![("content/bad.md", page(&"{{ unclosed\n".repeat(100_000)))],
            expect: vec!["content/bad.md:4:1", "unclosed `{{`", "too many problems in this page"],
        },
    ]
}

#[test]
fn hostile_input_is_refused_with_positions() {
    let mut failures = Vec::new();
    for case in refused_cases() {
        let (_tmp, site, out) = hostile_copy();
        for (rel, bytes) in &case.files {
            write(&site, rel, bytes);
        }
        let t = Instant::now();
        let o = build(&site, &out);
        let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
        if o.status.code() != Some(1) {
            failures.push(format!(
                "{}: exit {:?}\n{stderr}",
                case.name,
                o.status.code()
            ));
            continue;
        }
        let missing: Vec<&&str> = case
            .expect
            .iter()
            .filter(|e| !stderr.contains(**e))
            .collect();
        if !missing.is_empty() {
            failures.push(format!("{}: missing {missing:?} in:\n{stderr}", case.name));
        }
        if out.exists() {
            failures.push(format!(
                "{}: a failed build wrote {}",
                case.name,
                out.display()
            ));
        }
        // A hang guard, not a performance figure: each case takes a fraction of a second.
        if t.elapsed() > Duration::from_secs(60) {
            failures.push(format!("{}: took {:?}", case.name, t.elapsed()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Builds `site`, which must fail (exit 1, no output written) with each of `wants` in its
/// report; returns the report.
fn assert_refused(site: &Path, out: &Path, wants: &[&str]) -> String {
    let o = build(site, out);
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    for want in wants {
        assert!(stderr.contains(want), "missing {want:?} in:\n{stderr}");
    }
    assert!(!out.exists(), "a failed build wrote {}", out.display());
    stderr
}

/// The calculator page itself, with the calculator's marker hidden in a table cell's
/// attribute: the widget's markup would land in the attribute and break out of it.
#[test]
fn the_calculator_cannot_be_placed_inside_an_attribute() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_tree(&repo().join("content"), &site.join("content"));
    std::fs::copy(repo().join("portolan.yaml"), site.join("portolan.yaml")).unwrap();
    let out = tmp.path().join("public");
    let network = site.join("content/konnect-platform/network.md");
    let text = std::fs::read_to_string(&network).unwrap();
    assert!(
        text.contains("{% hostname_calculator %}"),
        "the seed page places the calculator"
    );
    let forged = "\n{% table %}\ncolumns:\n  - title: A\n    key: a\nrows:\n  - a: \"<img src=x alt='<div data-portolan-calculator></div>'>\"\n{% endtable %}\n";
    let forged_text = format!("{text}{forged}");
    std::fs::write(&network, &forged_text).unwrap();
    let line = forged_text[..forged_text.find("<div data-portolan").unwrap()]
        .lines()
        .count();
    assert_refused(
        &site,
        &out,
        &[
            &format!("content/konnect-platform/network.md:{line}:"),
            "raw HTML that spells the calculator's marker",
            "build failed: 1 error",
        ],
    );
    // The tag itself inside an open tag: the widget would land in an attribute's value.
    let inside = text.replacen(
        "{% hostname_calculator %}",
        "<div>\n<img title='\n{% hostname_calculator %}'>\n</div>",
        1,
    );
    assert_ne!(inside, text);
    std::fs::write(&network, &inside).unwrap();
    let line = inside[..inside.find("{% hostname_calculator").unwrap()]
        .lines()
        .count()
        + 1;
    assert_refused(
        &site,
        &out,
        &[
            &format!("content/konnect-platform/network.md:{line}:1"),
            "`{% hostname_calculator %}` inside raw HTML that is still open",
            "build failed: 1 error",
        ],
    );
    // Without the forged cell the same page builds, calculator and all.
    std::fs::write(&network, &text).unwrap();
    let o = build(&site, &out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let html = std::fs::read_to_string(out.join("konnect-platform/network/index.html")).unwrap();
    assert!(
        html.contains("id=\"portolan-calculator-data\"")
            && !html.contains("data-portolan-calculator")
    );
}

#[test]
fn symlinks_out_of_the_site_and_loops_are_refused() {
    let (tmp, site, out) = hostile_copy();
    let secret = tmp.path().join("secret.md");
    std::fs::write(&secret, "---\ntitle: Secret\n---\nOutside the site.\n").unwrap();
    std::os::unix::fs::symlink(&secret, site.join("content/leak.md")).unwrap();
    std::os::unix::fs::symlink(&secret, site.join("content/_includes/sections/leak.md")).unwrap();
    std::os::unix::fs::symlink("/etc", site.join("content/etc")).unwrap();
    std::os::unix::fs::symlink("loop-b.md", site.join("content/loop-a.md")).unwrap();
    std::os::unix::fs::symlink("loop-a.md", site.join("content/loop-b.md")).unwrap();
    std::os::unix::fs::symlink(".", site.join("content/guide/self")).unwrap();
    let stderr = assert_refused(
        &site,
        &out,
        &[
            "symlink `content/leak.md` points outside the site's content folder",
            "symlink `content/_includes/sections/leak.md` points outside the site's content folder",
            "symlink `content/etc` points outside the site's content folder",
            "cannot read `content/loop-a.md`",
            "cannot read `content/loop-b.md`",
            "symlinked folder `content/guide/self` is not followed",
        ],
    );
    assert!(
        !stderr.contains("Outside the site"),
        "the outside file is never read"
    );
}

/// Peak RSS (KiB) and wall time of a child process.
fn measure(mut cmd: Command) -> (Output, Duration, i64) {
    let t = Instant::now();
    let child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id() as libc::pid_t;
    // Reap it ourselves (wait4) to read its rusage; take its output first.
    let out = {
        let mut child = child;
        let mut stdout = Vec::new();
        let mut stderr = Vec::new();
        use std::io::Read;
        child
            .stdout
            .take()
            .unwrap()
            .read_to_end(&mut stdout)
            .unwrap();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_end(&mut stderr)
            .unwrap();
        let mut status = 0;
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        assert_eq!(r, pid);
        use std::os::unix::process::ExitStatusExt;
        std::mem::forget(child); // already reaped
        (
            Output {
                status: std::process::ExitStatus::from_raw(status),
                stdout,
                stderr,
            },
            usage.ru_maxrss,
        )
    };
    (out.0, t.elapsed(), out.1)
}

#[test]
fn a_50_mb_page_is_refused_quickly_and_pathological_markdown_renders() {
    let (_tmp, site, out) = hostile_copy();
    // Realistic markdown, 50 MB of it.
    let unit = "## A heading\n\nSome *text* with `code`, a [link](/guide/) and **bold**.\n\n- item one\n- item two\n\n";
    let mut big = String::from("---\ntitle: Huge\n---\n");
    while big.len() < 50 << 20 {
        big.push_str(unit);
    }
    write(&site, "content/huge.md", &big);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_portolan"));
    cmd.args([
        "build",
        site.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let (o, took, rss_kib) = measure(cmd);
    let stderr = String::from_utf8_lossy(&o.stderr);
    eprintln!("50 MB page: {took:?}, peak RSS {} MiB", rss_kib / 1024);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("content/huge.md:1:1")
            && stderr.contains(&format!("page is {} bytes; the limit is 8 MiB", big.len())),
        "{stderr}"
    );
    assert!(took < Duration::from_secs(60), "{took:?}"); // a hang guard
    assert!(rss_kib < 1024 * 1024, "peak RSS {rss_kib} KiB");

    // Pathological but legal markdown builds, in bounded time.
    std::fs::remove_file(site.join("content/huge.md")).unwrap();
    write(
        &site,
        "content/stress.md",
        page(&format!(
            "{}a{}\n\n{}\n\n{}x\n\n{}\n",
            "*".repeat(100_000),
            "_".repeat(100_000),
            "[".repeat(50_000),
            "- ".repeat(30),
            "# heading\n".repeat(20_000)
        )),
    );
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_portolan"));
    cmd.args([
        "build",
        site.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let (o, took, rss_kib) = measure(cmd);
    eprintln!("stress page: {took:?}, peak RSS {} MiB", rss_kib / 1024);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(took < Duration::from_secs(60), "{took:?}"); // a hang guard
    let html = std::fs::read_to_string(out.join("stress/index.html")).unwrap();
    assert!(
        html.contains("id=\"heading-19999\""),
        "20,000 repeated headings get ids"
    );
    assert!(live_script(&html).is_empty());
}
