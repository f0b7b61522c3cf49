//! Times highlighting of every fence in a folder of markdown (the Kong corpus, a bench/
//! corpus): `cargo run --release -p portolan-highlight --example highlight_bench -- DIR`.
//! Prints per language the blocks, lines and milliseconds, then the total.

use std::collections::BTreeMap;
use std::time::Instant;

fn main() {
    let dir = std::env::args().nth(1).expect("usage: highlight_bench DIR");
    let mut fences: Vec<(String, String)> = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(dir)];
    while let Some(p) = stack.pop() {
        if p.is_dir() {
            for e in std::fs::read_dir(&p).expect("readable folder").flatten() {
                stack.push(e.path());
            }
        } else if p.extension().is_some_and(|e| e == "md") {
            let text = std::fs::read_to_string(&p).unwrap_or_default();
            let mut open: Option<(String, String)> = None;
            for line in text.lines() {
                let t = line.trim_start();
                match (&mut open, t.strip_prefix("```")) {
                    (None, Some(info)) => open = Some((info.trim().to_string(), String::new())),
                    (Some(_), Some(_)) => fences.extend(open.take()),
                    (Some((_, code)), None) => {
                        code.push_str(line);
                        code.push('\n');
                    }
                    (None, None) => {}
                }
            }
        }
    }
    let t = Instant::now();
    portolan_highlight::highlight("bash", "true\n");
    println!(
        "grammars loaded in {:.1} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
    let mut by_lang: BTreeMap<String, (usize, usize, f64)> = BTreeMap::new();
    let all = Instant::now();
    for (lang, code) in &fences {
        let t = Instant::now();
        let h = portolan_highlight::highlight(lang, code);
        let ms = t.elapsed().as_secs_f64() * 1e3;
        let name = h
            .language
            .map_or("(plain)".to_string(), |l| l.name.to_string());
        let e = by_lang.entry(name).or_default();
        e.0 += 1;
        e.1 += code.lines().count();
        e.2 += ms;
    }
    for (lang, (blocks, lines, ms)) in &by_lang {
        println!("{lang:>14} {blocks:>6} blocks {lines:>7} lines {ms:>9.1} ms");
    }
    println!(
        "total {} blocks in {:.1} ms",
        fences.len(),
        all.elapsed().as_secs_f64() * 1e3
    );
}
