//! Fuzz target `calculator_facts`: see crates/endpoints/tests/support/fuzz_harness.rs.
#![no_main]

#[path = "../../crates/endpoints/tests/support/fuzz_harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::calculator_facts(data));
