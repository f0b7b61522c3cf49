//! The engine on its own, fuzzed: a page and its includes from arbitrary bytes, rendered
//! with Liquid alone. Whatever the input, rendering ends in output or positioned errors:
//! no panic, no span outside its file, no output past the engine's limits. libFuzzer's
//! `-rss_limit_mb` and `-timeout` (scripts/fuzz) hold it to a memory and a time cap;
//! `tests/resource_caps.rs` replays the kept corpus and random programs under both.

#![allow(dead_code, unreachable_pub)]

use super::{render_with, TestHost};

/// Splits `data` at NUL bytes: the page, then includes named `a`, `b`, `c`...
pub fn liquid(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.split('\0');
    let page = parts.next().unwrap_or_default().to_string();
    let includes: Vec<(String, String)> = parts
        .take(8)
        .enumerate()
        .map(|(i, t)| (char::from(b'a' + i as u8).to_string(), t.to_string()))
        .collect();
    let refs: Vec<(&str, &str)> = includes
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let (out, diags) = render_with(TestHost::with_includes(&refs), &page);
    assert!(out.len() <= portolan_liquid::limits::MAX_EXPANDED_BYTES * 2);
    for d in &diags {
        for s in d.span.iter().chain(d.related.iter().map(|(s, _)| s)) {
            let len = if s.file == 0 {
                page.len()
            } else {
                includes[s.file - 1].1.len()
            };
            assert!(
                s.start <= s.end && s.end <= len,
                "span {s:?} outside file {}: {d:?}",
                s.file
            );
        }
    }
}
