//! Random Liquid programs, made to run away (loops over ranges, captures that double, filters
//! that multiply text or nest lists, includes in loops), rendered under a memory cap and a
//! time cap: each must end in output or a positioned error. The cap on memory is measured
//! by this binary's allocator (its peak while one program renders); the time cap is a
//! watchdog for hangs, far above what any program takes. Also replays the fuzz corpus of
//! the `liquid` target (fuzz/corpus/liquid/).

mod support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Counts live bytes and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                let now = LIVE.fetch_add(new_size - layout.size(), Ordering::Relaxed) + new_size
                    - layout.size();
                PEAK.fetch_max(now, Ordering::Relaxed);
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The memory one program may take above what was live before it: the engine's byte
/// budget (64 MiB) with room for vectors that double and for transient copies.
const MEMORY_CAP: usize = 512 << 20;

/// Far above any program's time: a program still running then is a hang.
const HANG: Duration = Duration::from_secs(60);

/// A small deterministic generator (xorshift).
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }

    fn atom(&mut self) -> String {
        match self.below(7) {
            0 => self
                .pick(&["a", "b", "c", "site.list", "site.product", "page.x"])
                .into(),
            1 => format!("'{}'", "x".repeat(self.below(50) as usize)),
            2 => self
                .pick(&[
                    "0",
                    "-1",
                    "9223372036854775807",
                    "-9223372036854775808",
                    "3.5",
                ])
                .into(),
            3 => format!("(1..{})", self.pick(&["3", "1000", "150000", "a"])),
            4 => "''".into(),
            _ => self.pick(&["a", "b", "c"]).into(),
        }
    }

    fn expr(&mut self) -> String {
        let mut e = self.atom();
        for _ in 0..self.below(4) {
            let f = self.pick(&[
                "split: ''",
                "split: ','",
                "join: a",
                "join: ','",
                "append: a",
                "prepend: b",
                "replace: '', a",
                "replace: 'x', b",
                "push: a",
                "push: b",
                "unshift: a",
                "concat: a",
                "uniq",
                "sort",
                "sort_natural",
                "reverse",
                "size",
                "first",
                "last",
                "where: 'x', a",
                "map: 'x'",
                "group_by: 'x'",
                "jsonify",
                "inspect",
                "upcase",
                "divided_by: -1",
                "modulo: 0",
                "times: a",
                "plus: 9223372036854775807",
                "slice: -1, 9223372036854775807",
                "truncate: 9223372036854775807",
                "where_exp: 'i', 'i == a'",
                "default: a",
                "strip_html",
                "escape",
                "url_encode",
                "array_to_sentence_string",
                "sum",
                "compact",
                "date: '%Y %s'",
            ]);
            e = format!("{e} | {f}");
        }
        e
    }

    fn block(&mut self, depth: u32) -> String {
        let mut out = String::new();
        for _ in 0..1 + self.below(4) {
            let stmt = match self.below(if depth > 5 { 3 } else { 9 }) {
                0 => "text ".to_string(),
                1 => format!("{{{{ {} }}}}", self.expr()),
                2 => format!(
                    "{{% assign {} = {} %}}",
                    self.pick(&["a", "b", "c"]),
                    self.expr()
                ),
                3 => format!(
                    "{{% capture {} %}}{}{{% endcapture %}}",
                    self.pick(&["a", "b"]),
                    self.block(depth + 1)
                ),
                4 => format!(
                    "{{% for i in {} %}}{}{{% endfor %}}",
                    self.expr(),
                    self.block(depth + 1)
                ),
                5 => format!(
                    "{{% if {} %}}{}{{% else %}}{}{{% endif %}}",
                    self.expr(),
                    self.block(depth + 1),
                    self.block(depth + 1)
                ),
                6 => format!("{{% include {} %}}", self.pick(&["inc", "loop", "missing"])),
                7 => format!(
                    "{{% case {} %}}{{% when a %}}{}{{% endcase %}}",
                    self.expr(),
                    self.block(depth + 1)
                ),
                _ => format!(
                    "{{{{ a | {} }}}}",
                    self.pick(&[
                        "split: '' | join: a",
                        "concat: a | concat: a",
                        "jsonify | jsonify"
                    ])
                ),
            };
            out.push_str(&stmt);
        }
        out
    }
}

/// Renders one program under both caps.
fn holds(name: &str, program: String, includes: Vec<(String, String)>) {
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    let worker = std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(move || {
            let refs: Vec<(&str, &str)> = includes
                .iter()
                .map(|(p, t)| (p.as_str(), t.as_str()))
                .collect();
            let (out, diags) =
                support::render_with(support::TestHost::with_includes(&refs), &program);
            for d in &diags {
                assert!(d.span.is_some(), "an error without a place: {d:?}");
            }
            let _ = done_tx.send(out.len());
        })
        .unwrap();
    match done_rx.recv_timeout(HANG) {
        Ok(_) => {}
        Err(_) => panic!("{name}: still running after {HANG:?}"),
    }
    worker.join().expect("no panic");
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(before);
    assert!(peak <= MEMORY_CAP, "{name}: took {} MiB", peak >> 20);
}

#[test]
fn random_programs_end_in_output_or_a_positioned_error() {
    let includes = vec![
        (
            "inc".to_string(),
            "{{ a | append: a }}{% include loop %}".to_string(),
        ),
        (
            "loop".to_string(),
            "{% for i in (1..100) %}{% assign a = a | append: a %}{% endfor %}".to_string(),
        ),
    ];
    for seed in 1..=400u64 {
        let mut g = Gen(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
        let program = g.block(0);
        holds(&format!("seed {seed}"), program, includes.clone());
    }
}

/// The kept corpus of the `liquid` fuzz target, each under both caps (and, there, each as
/// the fuzz harness checks it).
#[test]
fn the_fuzz_corpus_holds_under_the_caps() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/liquid");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).expect("fuzz/corpus/liquid exists") {
        let path = e.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        let text = String::from_utf8_lossy(&data).into_owned();
        let mut parts = text.split('\0');
        let page = parts.next().unwrap_or_default().to_string();
        let includes = parts
            .take(8)
            .enumerate()
            .map(|(i, t)| (char::from(b'a' + i as u8).to_string(), t.to_string()))
            .collect();
        holds(&path.display().to_string(), page, includes);
        n += 1;
    }
    assert!(n >= 10, "only {n} inputs in {}", dir.display());
}
