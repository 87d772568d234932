//! Which of a board's stored updates one node's room holds, by their gap-free sequence numbers
//! (PostgreSQL's per-board `seq`), when several nodes write to the same board.
//!
//! A node's document holds every update through [`LogSequence::applied_through`] and, beyond
//! it, the updates it stored itself while another node's were still on their way. Updates
//! relayed by other nodes wait here until every number before them is in, so they are applied
//! in order; a duplicate is recognised by its number and dropped. Pure bookkeeping: the room's
//! lifecycle decides when to fetch a gap from the log and applies what this hands out.

use std::collections::{BTreeMap, BTreeSet};

use bytes::Bytes;

#[derive(Debug, Default)]
pub struct LogSequence {
    /// Every update numbered up to this one is in the document.
    applied_through: i64,
    /// Numbers past `applied_through` of updates this node stored itself (in the document
    /// already, while an earlier one of another node is missing).
    own_ahead: BTreeSet<i64>,
    /// Other nodes' updates past `applied_through + 1`, waiting for the gap before them.
    waiting: BTreeMap<i64, Bytes>,
}

/// What became of an update offered to the sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offered {
    /// Its number was applied already: dropped.
    Duplicate,
    /// Kept until its turn (see [`LogSequence::take_ready`]).
    Kept,
}

impl LogSequence {
    /// A room whose document holds the log through `applied_through` (what it loaded).
    pub fn new(applied_through: i64) -> LogSequence {
        LogSequence {
            applied_through,
            ..LogSequence::default()
        }
    }

    /// Every update numbered up to this one is in the document; the log may be compacted
    /// through here and no further.
    pub fn applied_through(&self) -> i64 {
        self.applied_through
    }

    /// Updates this node stored as `first ..= last` (already in the document); moves
    /// `applied_through` past them when nothing is missing before them.
    pub fn record_own(&mut self, first: i64, last: i64) {
        for seq in first.max(self.applied_through + 1)..=last {
            self.own_ahead.insert(seq);
        }
        while self.own_ahead.remove(&(self.applied_through + 1)) {
            self.applied_through += 1;
        }
    }

    /// Another node's update numbered `seq`.
    pub fn offer(&mut self, seq: i64, update: Bytes) -> Offered {
        if seq <= self.applied_through || self.own_ahead.contains(&seq) {
            return Offered::Duplicate;
        }
        self.waiting.insert(seq, update);
        Offered::Kept
    }

    /// The document now holds a compacted state that covers the log through `through` (read
    /// when the missing range had been compacted away): everything up to it is applied.
    pub fn state_applied(&mut self, through: i64) {
        if through <= self.applied_through {
            return;
        }
        self.applied_through = through;
        self.own_ahead = self.own_ahead.split_off(&(through + 1));
        self.waiting = self.waiting.split_off(&(through + 1));
    }

    /// The waiting updates whose turn has come, in order, with their numbers; moves
    /// `applied_through` past them and past this node's own.
    pub fn take_ready(&mut self) -> Vec<(i64, Bytes)> {
        let mut ready = Vec::new();
        loop {
            let next = self.applied_through + 1;
            if self.own_ahead.remove(&next) {
                self.applied_through = next;
            } else if let Some(update) = self.waiting.remove(&next) {
                ready.push((next, update));
                self.applied_through = next;
            } else {
                return ready;
            }
        }
    }

    /// True while a number past `applied_through` is known (own or waiting) but one before it
    /// is missing: the missing range must be read from the log.
    pub fn has_gap(&self) -> bool {
        !self.own_ahead.is_empty() || !self.waiting.is_empty()
    }

    /// Updates in the log past `applied_through` that this document holds: after a compaction
    /// through `applied_through`, they are the log that is left.
    pub fn own_ahead_count(&self) -> usize {
        self.own_ahead.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn update(seq: i64) -> Bytes {
        Bytes::from(format!("update {seq}"))
    }

    fn numbers(ready: &[(i64, Bytes)]) -> Vec<i64> {
        ready.iter().map(|(seq, _)| *seq).collect()
    }

    #[test]
    fn updates_are_handed_out_in_order_once_each() {
        let mut sequence = LogSequence::new(3);
        assert_eq!(sequence.offer(3, update(3)), Offered::Duplicate);
        assert_eq!(sequence.offer(5, update(5)), Offered::Kept);
        assert!(sequence.take_ready().is_empty(), "4 is missing");
        assert!(sequence.has_gap());
        sequence.offer(4, update(4));
        assert_eq!(numbers(&sequence.take_ready()), vec![4, 5]);
        assert!(!sequence.has_gap());
        assert_eq!(sequence.offer(5, update(5)), Offered::Duplicate);
        assert_eq!(sequence.applied_through(), 5);
    }

    #[test]
    fn own_updates_are_skipped_and_close_the_gap_they_leave() {
        let mut sequence = LogSequence::new(0);
        sequence.record_own(1, 1);
        assert_eq!(
            sequence.applied_through(),
            1,
            "nothing was missing before it"
        );
        let mut sequence = LogSequence::new(0);
        // This node stored 2 and 3 while another node's 1 was on its way.
        sequence.record_own(2, 3);
        assert!(sequence.take_ready().is_empty());
        assert!(sequence.has_gap());
        assert_eq!(sequence.applied_through(), 0, "compaction may not pass 1");
        assert_eq!(sequence.offer(3, update(3)), Offered::Duplicate);
        sequence.offer(1, update(1));
        sequence.offer(4, update(4));
        assert_eq!(numbers(&sequence.take_ready()), vec![1, 4]);
        assert_eq!(sequence.applied_through(), 4);
        assert!(!sequence.has_gap());
    }

    #[test]
    fn a_compacted_state_covers_everything_through_its_number() {
        let mut sequence = LogSequence::new(1);
        sequence.record_own(5, 5);
        sequence.offer(4, update(4));
        sequence.offer(7, update(7));
        sequence.state_applied(4);
        assert_eq!(sequence.applied_through(), 4);
        assert_eq!(sequence.offer(3, update(3)), Offered::Duplicate);
        sequence.offer(6, update(6));
        assert_eq!(numbers(&sequence.take_ready()), vec![6, 7]);
        assert_eq!(sequence.applied_through(), 7);
    }
}
