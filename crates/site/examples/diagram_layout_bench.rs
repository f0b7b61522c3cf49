//! How long the build-time diagram renderer takes to lay out diagrams of growing size: the
//! measurement behind `mermaid.rs`'s limit on nodes and edges.
//!
//!     cargo run --release -p portolan-site --example diagram_layout_bench

use std::time::Instant;

use portolan_dialect::{Diagrams, Drawing};

/// A diagram of size `n`.
type Shape = fn(usize) -> String;

fn main() {
    let shapes: [(&str, Shape); 4] = [
        ("self-chain A-->A-->A", |n| {
            format!("flowchart LR\n{}A\n", "A-->".repeat(n))
        }),
        ("chain N0-->N1-->...", |n| {
            let mut s = String::from("flowchart LR\n");
            for i in 0..n {
                s.push_str(&format!("N{i}-->N{}\n", i + 1));
            }
            s
        }),
        ("fan-out hub-->Ni", |n| {
            let mut s = String::from("flowchart TD\n");
            for i in 0..n {
                s.push_str(&format!("hub-->N{i}\n"));
            }
            s
        }),
        ("dense Ni-->N(i*7%n)", |n| {
            let mut s = String::from("flowchart TD\n");
            for i in 0..n {
                s.push_str(&format!(
                    "N{i}-->N{}\nN{i}-->N{}\n",
                    (i * 7 + 1) % n,
                    (i * 13 + 5) % n
                ));
            }
            s
        }),
    ];
    for (name, make) in shapes {
        for n in [25, 50, 100, 200, 400] {
            let source = make(n);
            let diagrams = portolan_site::diagrams::SiteDiagrams::in_memory();
            let t = Instant::now();
            let drawn = match diagrams.draw(&source, "d") {
                Ok(Drawing::Svg(_)) => "drawn".to_string(),
                Ok(Drawing::Browser(why)) => format!("browser: {}", why.unwrap_or_default()),
                Err(e) => format!("error: {}", e.message),
            };
            println!(
                "{name:<24} n={n:<4} {:>5} bytes  {:>8.1} ms  {drawn}",
                source.len(),
                t.elapsed().as_secs_f64() * 1000.0
            );
        }
    }
}
