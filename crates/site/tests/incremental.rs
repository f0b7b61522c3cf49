//! Incremental rebuilds give the same output as a clean build, byte for byte, after a
//! sequence of edits, renames and deletions (of pages and includes), including states with
//! errors and their recovery.

use std::fs;
use std::path::{Path, PathBuf};

use portolan_site::{Options, Session};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn copy_tree(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let dest = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            fs::create_dir_all(&dest).unwrap();
        } else {
            fs::copy(e.path(), &dest).unwrap();
        }
    }
}

fn assert_same_as_fresh(session: &mut Session, step: &str) {
    session.refresh_search();
    let session = &*session;
    let fresh = Session::new(session.options().clone());
    let render = |s: &Session| {
        portolan_site::messages::render(
            &s.sources(),
            &s.diagnostics(),
            Some("build"),
            portolan_site::MessageFormat::Human,
        )
    };
    assert_eq!(
        render(session),
        render(&fresh),
        "diagnostics differ after: {step}"
    );
    let a = session.outputs();
    let b = fresh.outputs();
    let only_a: Vec<_> = a.keys().filter(|k| !b.contains_key(*k)).collect();
    let only_b: Vec<_> = b.keys().filter(|k| !a.contains_key(*k)).collect();
    assert!(
        only_a.is_empty() && only_b.is_empty(),
        "after {step}: stale {only_a:?}, missing {only_b:?}"
    );
    for (k, v) in a {
        assert!(b[k] == *v, "after {step}: {k} differs from a clean build");
    }
}

#[test]
fn incremental_rebuilds_match_clean_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_tree(&repo().join("tests/fixtures/dialect"), &site);
    copy_tree(&repo().join("theme"), &site.join("theme"));
    let content = site.join("content");
    let mut session = Session::new(Options::new(&site));
    assert!(!session.has_errors());
    assert_same_as_fresh(&mut session, "first build");

    let edit = |p: &Path, from: &str, to: &str| {
        let t = fs::read_to_string(p).unwrap();
        assert!(t.contains(from), "{} lacks {from:?}", p.display());
        fs::write(p, t.replacen(from, to, 1)).unwrap();
    };
    let page = content.join("guide/dialect.md");
    let include = content.join("_includes/parts/nested.md");

    edit(&page, "## Variables and raw", "## Variables, edited");
    // The watcher may name a file differently from how the site folder was given.
    let stats = session.update(&[site.join("./content/guide/dialect.md")]);
    assert!(!stats.full);
    assert_eq!(stats.rendered, 1, "a body edit re-renders only that page");
    assert_same_as_fresh(&mut session, "body edit");

    edit(&include, "A nested include", "An edited nested include");
    let stats = session.update(std::slice::from_ref(&include));
    assert_eq!(
        stats.rendered, 1,
        "an include edit re-renders the pages that use it"
    );
    assert_same_as_fresh(&mut session, "include edit");

    edit(&page, "short_title: Dialect", "short_title: Dialect pages");
    let stats = session.update(std::slice::from_ref(&page));
    assert_eq!(
        stats.templated,
        session.page_count(),
        "a title change re-templates every page"
    );
    assert_same_as_fresh(&mut session, "title change");

    let renamed = content.join("guide/renamed.md");
    fs::rename(&page, &renamed).unwrap();
    session.update(&[page.clone(), renamed.clone()]);
    assert!(session.outputs().contains_key("guide/renamed/index.html"));
    assert!(
        !session.outputs().contains_key("guide/dialect/index.html"),
        "a renamed page's old output is removed"
    );
    assert_same_as_fresh(&mut session, "rename");

    edit(&renamed, "{{site.product}} and", "{{site.produkt}} and");
    session.update(std::slice::from_ref(&renamed));
    assert!(session.has_errors());
    assert_same_as_fresh(&mut session, "an error introduced");

    edit(&renamed, "{{site.produkt}} and", "{{site.product}} and");
    session.update(std::slice::from_ref(&renamed));
    assert!(!session.has_errors(), "fixing the file recovers");
    assert_same_as_fresh(&mut session, "the error fixed");

    fs::remove_file(&include).unwrap();
    session.update(std::slice::from_ref(&include));
    assert!(
        session.has_errors(),
        "a deleted include breaks the pages that use it"
    );
    assert_same_as_fresh(&mut session, "include deleted");

    fs::write(&include, "Back again.\n").unwrap();
    session.update(std::slice::from_ref(&include));
    assert!(!session.has_errors());
    assert_same_as_fresh(&mut session, "include restored");

    let new_page = content.join("guide/new.md");
    fs::write(
        &new_page,
        "---\ntitle: New page\nbreadcrumbs: [/guide/]\n---\nFresh.\n",
    )
    .unwrap();
    session.update(std::slice::from_ref(&new_page));
    assert_same_as_fresh(&mut session, "page added");

    fs::remove_file(&renamed).unwrap();
    session.update(std::slice::from_ref(&renamed));
    assert!(
        !session.outputs().contains_key("guide/renamed/index.html"),
        "a deleted page's output is removed"
    );
    assert_same_as_fresh(&mut session, "page deleted");

    edit(
        &site.join("portolan.yaml"),
        "product: Kong Gateway",
        "product: Kong Gateway Enterprise",
    );
    let stats = session.update(&[site.join("portolan.yaml")]);
    assert!(stats.full, "a config change rebuilds everything");
    assert_same_as_fresh(&mut session, "config change");
}

/// `build` streams pages instead of keeping a session; both must write the same site.
#[test]
fn a_problem_in_a_file_no_page_edit_changes_leaves_page_edits_incremental() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_tree(&repo().join("tests/fixtures/dialect"), &site);
    copy_tree(&repo().join("theme"), &site.join("theme"));
    let content = site.join("content");
    // A drawing that can run script: the load refuses it (an error in its own file).
    let drawing = content.join("assets/clicks.svg");
    fs::create_dir_all(drawing.parent().unwrap()).unwrap();
    fs::write(
        &drawing,
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><rect onclick=\"x()\"/></svg>",
    )
    .unwrap();
    let mut session = Session::new(Options::new(&site));
    assert!(session.has_errors());
    let page = content.join("guide/dialect.md");
    let text = fs::read_to_string(&page).unwrap();
    fs::write(&page, format!("{text}\nOne more paragraph.\n")).unwrap();
    let stats = session.update(std::slice::from_ref(&page));
    assert!(
        !stats.full,
        "a page edit cannot mend the drawing: no reload"
    );
    assert_eq!(stats.rendered, 1);
    assert_same_as_fresh(&mut session, "a page edit beside a refused drawing");
    // Mending the drawing is seen: that file is reloaded with the rest.
    fs::write(
        &drawing,
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><rect/></svg>",
    )
    .unwrap();
    let stats = session.update(std::slice::from_ref(&drawing));
    assert!(stats.full);
    assert!(!session.has_errors());
    assert_same_as_fresh(&mut session, "the drawing mended");
}

#[test]
fn streaming_build_writes_what_a_session_holds() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_tree(&repo().join("tests/fixtures/dialect"), &site);
    copy_tree(&repo().join("theme"), &site.join("theme"));
    copy_tree(&repo().join("www"), &site.join("www"));
    let session = Session::new(Options::new(&site));
    let out = tmp.path().join("public");
    let mut opts = Options::new(&site);
    opts.out_dir = Some(out.clone());
    // Twice: the second build reuses the first one's folder.
    for _ in 0..2 {
        portolan_site::build(&opts).unwrap();
        let mut written: Vec<String> = walkdir::WalkDir::new(&out)
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                e.path()
                    .strip_prefix(&out)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .filter(|p| p != portolan_site::output::MARKER)
            .collect();
        written.sort();
        let held: Vec<String> = session.outputs().keys().cloned().collect();
        assert_eq!(written, held);
        for (k, v) in session.outputs() {
            let bytes = fs::read(out.join(k)).unwrap();
            match v {
                portolan_site::OutFile::Bytes(b) => assert!(bytes == b.as_ref(), "{k} differs"),
                portolan_site::OutFile::Disk(p) => {
                    assert_eq!(bytes, fs::read(p).unwrap(), "{k} differs")
                }
            }
        }
    }
}
