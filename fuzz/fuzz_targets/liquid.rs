//! Fuzz target `liquid`: the engine alone; see crates/liquid/tests/support/fuzz_harness.rs.
#![no_main]

#[path = "../../crates/liquid/tests/support/mod.rs"]
mod support;

libfuzzer_sys::fuzz_target!(|data: &[u8]| support::fuzz_harness::liquid(data));
