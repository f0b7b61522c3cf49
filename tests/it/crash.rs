//! Crash-safe output: a build killed with SIGKILL at any moment leaves the output folder
//! holding exactly the previous complete site or exactly the new one, never a mix.
//!
//! Two generated sites of 1,200 pages, A and B (B changes every page, drops some, adds others and drops a
//! static file), are built once to know their outputs. Then, starting from A in the output
//! folder, builds of the other site are started and killed at random moments across a
//! build's duration, many times; after each kill the output folder must equal A's or B's
//! output byte for byte (the `.portolan-output` marker included). The hidden siblings a
//! build keeps (`.public.trash-*`, `.public.staging-*`) are not the output and are ignored.

use crate::common::{http_get, spawn_serve};

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const PAGES: usize = 1200;
const KILLS: usize = 30;
const MIN_KILLS: usize = 12;

/// Writes a site of `PAGES` pages; `b` is the modified copy.
fn generate(site: &Path, b: bool) {
    let v = if b { "B" } else { "A" };
    std::fs::create_dir_all(site.join("content")).unwrap();
    std::fs::write(
        site.join("portolan.yaml"),
        format!("title: Crash test {v}\nvariables:\n  version: \"{v}\"\n"),
    )
    .unwrap();
    std::fs::write(
        site.join("content/index.md"),
        format!("---\ntitle: Home {v}\n---\nThe home page of site {v}.\n"),
    )
    .unwrap();
    if !b {
        std::fs::write(
            site.join("content/only-in-a.txt"),
            "a static file only site A has\n",
        )
        .unwrap();
    }
    let body: String = (0..3)
        .map(|j| format!("## Section {j}\n\nSite {{{{site.version}}}}: text with a [link](/s0/p1/) and `code {j}`.\n\n- item a\n- item b\n\n"))
        .collect();
    for i in 0..PAGES + if b { 50 } else { 0 } {
        if b && i % 10 == 3 {
            continue; // B drops a tenth of A's pages
        }
        let dir = site.join(format!("content/s{}", i / 100));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join(format!("p{i}.md")),
            format!("---\ntitle: Page {i} of {v}\n---\n{body}"),
        )
        .unwrap();
    }
}

/// Every file under `dir` (relative path, length, hash), sorted.
fn tree(dir: &Path) -> Vec<(String, u64, u64)> {
    let mut v: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| !e.file_type().is_dir())
        .map(|e| {
            let bytes = std::fs::read(e.path()).unwrap();
            let mut h = DefaultHasher::new();
            bytes.hash(&mut h);
            (
                e.path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                bytes.len() as u64,
                h.finish(),
            )
        })
        .collect();
    v.sort();
    v
}

fn build_cmd(site: &Path, out: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_portolan"));
    c.args([
        "build",
        site.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ])
    .stdout(Stdio::null())
    .stderr(Stdio::piped());
    c
}

fn build(site: &Path, out: &Path) -> Duration {
    let t = Instant::now();
    let o = build_cmd(site, out).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    t.elapsed()
}

/// A small xorshift generator: no dependency, and the seed is printed to replay a run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// The two tests time kills against build durations: they run one at a time.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn killed_builds_leave_the_previous_or_the_new_site() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let started = Instant::now();
    let tmp = tempfile::tempdir().unwrap();
    let (site_a, site_b) = (tmp.path().join("a"), tmp.path().join("b"));
    generate(&site_a, false);
    generate(&site_b, true);
    let out = tmp.path().join("public");

    // The two known-good outputs, built into the output folder itself: B first, then A, so
    // the kills start from A with B's output kept as trash for reuse, as in real use.
    build(&site_b, &out);
    let tree_b = tree(&out);
    let mut took = build(&site_a, &out);
    let tree_a = tree(&out);
    assert_ne!(tree_a, tree_b);
    assert!(
        tree_a.iter().any(|(p, ..)| p == ".portolan-output")
            && tree_b.iter().any(|(p, ..)| p == ".portolan-output")
    );
    assert!(tree_a.len() > 2 * PAGES, "{} files", tree_a.len());

    let seed = std::env::var("CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        });
    eprintln!("crash test: seed {seed} (CRASH_SEED={seed} replays it), a build takes {took:?}");
    let mut rng = Rng(seed);

    let (mut kept_old, mut got_new, mut finished) = (0, 0, 0);
    let mut current = 'A';
    let mut builds = 0;
    // On a busy machine, stop early rather than run for minutes (at least MIN_KILLS).
    let deadline = started + Duration::from_secs(45);
    for n in 0..KILLS {
        if n >= MIN_KILLS && Instant::now() > deadline {
            break;
        }
        builds += 1;
        let (next, site) = if current == 'A' {
            ('B', &site_b)
        } else {
            ('A', &site_a)
        };
        // Half the kills anywhere in a build, half in its last fifth, where the site files
        // are written, the folder is swapped in and the previous one moved aside.
        let t = took.as_micros() as u64;
        let window = (t * 21 / 20).max(1);
        let delay = Duration::from_micros(if n % 2 == 0 {
            rng.next() % window
        } else {
            t * 8 / 10 + rng.next() % (window - t * 8 / 10).max(1)
        });
        let began = Instant::now();
        let mut child = build_cmd(site, &out).spawn().unwrap();
        // Wait for the moment, watching for an early exit: a build that finished first tells
        // how long builds take now (later builds reuse the previous output and run faster
        // than the first), so the next kills aim inside the build.
        let mut exited = None;
        while began.elapsed() < delay {
            if let Some(status) = child.try_wait().unwrap() {
                exited = Some(status);
                took = began.elapsed();
                break;
            }
            std::thread::sleep(Duration::from_micros(500));
        }
        let killed = exited.is_none() && child.try_wait().unwrap().is_none();
        child.kill().unwrap(); // SIGKILL; harmless when it already exited
        let status = exited.unwrap_or_else(|| child.wait().unwrap());
        let now = tree(&out);
        let state = if now == tree_a {
            'A'
        } else if now == tree_b {
            'B'
        } else {
            let (a, b): (std::collections::BTreeSet<_>, std::collections::BTreeSet<_>) =
                (tree_a.iter().collect(), tree_b.iter().collect());
            let odd: Vec<_> = now
                .iter()
                .filter(|f| !a.contains(f) && !b.contains(f))
                .take(5)
                .collect();
            let missing_a = tree_a.iter().filter(|f| !now.contains(f)).count();
            let missing_b = tree_b.iter().filter(|f| !now.contains(f)).count();
            panic!(
                "kill {n} after {delay:?} (seed {seed}): the output is neither A nor B: {} files, {missing_a} of A's and {missing_b} of B's missing, e.g. {odd:?}",
                now.len()
            );
        };
        match (killed, state == next) {
            (false, _) => finished += 1,
            (true, false) => kept_old += 1,
            (true, true) => got_new += 1,
        }
        if !killed {
            assert!(status.success(), "an unkilled build succeeded");
            assert_eq!(state, next, "a build that finished left its site");
        }
        current = state;
    }
    eprintln!("crash test: {builds} builds, {kept_old} killed leaving the previous site, {got_new} killed after the swap (new site), {finished} finished before the kill; {:?}", started.elapsed());
    assert!(
        kept_old >= builds / 4,
        "many kills should land mid-build: {kept_old} of {builds}"
    );
    // Killed builds leave hidden staging folders beside the output (the next build removes
    // them); builds leave their folders' manifests and the lock file they take turns with;
    // nothing else appears there.
    for e in std::fs::read_dir(tmp.path()).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        assert!(
            ["a", "b", "public", ".public.lock"].contains(&name.as_str())
                || name.starts_with(".public.trash-")
                || name.starts_with(".public.staging-")
                || name.starts_with(".public.old-")
                || name.starts_with(".public.manifest-"),
            "left behind: {name}"
        );
    }
}

/// Which site version a served page shows.
fn version(body: &str) -> char {
    match (body.contains("Site A: text"), body.contains("Site B: text")) {
        (true, false) => 'A',
        (false, true) => 'B',
        _ => panic!(
            "a page that is neither A nor B: {}",
            &body[..body.len().min(400)]
        ),
    }
}

/// `serve` rebuilds in memory and publishes each rebuild whole: once a reader has seen one
/// page of the new site, no page of the old one is served again (a rebuild that swapped
/// pages in one at a time would serve a mix while it runs). Killing `serve` with SIGKILL
/// during rebuilds leaves the built output folder and the site's files exactly as they were.
#[test]
fn serve_publishes_whole_rebuilds_and_a_killed_serve_changes_nothing_on_disk() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    generate(&site, false);
    let out = site.join("public");
    let took = build(&site, &out);
    let built = tree(&out);
    let config = |v: char| format!("title: Crash test A\nvariables:\n  version: \"{v}\"\n");
    let pages: Vec<String> = (0..PAGES).map(|i| format!("/s{}/p{i}/", i / 100)).collect();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);

    let (mut serve, addr) = spawn_serve(&site);
    assert_eq!(version(&http_get(&addr, &pages[0]).1), 'A');
    // Every page changes when the variable does; read pages at random while it rebuilds.
    std::fs::write(site.join("portolan.yaml"), config('B')).unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let (mut seen_a, mut seen_b, mut in_a_row) = (0, 0, 0);
    while in_a_row < 200 {
        assert!(
            Instant::now() < deadline,
            "serve did not finish the rebuild: {seen_a} A, {seen_b} B"
        );
        let path = &pages[(rng.next() % PAGES as u64) as usize];
        let (status, body) = http_get(&addr, path);
        assert_eq!(status, 200, "{path}");
        match version(&body) {
            'A' => {
                assert_eq!(
                    seen_b, 0,
                    "{path} served from the old site after {seen_b} pages of the new one"
                );
                seen_a += 1;
            }
            _ => {
                seen_b += 1;
                in_a_row += 1;
            }
        }
    }
    eprintln!("serve: {seen_a} old pages read during the rebuild, then only new ones ({seen_b})");

    // Kill it mid-rebuild, several times: nothing on disk changes but the file edited.
    let site_files = |v: char| {
        std::fs::write(site.join("portolan.yaml"), config(v)).unwrap();
        tree(&site)
            .into_iter()
            .filter(|(p, ..)| !p.starts_with("public/"))
            .collect::<Vec<_>>()
    };
    for n in 0..4 {
        let v = if n % 2 == 0 { 'A' } else { 'B' };
        let expected = site_files(v); // the edit starts a rebuild in the running serve
        std::thread::sleep(Duration::from_micros(
            rng.next() % (took.as_micros() as u64).max(1),
        ));
        serve.kill().unwrap();
        serve.wait().unwrap();
        assert_eq!(
            tree(&out),
            built,
            "kill {n}: serve changed the built output"
        );
        let now: Vec<_> = tree(&site)
            .into_iter()
            .filter(|(p, ..)| !p.starts_with("public/"))
            .collect();
        assert_eq!(now, expected, "kill {n}: serve changed the site's files");
        let names: Vec<_> = std::fs::read_dir(tmp.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(
            names,
            vec![std::ffi::OsString::from("site")],
            "kill {n}: something appeared beside the site"
        );
        (serve, _) = spawn_serve(&site);
    }
    serve.kill().unwrap();
    serve.wait().unwrap();
}
