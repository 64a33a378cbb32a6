//! The cluster's seeded random number generator: the only source of randomness.
//!
//! SplitMix64 is tiny, fast, and its whole state is one `u64`, so snapshots
//! capture it exactly and replays draw the same numbers.

use serde::{Deserialize, Serialize};

/// Alphabet of Kubernetes' `rand.String` (no vowels, no confusable digits).
pub const K8S_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// A deterministic generator seeded from the cluster's seed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rng {
    state: u64,
}

impl Rng {
    /// A generator whose sequence is fixed by `seed`.
    pub fn new(seed: u64) -> Self {
        Rng {
            state: seed ^ 0x9E37_79B9_7F4A_7C15,
        }
    }

    /// A generator for stream `label` of `seed`, independent of [`Rng::new`]`(seed)`:
    /// its start is the seed and label mixed through SplitMix64's finalizer, so two
    /// streams of one seed do not walk the same sequence, and draws from one never move
    /// the other.
    pub fn stream(seed: u64, label: u64) -> Self {
        let mut mix = Rng::new(seed ^ label.rotate_left(32));
        Rng::new(mix.next_u64())
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` must be positive).
    pub fn below(&mut self, n: u64) -> u64 {
        debug_assert!(n > 0);
        // Rejection sampling keeps the choice unbiased.
        let zone = u64::MAX - (u64::MAX % n);
        loop {
            let x = self.next_u64();
            if x < zone {
                return x % n;
            }
        }
    }

    /// `len` characters of Kubernetes' random-name alphabet, as `generateName` appends.
    pub fn k8s_suffix(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| K8S_ALPHABET[self.below(K8S_ALPHABET.len() as u64) as usize] as char)
            .collect()
    }

    /// A version-4 UUID, as the API server gives every object.
    pub fn uuid(&mut self) -> String {
        let a = self.next_u64();
        let b = self.next_u64();
        let hi = (a & 0xFFFF_FFFF_FFFF_0FFF) | 0x4000;
        let lo = (b & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000;
        // The 32 hex digits of `hi` then `lo`, dashed 8-4-4-4-12, written by hand into a
        // byte buffer: every object and Event gets a uid, and `format!` (or u128 shifts
        // and a `String::push` per digit, in wasm) cost more than drawing the bits.
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut out = [b'-'; 36];
        let mut at = 0;
        for (i, word) in [hi, lo].into_iter().enumerate() {
            for n in 0..16 {
                if matches!(i * 16 + n, 8 | 12 | 16 | 20) {
                    at += 1;
                }
                out[at] = HEX[((word >> (60 - 4 * n)) & 0xF) as usize];
                at += 1;
            }
        }
        // Hex digits and dashes: always UTF-8.
        std::str::from_utf8(&out).unwrap_or_default().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        assert_eq!(a.k8s_suffix(5), b.k8s_suffix(5));
        assert_eq!(a.uuid(), b.uuid());
        assert_ne!(Rng::new(8).next_u64(), Rng::new(7).next_u64());
    }

    #[test]
    fn a_stream_is_its_own_sequence() {
        let mut main = Rng::new(1);
        let mut side = Rng::stream(1, 0x65_70_73);
        let main_draws: Vec<u64> = (0..1000).map(|_| main.next_u64()).collect();
        let side_draws: Vec<u64> = (0..1000).map(|_| side.next_u64()).collect();
        assert!(side_draws.iter().all(|d| !main_draws.contains(d)));
        assert_eq!(Rng::stream(1, 0x65_70_73), Rng::stream(1, 0x65_70_73));
        assert_ne!(Rng::stream(2, 0x65_70_73), Rng::stream(1, 0x65_70_73));
    }

    #[test]
    fn suffix_uses_the_kubernetes_alphabet() {
        let s = Rng::new(1).k8s_suffix(200);
        assert!(s.bytes().all(|c| K8S_ALPHABET.contains(&c)));
        let u = Rng::new(1).uuid();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
    }

    #[test]
    fn uuid_reads_like_the_formatted_bits() {
        let mut rng = Rng::new(3);
        for _ in 0..100 {
            let mut twin = rng.clone();
            let (a, b) = (twin.next_u64(), twin.next_u64());
            let hi = (a & 0xFFFF_FFFF_FFFF_0FFF) | 0x4000;
            let lo = (b & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000;
            let want = format!(
                "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
                hi >> 32,
                (hi >> 16) & 0xFFFF,
                hi & 0xFFFF,
                lo >> 48,
                lo & 0xFFFF_FFFF_FFFF
            );
            assert_eq!(rng.uuid(), want);
        }
    }
}
