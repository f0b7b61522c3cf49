//! Hashing terms for the index: a fast hash that is the same on every machine and Rust
//! version (the index's version is made with it), computed once per term and passed
//! through the maps that hold terms.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A term with its hash, computed once (the per-page maps and the merge use it).
pub(super) struct Key<'a> {
    pub(super) hash: u64,
    pub(super) term: Cow<'a, str>,
}

impl std::hash::Hash for Key<'_> {
    fn hash<H: Hasher>(&self, h: &mut H) {
        h.write_u64(self.hash);
    }
}

impl PartialEq for Key<'_> {
    fn eq(&self, o: &Self) -> bool {
        self.hash == o.hash && self.term == o.term
    }
}

impl Eq for Key<'_> {}

pub(super) fn key(term: Cow<'_, str>) -> Key<'_> {
    let mut h = Fx::default();
    h.write(term.as_bytes());
    Key {
        hash: h.finish(),
        term,
    }
}

/// Passes a [`Key`]'s hash through.
#[derive(Default)]
pub(super) struct Prehashed(u64);

impl Hasher for Prehashed {
    fn write(&mut self, bytes: &[u8]) {
        let mut h = Fx(self.0);
        h.write(bytes);
        self.0 = h.0;
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

pub(super) type KeyMap<'a, V> = HashMap<Key<'a>, V, BuildHasherDefault<Prehashed>>;

/// FxHash (rustc's) with a final mix: fast, and stable across machines and Rust versions
/// (the index version is made with it). The keys are the site's own text, not adversarial.
#[derive(Default, Clone, Copy)]
pub(super) struct Fx(u64);

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let mut last = [0u8; 8];
        let rest = chunks.remainder();
        last[..rest.len()].copy_from_slice(rest);
        self.add(u64::from_le_bytes(last) ^ ((rest.len() as u64) << 56));
    }

    fn finish(&self) -> u64 {
        // Fx alone leaves the low bits (which pick the map slot) depending only on the first
        // bytes: terms of one shard share them. Mix (MurmurHash3's finalizer).
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
}

impl Fx {
    #[inline]
    pub(super) fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}
