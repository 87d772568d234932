//! An in-memory [`BoardStore`] for unit tests of the sync core.

use std::collections::HashMap;
use std::sync::Mutex;

use super::{AppendRequest, BoardStore, StoreError, StoredBoard};

#[derive(Default)]
pub struct MemoryStore {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    next_id: i64,
    boards: HashMap<String, Board>,
}

/// The compacted state, and the log of `(update id, update)` after it.
type Board = (Option<Vec<u8>>, Vec<(i64, Vec<u8>)>);

impl BoardStore for MemoryStore {
    fn load(&self, board_id: &str) -> Result<StoredBoard, StoreError> {
        let inner = self.inner.lock().map_err(|_| StoreError::Closed)?;
        let Some((state, log)) = inner.boards.get(board_id) else {
            return Ok(StoredBoard::default());
        };
        Ok(StoredBoard {
            state: state.clone(),
            updates: log.iter().map(|(_, bytes)| bytes.clone()).collect(),
            last_update_id: log.last().map_or(0, |(id, _)| *id),
        })
    }

    fn append(&self, requests: &[AppendRequest<'_>]) -> Result<Vec<i64>, StoreError> {
        let mut inner = self.inner.lock().map_err(|_| StoreError::Closed)?;
        let mut last_ids = Vec::with_capacity(requests.len());
        for request in requests {
            let mut last = 0;
            for update in request.updates {
                inner.next_id += 1;
                last = inner.next_id;
                inner
                    .boards
                    .entry(request.board_id.to_owned())
                    .or_default()
                    .1
                    .push((last, update.to_vec()));
            }
            last_ids.push(last);
        }
        Ok(last_ids)
    }

    fn compact(
        &self,
        board_id: &str,
        state: &[u8],
        through_update_id: i64,
    ) -> Result<(), StoreError> {
        let mut inner = self.inner.lock().map_err(|_| StoreError::Closed)?;
        let board = inner.boards.entry(board_id.to_owned()).or_default();
        board.0 = Some(state.to_vec());
        board.1.retain(|(id, _)| *id > through_update_id);
        Ok(())
    }

    fn delete(&self, board_id: &str) -> Result<(), StoreError> {
        let mut inner = self.inner.lock().map_err(|_| StoreError::Closed)?;
        inner.boards.remove(board_id);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn memory_store_keeps_the_store_contract() {
        super::super::contract::check_store(&super::MemoryStore::default());
    }
}
