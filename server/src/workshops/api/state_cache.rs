//! The v2 encodings of boards' states the state endpoint last answered, kept by each board's tag
//! so that the same stored state asked for again is a copy instead of a decode and an encode.
//!
//! The tag is a hash of the board's v1 state and the v2 bytes are a function of those v1 bytes, so
//! an entry can never be stale: a board that changed has a new tag, which simply misses. Nothing
//! has to be told about updates. Each board keeps only its latest entry, and the whole cache is
//! bounded in bytes (oldest first out), so many large boards cannot grow it. A deleted board's
//! entry stays until it is pushed out, but is never answered: the endpoint checks the board and the
//! caller's role before it looks here.

use std::collections::VecDeque;
use std::sync::Mutex;

use bytes::Bytes;

/// What the cache holds at most: a few dozen 500-actor boards (about 180 KB each in v2).
pub const STATE_CACHE_BYTES: usize = 8 * 1024 * 1024;

struct Entry {
    board_id: String,
    entity_tag: String,
    v2_state: Bytes,
}

pub struct StateV2Cache {
    capacity_bytes: usize,
    /// Oldest first. A handful of boards are read at a time, so a scan is cheaper than a map.
    entries: Mutex<VecDeque<Entry>>,
}

impl StateV2Cache {
    pub fn new(capacity_bytes: usize) -> Self {
        Self {
            capacity_bytes,
            entries: Mutex::new(VecDeque::new()),
        }
    }

    /// The v2 state kept for `board_id` under exactly `entity_tag`, if any.
    pub fn get(&self, board_id: &str, entity_tag: &str) -> Option<Bytes> {
        let entries = self.entries.lock().ok()?;
        entries
            .iter()
            .find(|entry| entry.board_id == board_id && entry.entity_tag == entity_tag)
            .map(|entry| entry.v2_state.clone())
    }

    /// Keeps `v2_state` as the board's latest, dropping its older one and, past the bound, the
    /// oldest entries. A state larger than the whole bound is not kept.
    pub fn insert(&self, board_id: &str, entity_tag: &str, v2_state: Bytes) {
        if v2_state.len() > self.capacity_bytes {
            return;
        }
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        entries.retain(|entry| entry.board_id != board_id);
        let mut held: usize = entries.iter().map(|entry| entry.v2_state.len()).sum();
        while held + v2_state.len() > self.capacity_bytes {
            match entries.pop_front() {
                Some(oldest) => held -= oldest.v2_state.len(),
                None => break,
            }
        }
        entries.push_back(Entry {
            board_id: board_id.to_owned(),
            entity_tag: entity_tag.to_owned(),
            v2_state,
        });
    }

    /// Bytes held now (for tests).
    pub fn held_bytes(&self) -> usize {
        self.entries
            .lock()
            .map(|entries| entries.iter().map(|entry| entry.v2_state.len()).sum())
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(length: usize) -> Bytes {
        Bytes::from(vec![7u8; length])
    }

    #[test]
    fn a_state_is_found_only_under_its_own_board_and_tag() {
        let cache = StateV2Cache::new(1000);
        cache.insert("board-a", "\"one\"", state(10));
        assert_eq!(cache.get("board-a", "\"one\""), Some(state(10)));
        assert_eq!(cache.get("board-a", "\"two\""), None);
        assert_eq!(cache.get("board-b", "\"one\""), None);
    }

    #[test]
    fn a_boards_newer_state_replaces_its_older_one() {
        let cache = StateV2Cache::new(1000);
        cache.insert("board-a", "\"one\"", state(10));
        cache.insert("board-a", "\"two\"", state(20));
        assert_eq!(cache.get("board-a", "\"one\""), None);
        assert_eq!(cache.get("board-a", "\"two\""), Some(state(20)));
        assert_eq!(cache.held_bytes(), 20);
    }

    #[test]
    fn the_oldest_boards_leave_first_and_the_bound_holds() {
        let cache = StateV2Cache::new(100);
        cache.insert("board-a", "\"a\"", state(40));
        cache.insert("board-b", "\"b\"", state(40));
        cache.insert("board-c", "\"c\"", state(40));
        assert_eq!(cache.get("board-a", "\"a\""), None);
        assert!(cache.get("board-b", "\"b\"").is_some());
        assert!(cache.get("board-c", "\"c\"").is_some());
        assert!(cache.held_bytes() <= 100);
        // A state larger than the whole cache is answered but not kept.
        cache.insert("board-d", "\"d\"", state(101));
        assert_eq!(cache.get("board-d", "\"d\""), None);
        assert!(cache.held_bytes() <= 100);
    }
}
