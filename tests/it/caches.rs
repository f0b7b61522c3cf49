//! Caches are never in the way: a site folder that cannot hold them still builds, its
//! caches kept in the user's cache folder, and the build says so once.

use std::process::Command;

use crate::common::*;

#[test]
fn a_site_folder_that_cannot_hold_caches_builds_with_them_in_the_users_cache_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_tree(&fixture("code"), &site);
    // `.portolan` a file: no cache folder can be made in the site folder (as in a
    // read-only checkout, which root, who runs CI here, would not feel).
    std::fs::write(site.join(".portolan"), "").unwrap();
    let home = tmp.path().join("cache-home");
    let build = |out: &str| {
        Command::new(env!("CARGO_BIN_EXE_portolan"))
            .args(["build", site.to_str().unwrap(), "--out"])
            .arg(tmp.path().join(out))
            .env("XDG_CACHE_HOME", &home)
            .output()
            .expect("the portolan binary runs")
    };
    let o = build("out");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert_eq!(
        stderr
            .matches("cannot be written: caches are kept in")
            .count(),
        1,
        "said once: {stderr}"
    );
    let kept: Vec<_> = std::fs::read_dir(home.join("portolan"))
        .expect("the user's cache folder")
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert!(kept[0].join("highlight").is_file(), "highlighted code kept");
    assert!(
        std::fs::read_dir(kept[0].join("diagrams")).unwrap().count() > 0,
        "drawings kept"
    );
    assert!(
        site.join(".portolan").is_file(),
        "the site folder is as it was"
    );
    // The next build finds them there, and gives the same site.
    let o = build("out2");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        read(&tmp.path().join("out/guide/diagrams/index.html")),
        read(&tmp.path().join("out2/guide/diagrams/index.html"))
    );
}
