//! Fuzz target `table`: see crates/dialect/tests/support/fuzz_harness.rs.
#![no_main]

#[path = "../../crates/dialect/tests/support/fuzz_harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::table(data));
