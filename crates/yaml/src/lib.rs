//! YAML as content holds it, behind one façade: [`load`] reads a text into a [`Node`] tree
//! with byte positions and every scalar's text as written; [`from_node`] reads a node as a
//! typed value with serde; [`to_string`] writes a JSON value as block YAML.
//!
//! Why this and not a serde YAML crate: serde_yaml and its parser unsafe-libyaml are
//! archived upstream, and every serde YAML value type (serde_yaml's forks serde_norway and
//! yaml_serde included) reads an unquoted `3.10` as the number 3.1 before anyone can ask
//! for its text, and carries no positions for keys and values. Kong's content is full of
//! versions like 3.10, quoted or not; errors must name the line. So the parser is
//! saphyr-parser (pure Rust, no `unsafe`, events that carry each scalar's text, style and
//! position; the yaml-rust lineage, kept by the saphyr-rs project: more hands than the
//! newer granit-parser, which was the other candidate), and the tree, its limits and the
//! serde reading are ours, about 600 lines. Measured on 2 KB frontmatters: about 50 µs
//! each, faster than serde_yaml's 68 µs (helper report in the stop's closing note).
//!
//! Limits ([`Limits`]): collections nest at most 32 deep by default, aliases expand a
//! document to at most a million nodes, duplicate keys are errors; all at their offset.

mod de;
mod emit;
mod error;
mod load;
mod node;

pub use de::from_node;
pub use emit::to_string;
pub use error::{Error, ErrorKind};
pub use load::{load, load_last_key_wins, Limits};
pub use node::{Kind, Node, Resolved, Scalar, Style};
