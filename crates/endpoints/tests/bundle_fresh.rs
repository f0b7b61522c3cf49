//! The committed calculator bundle in www/ must be built from the current sources: this
//! recomputes the inputs manifest exactly as scripts/build-calculator writes it (sha256 of each
//! input file, in byte order of its path, then the wasm-bindgen version from Cargo.lock) and
//! compares it with www/calculator.inputs.sha256. It also holds the bundle to its size budget.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

const BUDGET: u64 = 60_000;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn files_under(root: &Path, dir: &str, out: &mut Vec<String>) {
    let mut stack = vec![root.join(dir)];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(
                    path.strip_prefix(root)
                        .unwrap()
                        .to_str()
                        .unwrap()
                        .replace('\\', "/"),
                );
            }
        }
    }
}

fn wasm_bindgen_version(root: &Path) -> String {
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).expect("Cargo.lock");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\"" {
            let version = lines.next().unwrap();
            return version
                .trim_start_matches("version = ")
                .trim_matches('"')
                .to_string();
        }
    }
    panic!("Cargo.lock has no wasm-bindgen package");
}

/// The manifest, as `inputs_manifest` in scripts/build-calculator prints it.
fn manifest(root: &Path) -> String {
    let mut files: Vec<String> = [
        "crates/calculator/Cargo.toml",
        "crates/calculator/loader.js",
        "crates/endpoints/Cargo.toml",
    ]
    .map(String::from)
    .to_vec();
    files_under(root, "crates/calculator/src", &mut files);
    files_under(root, "crates/endpoints/src", &mut files);
    files.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
    let mut out = String::new();
    for f in &files {
        let digest = Sha256::digest(std::fs::read(root.join(f)).unwrap());
        out.push_str(&format!("{}  {f}\n", hex(&digest)));
    }
    out.push_str(&format!("wasm-bindgen {}\n", wasm_bindgen_version(root)));
    out
}

#[test]
fn www_bundle_is_fresh() {
    let root = repo();
    let stamp_path = root.join("www/calculator.inputs.sha256");
    let stamp = std::fs::read_to_string(&stamp_path).unwrap_or_else(|_| {
        panic!(
            "www/ bundle is stale: run scripts/build-calculator ({} is missing)",
            stamp_path.display()
        )
    });
    let recorded: String = stamp
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("total "))
        .map(|l| format!("{l}\n"))
        .collect();
    let current = manifest(&root);
    let total = stamp
        .lines()
        .find_map(|l| l.strip_prefix("total "))
        .unwrap_or("");
    if recorded != current || total != hex(&Sha256::digest(current.as_bytes())) {
        let changed: Vec<&str> = current
            .lines()
            .filter(|l| !recorded.lines().any(|r| r == *l))
            .collect();
        let gone: Vec<&str> = recorded
            .lines()
            .filter(|l| !current.lines().any(|c| c == *l))
            .collect();
        panic!(
            "www/ bundle is stale: run scripts/build-calculator\n  changed or new: {changed:#?}\n  no longer: {gone:#?}"
        );
    }
}

#[test]
fn www_bundle_is_within_budget() {
    let root = repo();
    let mut total = 0;
    for f in [
        "calculator_bg.wasm",
        "calculator.js",
        "calculator-loader.js",
    ] {
        let meta = std::fs::metadata(root.join("www").join(f))
            .unwrap_or_else(|_| panic!("www/{f} is missing: run scripts/build-calculator"));
        total += meta.len();
    }
    assert!(
        total <= BUDGET,
        "the calculator bundle is {total} bytes, over its {BUDGET}-byte budget"
    );
    let loader = std::fs::read_to_string(root.join("www/calculator-loader.js")).unwrap();
    assert_eq!(
        loader,
        std::fs::read_to_string(root.join("crates/calculator/loader.js")).unwrap()
    );
}
