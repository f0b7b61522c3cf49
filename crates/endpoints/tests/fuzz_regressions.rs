//! Replays fuzz inputs as regular tests: every crash reproducer the calculator fuzzers found
//! (in `tests/fuzz-regressions/`, named `<target>-<what>`) and the corpus kept in
//! `fuzz/corpus/calculator_*/`, through the same harness as the fuzz targets
//! (`tests/support/fuzz_harness.rs`).

#[path = "support/fuzz_harness.rs"]
mod harness;

use std::path::{Path, PathBuf};

fn run(target: &str, data: &[u8]) {
    match target {
        "calculator_inputs" => harness::calculator_inputs(data),
        "calculator_facts" => harness::calculator_facts(data),
        other => panic!("no calculator fuzz target `{other}`"),
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

#[test]
fn crash_reproducers_stay_fixed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions");
    for path in files(&dir) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name == "README.md" {
            continue;
        }
        let target = ["calculator_inputs", "calculator_facts"]
            .into_iter()
            .find(|t| name.starts_with(&format!("{t}-")))
            .unwrap_or_else(|| panic!("{name}: not named <target>-<what>"));
        eprintln!("replaying {name}");
        run(target, &std::fs::read(&path).unwrap());
    }
}

#[test]
fn corpus_replays() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus");
    for target in ["calculator_inputs", "calculator_facts"] {
        let all = files(&root.join(target));
        assert!(
            all.len() >= 2,
            "the {target} corpus is missing ({})",
            root.display()
        );
        for path in all {
            run(target, &std::fs::read(&path).unwrap());
        }
    }
}
