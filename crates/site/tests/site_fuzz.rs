//! The site-level fuzz harness (`tests/support/site_harness.rs`) as a regular test: every
//! crash reproducer (`tests/fuzz-regressions/site-*`), the kept corpus
//! (`fuzz/corpus/site/`), and inputs from a fixed generator, so `cargo test` on stable
//! checks the same properties the fuzzer does: no panic in build, check, hosts or the
//! session; a failed build leaves the previous output; incremental equals clean.

#[path = "support/site_harness.rs"]
mod harness;

use std::path::{Path, PathBuf};

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

#[test]
fn crash_reproducers_stay_fixed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions");
    let reproducers: Vec<_> = files(&dir)
        .into_iter()
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("site-"))
        })
        .collect();
    // An empty folder would pass: the kept reproducers must be there to replay.
    assert!(
        !reproducers.is_empty(),
        "no reproducers in {}",
        dir.display()
    );
    for path in reproducers {
        harness::site(&std::fs::read(&path).unwrap());
    }
}

#[test]
fn kept_corpus_holds() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/site");
    let inputs = files(&dir);
    assert!(!inputs.is_empty(), "no corpus in {}", dir.display());
    // Each input builds a few whole sites: spread them over the cores.
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(path) = inputs.get(i) else { break };
                harness::site(&std::fs::read(path).unwrap());
            });
        }
    });
}

#[test]
fn generated_sites_hold() {
    // xorshift: the same inputs every run.
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    for _ in 0..12 {
        let input: Vec<u8> = (0..160)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                seed as u8
            })
            .collect();
        harness::site(&input);
    }
}
