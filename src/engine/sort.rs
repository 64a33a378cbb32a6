//! A stable sort whose code is compiled once, not once per call site, to keep the
//! WebAssembly small.
//!
//! `slice::sort_by` is fast but large: every call site instantiates std's whole
//! driftsort for its element type and closure, a few KiB each. The lists kubectl prints
//! and the page shows are short, so here one merge sort orders indices, asking the
//! caller's comparison through a `dyn` callback, and only moving the elements into that
//! order is generic. Like `sort_by` it is stable, so the result is the same.

use std::cmp::Ordering;

/// Sorts `items` stably by `compare`, as `items.sort_by(compare)` does.
pub fn sort_by<T>(items: &mut [T], mut compare: impl FnMut(&T, &T) -> Ordering) {
    let order = sorted_indices(items.len(), &mut |a, b| compare(&items[a], &items[b]));
    permute(items, &order);
}

/// Sorts `items` in their natural order, as `items.sort()` does.
pub fn sort<T: Ord>(items: &mut [T]) {
    sort_by(items, T::cmp);
}

/// Sorts `items` stably by the key `key` gives, as `items.sort_by_key(key)` does.
pub fn sort_by_key<T, K: Ord>(items: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// The indices `0..n` in sorted order: a bottom-up merge sort that takes from the left
/// run on ties, so equal elements keep their order.
fn sorted_indices(n: usize, compare: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    let mut merged = order.clone();
    let mut width = 1;
    while width < n {
        let mut start = 0;
        while start < n {
            let mid = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            let (mut left, mut right) = (start, mid);
            for slot in &mut merged[start..end] {
                let take_left =
                    right >= end || (left < mid && compare(order[right], order[left]).is_ge());
                if take_left {
                    *slot = order[left];
                    left += 1;
                } else {
                    *slot = order[right];
                    right += 1;
                }
            }
            start = end;
        }
        std::mem::swap(&mut order, &mut merged);
        width *= 2;
    }
    order
}

/// Moves `items` so that position `i` holds what was at `order[i]`, one cycle of the
/// permutation at a time.
fn permute<T>(items: &mut [T], order: &[usize]) {
    let mut placed = vec![false; order.len()];
    for start in 0..order.len() {
        let mut at = start;
        while !placed[at] {
            placed[at] = true;
            let from = order[at];
            if from == start {
                break;
            }
            items.swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Same result as std's stable sort, ties included: sort pairs by the first
        /// field only and compare the whole pairs.
        #[test]
        fn sorts_as_std_sorts(items in proptest::collection::vec((0u8..8, any::<u16>()), 0..200)) {
            let mut ours = items.clone();
            sort_by_key(&mut ours, |p| p.0);
            let mut std_sorted = items;
            std_sorted.sort_by_key(|p| p.0);
            prop_assert_eq!(ours, std_sorted);
        }
    }

    #[test]
    fn reverse_and_empty() {
        let mut v = vec![3, 1, 2];
        sort_by(&mut v, |a, b| b.cmp(a));
        assert_eq!(v, [3, 2, 1]);
        let mut empty: Vec<i32> = Vec::new();
        sort_by(&mut empty, i32::cmp);
        assert!(empty.is_empty());
    }
}
