//! A fixed, fast hasher for maps the engine only looks things up in (the kubelet's
//! runtimes by uid, the live nodes by name).
//!
//! std's `RandomState` draws its keys at random, which the engine must not do, and
//! SipHash's defence against chosen keys buys nothing here: the keys are uids and
//! names the cluster made, and hashing them with SipHash cost a third of a settled
//! pass. This is FxHash's mix (rustc's): a rotate, an xor and a multiply per eight
//! bytes. Maps hashed with it are never walked in an order that reaches output.

use std::hash::{BuildHasherDefault, Hasher};

/// Builds [`FxHasher`]s; the `S` of `HashMap<K, V, S>`.
pub type FixedState = BuildHasherDefault<FxHasher>;

/// FxHash: a word-at-a-time multiplicative hash with no keys, the same on every run.
#[derive(Debug, Clone, Copy, Default)]
pub struct FxHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes([
                c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7],
            ]));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            // Zero-padded, with the length in the free top byte, so `a` and `a\0`
            // differ.
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            last[7] = rest.len() as u8;
            self.add(u64::from_le_bytes(last));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::{BuildHasher, Hash};

    fn hash(s: &str) -> u64 {
        FixedState::default().hash_one(s)
    }

    #[test]
    fn same_input_same_hash_every_time() {
        assert_eq!(
            hash("8f14e45f-ceea-467a-9575-0aa9c5a5d7d3"),
            hash("8f14e45f-ceea-467a-9575-0aa9c5a5d7d3")
        );
        assert_ne!(hash("node-1"), hash("node-2"));
        // The string's terminator is hashed too, so a prefix differs from the whole.
        assert_ne!(hash("node-1"), hash("node-1\0"));
        let mut h = FxHasher::default();
        "abc".hash(&mut h);
        assert_eq!(h.finish(), hash("abc"));
    }
}
