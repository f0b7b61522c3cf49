//! Fuzz target `site`: see crates/site/tests/support/site_harness.rs.
#![no_main]

#[path = "../../crates/site/tests/support/site_harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::site(data));
