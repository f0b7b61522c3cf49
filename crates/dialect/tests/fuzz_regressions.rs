//! Replays fuzz inputs as regular tests: every crash reproducer the fuzzers found (in
//! `tests/fuzz-regressions/`, named `<target>-<what>`), and the hand-made seed corpus in
//! `fuzz/corpus/<target>/`. Each runs through the same harness as the fuzz target
//! (`tests/support/fuzz_harness.rs`), with a time bound.

#[path = "support/fuzz_harness.rs"]
mod harness;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn run(target: &str, data: &[u8]) {
    match target {
        "dialect" => harness::dialect(data),
        "frontmatter" => harness::frontmatter(data),
        "table" => harness::table(data),
        other => panic!("no dialect fuzz target `{other}`"),
    }
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Debug builds are slow; the fuzzers' own timeout is 10 s in release.
const BOUND: Duration = Duration::from_secs(20);

#[test]
fn crash_reproducers_stay_fixed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions");
    let all: Vec<_> = files(&dir)
        .into_iter()
        .filter(|p| p.file_name().is_some_and(|n| n != "README.md"))
        .collect();
    // An empty folder would pass: the kept reproducers must be there to replay.
    assert!(!all.is_empty(), "no reproducers in {}", dir.display());
    for path in &all {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name == "README.md" {
            continue;
        }
        let target = name.split_once('-').map_or(name.as_str(), |(t, _)| t);
        let data = std::fs::read(path).unwrap();
        let t = Instant::now();
        run(target, &data);
        assert!(t.elapsed() < BOUND, "{name} took {:?}", t.elapsed());
    }
}

#[test]
fn seed_corpus_renders() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus");
    let mut n = 0;
    for target in ["dialect", "frontmatter", "table"] {
        for path in files(&root.join(target)) {
            run(target, &std::fs::read(&path).unwrap());
            n += 1;
        }
    }
    assert!(n >= 3, "the seed corpus is missing ({})", root.display());
}
