//! The break-it findings, each as its reproducer: content written by an attacker must end
//! in a positioned error or safe output, never a write outside the output folder, a repo
//! that deletes itself, a panic, a hang or gigabytes of memory or text.

use std::path::{Path, PathBuf};

use crate::common::portolan;

/// A minimal site (`portolan.yaml` with a title, `content/index.md`) plus `pages`.
fn site(pages: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    std::fs::create_dir_all(site.join("content")).unwrap();
    std::fs::write(site.join("portolan.yaml"), "title: T\n").unwrap();
    std::fs::write(
        site.join("content/index.md"),
        "---\ntitle: Home\n---\nHome.\n",
    )
    .unwrap();
    for (rel, text) in pages {
        let p = site.join("content").join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    (tmp, site)
}

fn build(site: &Path, extra: &[&str]) -> (bool, String) {
    let mut args = vec!["build", site.to_str().unwrap()];
    args.extend_from_slice(extra);
    let o = portolan(&args);
    (
        o.status.success(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Every file under `dir`, relative, sorted.
fn files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| !e.file_type().is_dir())
        .map(|e| e.path().strip_prefix(dir).unwrap().display().to_string())
        .collect();
    v.sort();
    v
}

#[test]
fn a_permalink_cannot_write_outside_the_output() {
    let (tmp, site) = site(&[
        (
            "a.md",
            "---\ntitle: A\npermalink: /../../../../victim/\n---\nA\n",
        ),
        (
            "b.md",
            "---\ntitle: B\npermalink: /../public/injected/\n---\nB\n",
        ),
    ]);
    // A good build first: its output must survive the bad one.
    std::fs::write(site.join("content/a.md"), "---\ntitle: A\n---\nA\n").unwrap();
    std::fs::write(site.join("content/b.md"), "---\ntitle: B\n---\nB\n").unwrap();
    assert!(build(&site, &[]).0);
    let before = files(tmp.path());
    std::fs::write(
        site.join("content/a.md"),
        "---\ntitle: A\npermalink: /../../../../victim/\n---\nA\n",
    )
    .unwrap();
    std::fs::write(
        site.join("content/b.md"),
        "---\ntitle: B\npermalink: /../public/injected/\n---\nB\n",
    )
    .unwrap();
    for flags in [&[][..], &["--keep-going"][..]] {
        let (ok, err) = build(&site, flags);
        assert!(!ok, "{err}");
        assert!(
            err.contains("content/a.md:3:12") && err.contains("climbs above the site's root"),
            "{err}"
        );
        assert!(err.contains("content/b.md:3:12"), "{err}");
        let now = files(tmp.path());
        let new: Vec<&String> = now.iter().filter(|f| !before.contains(f)).collect();
        // The output, and the previous output set aside beside it (--keep-going writes).
        assert!(
            new.iter()
                .all(|f| f.starts_with("site/public/") || f.starts_with("site/.public.")),
            "files written outside the output: {new:?}"
        );
        assert!(!tmp.path().join("victim").exists());
        assert!(!site.join("public/injected").exists());
    }
}

#[test]
fn a_permalink_that_normalises_onto_another_page_is_a_collision() {
    let (_tmp, site) = site(&[("a.md", "---\ntitle: A\npermalink: /./\n---\nA\n")]);
    let (ok, err) = build(&site, &[]);
    assert!(!ok);
    assert!(
        err.contains("`a.md` and `index.md` both make the page /")
            || err.contains("`index.md` and `a.md` both make the page /"),
        "{err}"
    );
}

#[test]
fn a_committed_marker_and_output_link_cannot_delete_the_repo() {
    let (_tmp, site) = site(&[]);
    std::fs::write(site.join(".portolan-output"), "planted\n").unwrap();
    std::os::unix::fs::symlink(".", site.join("public")).unwrap();
    std::fs::create_dir(site.join(".git")).unwrap();
    std::fs::write(site.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    for _ in 0..2 {
        let (ok, err) = build(&site, &[]);
        assert!(!ok);
        assert!(err.contains("refusing to write the output"), "{err}");
    }
    assert!(site.join("portolan.yaml").is_file());
    assert!(site.join("content/index.md").is_file());
    assert!(site.join(".git/HEAD").is_file());
}

/// While another build holds the output's lock, a second one is refused, names the
/// holder, and leaves the first's staging folder alone.
#[test]
fn a_second_build_of_one_output_is_refused_while_the_first_runs() {
    use std::os::fd::AsRawFd;
    let (_tmp, site) = site(&[]);
    assert!(build(&site, &[]).0);
    let lock = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(site.join(".public.lock"))
        .unwrap();
    assert_eq!(unsafe { libc::flock(lock.as_raw_fd(), libc::LOCK_EX) }, 0);
    let staging = site.join(".public.staging-1-0");
    std::fs::create_dir(&staging).unwrap();
    std::fs::write(staging.join(".portolan-output"), "").unwrap();
    let (ok, err) = build(&site, &[]);
    assert!(!ok);
    assert!(err.contains("another build is writing"), "{err}");
    assert!(
        staging.is_dir(),
        "a live build's staging folder was deleted"
    );
    drop(lock);
    assert!(build(&site, &[]).0);
    assert!(!staging.exists(), "a dead build's staging folder is swept");
}

#[test]
fn next_steps_urls_go_through_the_url_policy() {
    let (_tmp, site) = site(&[(
        "a.md",
        "---\ntitle: A\nnext_steps:\n  - text: Go\n    url: \"javascript:alert(document.domain)\"\n  - text: Data\n    url: data:text/html,x\n---\nA\n",
    )]);
    let (ok, err) = build(&site, &[]);
    assert!(!ok);
    assert!(
        err.contains("content/a.md:5:11") && err.contains("unsafe link target `javascript:"),
        "{err}"
    );
    assert!(err.contains("content/a.md:7:10"), "{err}");
    let (_, _) = build(&site, &["--keep-going"]);
    let html = std::fs::read_to_string(site.join("public/index.html")).unwrap();
    assert!(!html.contains("javascript:"));
}

/// A one-line 7.8 MB page with a hundred errors prints a window of the line with each, not
/// the line: kilobytes, not a gigabyte.
#[test]
fn errors_on_a_huge_line_print_a_window_of_it() {
    let mut line = String::from("---\ntitle: Big\n---\n");
    let chunk = "x".repeat(78_000);
    for _ in 0..100 {
        line.push_str(&chunk);
        line.push_str("{{ site.nope }}");
    }
    line.push('\n');
    let (_tmp, site) = site(&[("big.md", &line)]);
    let (ok, err) = build(&site, &[]);
    assert!(!ok);
    assert!(
        err.contains("unknown site variable `site.nope`"),
        "{}",
        &err[..500.min(err.len())]
    );
    assert!(err.len() < 200_000, "{} bytes of errors", err.len());
    assert!(
        err.contains("content/big.md:4:78004"),
        "{}",
        &err[..2000.min(err.len())]
    );
}

/// Terminal escapes in content are shown escaped in the human error text.
#[test]
fn control_characters_in_content_do_not_reach_the_terminal() {
    let (_tmp, site) = site(&[(
        "a.md",
        "---\ntitle: A\n---\n\u{1b}]0;owned\u{7} {{ site.x\u{1b}[2J }}\n",
    )]);
    let (ok, err) = build(&site, &[]);
    assert!(!ok);
    assert!(!err.contains('\u{1b}') && !err.contains('\u{7}'), "{err:?}");
    assert!(err.contains("\\u{1b}"), "{err}");
}

/// The engine's reproducers through the whole build: 2,000 nested `if`s, an overflowing
/// division, a terabyte join, a quadratic `uniq`, a 4 KB diagram chain. Each ends in a
/// positioned error or a page, promptly.
#[test]
fn runaway_liquid_and_diagrams_end_in_errors_or_pages() {
    let nested = format!(
        "---\ntitle: N\n---\n{}x{}\n",
        "{% if true %}".repeat(2000),
        "{% endif %}".repeat(2000)
    );
    let bomb = format!(
        "---\ntitle: B\n---\n{{% capture a %}}{}{{% endcapture %}}{{{{ a | split: \"\" | join: a }}}}\n",
        "x".repeat(1 << 20)
    );
    let diagram = format!(
        "---\ntitle: D\n---\n```mermaid\nflowchart LR\n{}A\n```\n",
        "A-->".repeat(1000)
    );
    let (_tmp, site) = site(&[
        ("nested.md", &nested),
        (
            "div.md",
            "---\ntitle: D\n---\n{{ -9223372036854775808 | divided_by: -1 }}\n",
        ),
        ("bomb.md", &bomb),
        (
            "uniq.md",
            "---\ntitle: U\n---\n{{ (1..199999) | uniq | size }}\n",
        ),
        ("diagram.md", &diagram),
    ]);
    let (ok, err) = build(&site, &["--keep-going"]);
    assert!(!ok);
    assert!(
        err.contains("content/nested.md:4:1301") && err.contains("blocks nest more than 100 deep"),
        "{err}"
    );
    assert!(
        err.contains("content/bomb.md:4:1048627") && err.contains("builds more than 64 MiB"),
        "{err}"
    );
    assert!(err.contains("1001 nodes and edges"), "{err}");
    let div = std::fs::read_to_string(site.join("public/div/index.html")).unwrap();
    assert!(div.contains("9223372036854776000"));
    let uniq = std::fs::read_to_string(site.join("public/uniq/index.html")).unwrap();
    assert!(uniq.contains("199999"));
}

/// A content folder nested deeper than any site's is reported, not walked.
#[test]
fn folders_nested_too_deep_are_reported() {
    let (_tmp, site) = site(&[]);
    let deep = (0..40).fold(site.join("content"), |p, i| p.join(format!("d{i}")));
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::write(deep.join("x.md"), "---\ntitle: X\n---\n").unwrap();
    let (ok, err) = build(&site, &[]);
    assert!(!ok);
    assert!(err.contains("nested more than 32 folders deep"), "{err}");
}
