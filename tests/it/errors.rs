//! Error text is a contract: the broken fixture's full report is snapshotted, and a failed
//! build leaves the previous output as it was.

use crate::common::*;

#[test]
fn broken_site_reports_every_error_with_positions() {
    let out = tempfile::tempdir().unwrap();
    let o = portolan(&[
        "build",
        fixture("broken").to_str().unwrap(),
        "--out",
        out.path().join("public").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "a failed build exits 1");
    let stderr = String::from_utf8(o.stderr).unwrap();
    let report = stderr.split_once('\n').map(|(_, rest)| rest).unwrap(); // drop "Building <path> ..."
    insta::assert_snapshot!("broken_site", report);
    assert!(
        !out.path().join("public").exists(),
        "nothing is written when the build fails"
    );
}

/// The broken fixture's build with `--message-format FORMAT`, run from the site folder (so
/// paths are the same on every machine): (stdout, stderr, exit code).
fn broken_build_as(format: &str) -> (String, String, Option<i32>) {
    let out = tempfile::tempdir().unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_portolan"))
        .current_dir(fixture("broken"))
        .args(["build", "--message-format", format, "--out"])
        .arg(out.path().join("public"))
        .output()
        .unwrap();
    (
        String::from_utf8(o.stdout).unwrap(),
        String::from_utf8(o.stderr).unwrap(),
        o.status.code(),
    )
}

#[test]
fn broken_site_as_json_is_one_object_per_diagnostic() {
    let (stdout, stderr, code) = broken_build_as("json");
    assert_eq!(code, Some(1));
    let (_, human, _) = broken_build_as("human");
    let objects: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let errors = objects.iter().filter(|o| o["severity"] == "error").count();
    assert!(
        human.contains(&format!("{errors} errors in")),
        "as many errors as the human text counts: {errors}\n{human}"
    );
    for o in &objects {
        assert!(o["message"].is_string() && o.get("hint").is_some(), "{o}");
    }
    assert!(
        stderr.ends_with(&format!("{}\n", human.lines().last().unwrap())),
        "the summary line stays on stderr:\n{stderr}"
    );
    insta::assert_snapshot!("broken_site_json", stdout);
}

#[test]
fn broken_site_as_github_annotations() {
    let (stdout, _, code) = broken_build_as("github");
    assert_eq!(code, Some(1));
    assert!(stdout
        .lines()
        .all(|l| l.starts_with("::error file=") || l.starts_with("::warning file=")));
    insta::assert_snapshot!("broken_site_github", stdout);
}

#[test]
fn failed_build_leaves_previous_output_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_tree(&fixture("dialect"), &site);
    let out = tmp.path().join("public");
    build_ok(&site, &out);
    let before = snapshot_tree(&out);
    assert!(before.iter().any(|(p, _)| p == "guide/dialect/index.html"));

    let page = site.join("content/guide/dialect.md");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(
        &page,
        text.replace("{{site.product}} and", "{{site.produkt}} and"),
    )
    .unwrap();
    let o = portolan(&[
        "build",
        site.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("content/guide/dialect.md:30:3"), "{stderr}");
    assert!(stderr.contains("did you mean `site.product`?"), "{stderr}");
    assert_eq!(
        snapshot_tree(&out),
        before,
        "the previous output is untouched"
    );
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().into_string().unwrap())
        .collect();
    assert!(
        leftovers.iter().all(|n| !n.contains("staging")),
        "no staging folder is left behind: {leftovers:?}"
    );
}

#[test]
fn output_folder_not_written_by_portolan_is_never_replaced() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("notes.txt"), "precious").unwrap();
    let o = portolan(&[
        "build",
        fixture("dialect").to_str().unwrap(),
        "--out",
        tmp.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("refusing to replace it"));
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("notes.txt")).unwrap(),
        "precious"
    );
}

#[test]
fn missing_site_folder_is_a_clear_error() {
    let o = portolan(&["build", "/nonexistent-portolan-site"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr)
        .contains("no `content/` folder in /nonexistent-portolan-site"));
}

/// What an author sees when a file or a setting would publish script: every problem, each
/// at its place, with a hint.
#[test]
fn files_and_settings_that_could_run_script_are_refused_readably() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let write = |rel: &str, text: &str| {
        let p = site.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write("portolan.yaml", "title: Docs\nupstream_url: javascript:alert(document.domain)//\nurl: https://docs.example\n");
    write("content/index.md", "---\ntitle: Home\n---\nAn image: <img src=x alt='<div data-portolan-calculator></div>'>\n\n{% hostname_calculator %}\n\n{% hostname_calculator %}\n");
    write(
        "content/guide/widget.html",
        "<script>alert(document.domain)</script>\n",
    );
    write("content/guide/drawing.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\">\n  <a href=\"&#0000106;avascript:alert(1)\"><text>x</text></a>\n</svg>\n");
    let o = portolan(&[
        "build",
        site.to_str().unwrap(),
        "--out",
        tmp.path().join("public").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8(o.stderr).unwrap();
    let report = stderr.split_once('\n').map(|(_, rest)| rest).unwrap();
    insta::assert_snapshot!("script_refused", report);
    assert!(!tmp.path().join("public").exists());
}

/// A disk that fills up mid-build fails every write after it. Here a file-size limit
/// (RLIMIT_FSIZE, with SIGXFSZ ignored so that writes fail instead of killing the process)
/// stands in for the full disk: one error says so, with a count, not one per page, and the
/// previous output stays.
#[test]
fn a_full_disk_is_one_error_and_the_previous_output_stays() {
    use std::os::unix::process::CommandExt;

    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_tree(&fixture("dialect"), &site);
    for n in 0..6 {
        std::fs::write(
            site.join(format!("content/guide/extra-{n}.md")),
            format!("---\ntitle: Extra {n}\n---\n\nSome text.\n"),
        )
        .unwrap();
    }
    let out = tmp.path().join("public");
    build_ok(&site, &out);
    let before = snapshot_tree(&out);

    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_portolan"));
    cmd.args([
        "build",
        site.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    cmd.args(["--no-cache"]);
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: 2048,
                rlim_max: 2048,
            };
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let o = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.matches("cannot write").count(), 1, "{stderr}");
    assert!(stderr.contains("other pages)"), "{stderr}");
    assert!(
        stderr.contains("the output folder is left as it was"),
        "{stderr}"
    );
    assert_eq!(
        snapshot_tree(&out),
        before,
        "the previous output is untouched"
    );
}
