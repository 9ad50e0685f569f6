//! Per-page bookkeeping: which sequence numbers arrived (so a resend after a reconnect is
//! ignored), where the gaps are (loss), and the relay's dropped counters.
//!
//! `seq` is dense per page, so the seen set is a sorted list of ranges: in-order arrival only
//! extends the last range (O(1)), a resend is a binary search.

use std::ops::Range;

use serde::Serialize;

use crate::schema::EpochMs;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SeqSet {
    ranges: Vec<Range<u64>>,
}

impl SeqSet {
    /// Insert `seq`; false if it was already there.
    pub fn insert(&mut self, seq: u64) -> bool {
        if let Some(last) = self.ranges.last_mut() {
            if seq == last.end {
                last.end += 1;
                return true;
            }
        }
        // The first range that ends at or after `seq`: it contains `seq`, ends right at it, or
        // starts after it.
        let i = self.ranges.partition_point(|r| r.end < seq);
        let mut extended = None;
        if let Some(r) = self.ranges.get_mut(i) {
            if r.contains(&seq) {
                return false;
            }
            if r.end == seq {
                r.end += 1;
                extended = Some(i);
            } else if r.start == seq + 1 {
                r.start = seq;
                extended = Some(i);
            }
        }
        match extended {
            Some(j) => {
                if j + 1 < self.ranges.len() && self.ranges[j].end == self.ranges[j + 1].start {
                    self.ranges[j].end = self.ranges[j + 1].end;
                    self.ranges.remove(j + 1);
                }
                if j > 0 && self.ranges[j - 1].end == self.ranges[j].start {
                    self.ranges[j - 1].end = self.ranges[j].end;
                    self.ranges.remove(j);
                }
            }
            None => self.ranges.insert(i, seq..seq + 1),
        }
        true
    }
    pub fn contains(&self, seq: u64) -> bool {
        let i = self.ranges.partition_point(|r| r.end <= seq);
        self.ranges.get(i).is_some_and(|r| r.contains(&seq))
    }
    /// Missing sequence numbers between the first and the last seen.
    pub fn gaps(&self) -> Vec<Range<u64>> {
        self.ranges.windows(2).map(|w| w[0].end..w[1].start).collect()
    }
    pub fn count(&self) -> u64 {
        self.ranges.iter().map(|r| r.end - r.start).sum()
    }
    pub fn first(&self) -> Option<u64> {
        self.ranges.first().map(|r| r.start)
    }
    pub fn last(&self) -> Option<u64> {
        self.ranges.last().map(|r| r.end - 1)
    }
}

/// One document lifetime.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Page {
    pub id: String,
    pub tab: Option<i64>,
    /// From the `page` event.
    pub url: Option<String>,
    pub t: Option<EpochMs>,
    pub seqs: SeqSet,
    pub duplicates: u64,
    /// The relay's cumulative dropped counters (the latest `dropped` event).
    pub dropped_frames: u64,
    pub dropped_bytes: u64,
    pub dropped_at: Option<EpochMs>,
}

impl Page {
    /// Events lost in transport: sequence numbers never received between ones that were.
    pub fn lost(&self) -> u64 {
        self.seqs.gaps().iter().map(|g| g.end - g.start).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seq_set_dedupes_and_finds_gaps_in_any_order() {
        let mut s = SeqSet::default();
        for q in [1, 2, 3, 7, 8, 5, 2, 8, 4] {
            s.insert(q);
        }
        assert_eq!(s.gaps(), vec![6..7]);
        assert_eq!(s.count(), 7);
        assert!(!s.insert(5));
        assert!(s.insert(6));
        assert!(s.gaps().is_empty());
        assert_eq!((s.first(), s.last()), (Some(1), Some(8)));
        // Exhaustive check against a plain set for small random-ish orders.
        let order: Vec<u64> = (0..200).map(|i| (i * 37 + 11) % 97).collect();
        let mut s = SeqSet::default();
        let mut plain = std::collections::BTreeSet::new();
        for q in order {
            assert_eq!(s.insert(q), plain.insert(q), "{q}");
        }
        for q in 0..100 {
            assert_eq!(s.contains(q), plain.contains(&q));
        }
        assert_eq!(s.count(), plain.len() as u64);
    }
}
