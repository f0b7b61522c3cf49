//! How long the search index takes for 10,000 pages, and how big its files are: a
//! Zipf-distributed vocabulary (a few very common words, a long tail of rare ones,
//! identifiers, numbers), about 1.5 KB of text per page.
//!
//!     cargo run --release -p portolan-site --example search_index_bench
//!
//! `SEARCH_BENCH_OUT=dir` also writes the files there (to look at them, or gzip them).

use std::fmt::Write as _;

use portolan_dialect::SectionText;
use portolan_site::search::{build_index, SearchDoc};

fn main() {
    // A Zipf-distributed vocabulary: a few very common words, a long tail of rare ones
    // (identifiers, numbers), about 1.5 KB of text per page.
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut rand = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    // The head: common words of English docs; the tail: made-up words whose letters
    // follow English frequencies (first letters as in a dictionary), some identifiers.
    let head = "the of and to a in is for on that with you be this it as are or by can from an if not your use when at which \
        kong gateway plugin service route consumer request response api proxy admin config configure configuration set \
        default value key port host http https tls certificate token auth authentication upstream target data plane \
        control mode database postgres cluster node version install run start example following see more must should \
        will also only each all new using used one two three enable enabled disable file path name type string number \
        true false list object field header headers limit rate timeout secret vault environment variable docker kubernetes \
        helm chart deployment pod namespace ingress controller mesh konnect portal developer team user role permission \
        organization region endpoint url domain dns network address ip client server connection log logging metrics";
    let head: Vec<&str> = head.split_whitespace().collect();
    let first = "sssssssssssccccccccccpppppppppddddddmmmmmmaaaaaabbbbbbttttttrrrrrrffffeeeehhhhiiiigggllluuuwwwooonnvvkjqyzx";
    let rest = "eeeeeeeeeeeetttttttttaaaaaaaaoooooooiiiiiiinnnnnnnsssssshhhhhhrrrrrrdddddlllllcccuuummwwffggyyppbbvkjxqz";
    let mut vocab: Vec<String> = head.iter().map(|w| w.to_string()).collect();
    while vocab.len() < 60_000 {
        let r = rand();
        let mut w = String::new();
        w.push(first.as_bytes()[(r % first.len() as u64) as usize] as char);
        for k in 0..(3 + (r >> 8) % 8) {
            w.push(rest.as_bytes()[((r >> (12 + 4 * k)) ^ rand()) as usize % rest.len()] as char);
        }
        if vocab.len().is_multiple_of(10) {
            let _ = write!(w, "{}", r % 1000);
        }
        vocab.push(w);
    }
    // Zipf by inverse CDF over ranks: P(rank r) ~ 1/r.
    let h: f64 = (1..=vocab.len()).map(|r| 1.0 / r as f64).sum();
    let mut cdf = Vec::with_capacity(vocab.len());
    let mut acc = 0.0;
    for r in 1..=vocab.len() {
        acc += 1.0 / r as f64 / h;
        cdf.push(acc);
    }
    let mut word = || {
        let u = (rand() >> 11) as f64 / (1u64 << 53) as f64;
        let i = cdf.partition_point(|&c| c < u).min(vocab.len() - 1);
        vocab[i].as_str()
    };
    let mut sentence = |n: usize| (0..n).map(|_| word()).collect::<Vec<_>>().join(" ");
    let docs: Vec<SearchDoc> = (0..10_000)
        .map(|i| SearchDoc {
            url: format!("/docs/section-{}/page-{i}/", i % 40),
            title: sentence(4),
            sections: (0..5)
                .map(|k| SectionText {
                    heading: if k == 0 { String::new() } else { sentence(3) },
                    anchor: if k == 0 {
                        String::new()
                    } else {
                        format!("section-{k}")
                    },
                    text: sentence(45),
                })
                .collect(),
            ..SearchDoc::default()
        })
        .collect();
    let text: usize = docs
        .iter()
        .map(|d| d.sections.iter().map(|s| s.text.len()).sum::<usize>())
        .sum();
    // CPU time too: wall time on a busy machine says little.
    let cpu = || {
        let tasks = std::fs::read_dir("/proc/self/task")
            .into_iter()
            .flatten()
            .flatten();
        let ns: u64 = tasks
            .filter_map(|t| std::fs::read_to_string(t.path().join("schedstat")).ok())
            .filter_map(|s| {
                s.split_whitespace()
                    .next()
                    .and_then(|n| n.parse::<u64>().ok())
            })
            .sum();
        std::time::Duration::from_nanos(ns)
    };
    let mut times = Vec::new();
    let mut files = Vec::new();
    for _ in 0..5 {
        let (started, c) = (std::time::Instant::now(), cpu());
        files = build_index(&docs);
        times.push((started.elapsed(), cpu() - c));
    }
    let elapsed = times.iter().min().unwrap();
    let total: usize = files.iter().map(|f| f.1.len()).sum();
    let shards: Vec<&(String, Vec<u8>)> = files
        .iter()
        .filter(|f| f.0.starts_with("search/t/"))
        .collect();
    let chunks: Vec<&(String, Vec<u8>)> = files
        .iter()
        .filter(|f| f.0.starts_with("search/d/"))
        .collect();
    let shard_bytes: usize = shards.iter().map(|f| f.1.len()).sum();
    let largest = shards.iter().max_by_key(|f| f.1.len()).unwrap();
    let mut sizes: Vec<usize> = shards.iter().map(|f| f.1.len()).collect();
    sizes.sort_unstable();
    let meta = files.iter().find(|f| f.0 == "search/meta.json").unwrap();
    let vocab = files.iter().find(|f| f.0 == "search/v.json").unwrap();
    println!(
        "vocabulary (loaded once per visit): {} bytes",
        vocab.1.len()
    );
    println!("10k docs, {:.0} bytes of text per page", text as f64 / 1e4);
    println!("build_index: best of 5 (wall, CPU of all threads) {elapsed:?}, all {times:?}");
    println!(
        "total {} bytes = {} bytes/page; {} files",
        total,
        total / 10_000,
        files.len()
    );
    println!(
        "shards: {} files, {} bytes, median {}, largest {} ({} bytes)",
        shards.len(),
        shard_bytes,
        sizes[sizes.len() / 2],
        largest.0,
        largest.1.len()
    );
    println!(
        "doc chunks: {} files, {} bytes, largest {}",
        chunks.len(),
        chunks.iter().map(|f| f.1.len()).sum::<usize>(),
        chunks.iter().map(|f| f.1.len()).max().unwrap()
    );
    println!("meta.json: {} bytes", meta.1.len());
    assert_eq!(build_index(&docs), files);
    // SEARCH_BENCH_OUT=dir writes the files there (to look at them, or gzip them).
    if let Some(dir) = std::env::var_os("SEARCH_BENCH_OUT") {
        for (path, bytes) in &files {
            let p = std::path::Path::new(&dir).join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, bytes).unwrap();
        }
    }
}
