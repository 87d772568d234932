//! The notice every member of a board sees after the facilitator restores a snapshot: who did
//! it, which snapshot, and the automatic "before restoring" snapshot that undoes it. The server
//! writes it into `meta.lastRestore` in the same transaction as the restore itself.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use yrs::Any;

/// Keys of the plain Yjs object stored in `meta.lastRestore` (written only by the server).
pub mod key {
    pub const RESTORED_SNAPSHOT_NAME: &str = "restoredSnapshotName";
    pub const RESTORED_BY: &str = "restoredBy";
    pub const UNDO_SNAPSHOT_ID: &str = "undoSnapshotId";
    pub const UNDO_SNAPSHOT_NAME: &str = "undoSnapshotName";
    pub const RESTORED_AT: &str = "restoredAt";
}

/// The last restore of a board, as `meta.lastRestore` holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RestoreNotice {
    /// The name of the snapshot whose content the board now holds.
    pub restored_snapshot_name: String,
    /// The display name the facilitator gave, empty when none was given.
    pub restored_by: String,
    /// The snapshot of the board as it was just before; restoring it undoes the restore.
    pub undo_snapshot_id: String,
    pub undo_snapshot_name: String,
    /// Unix milliseconds.
    pub restored_at: i64,
}

impl RestoreNotice {
    /// The value the server writes into `meta.lastRestore`.
    pub fn to_any(&self) -> Any {
        let fields: std::collections::HashMap<String, Any> = [
            (
                key::RESTORED_SNAPSHOT_NAME,
                Any::from(self.restored_snapshot_name.as_str()),
            ),
            (key::RESTORED_BY, Any::from(self.restored_by.as_str())),
            (
                key::UNDO_SNAPSHOT_ID,
                Any::from(self.undo_snapshot_id.as_str()),
            ),
            (
                key::UNDO_SNAPSHOT_NAME,
                Any::from(self.undo_snapshot_name.as_str()),
            ),
            // Yjs numbers are doubles; milliseconds since 1970 fit one exactly.
            (key::RESTORED_AT, Any::from(self.restored_at as f64)),
        ]
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value))
        .collect();
        Any::from(fields)
    }

    /// Reads `meta.lastRestore`; anything not in the shape the server writes reads as none.
    pub fn from_any(value: &Any) -> Option<RestoreNotice> {
        let Any::Map(fields) = value else {
            return None;
        };
        let text = |name: &str| match fields.get(name) {
            Some(Any::String(text)) => Some(text.to_string()),
            _ => None,
        };
        let restored_at = match fields.get(key::RESTORED_AT) {
            Some(Any::Number(number)) => number.as_i64()?,
            _ => return None,
        };
        Some(RestoreNotice {
            restored_snapshot_name: text(key::RESTORED_SNAPSHOT_NAME)?,
            restored_by: text(key::RESTORED_BY).unwrap_or_default(),
            undo_snapshot_id: text(key::UNDO_SNAPSHOT_ID)?,
            undo_snapshot_name: text(key::UNDO_SNAPSHOT_NAME).unwrap_or_default(),
            restored_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notice_reads_back_as_written_and_anything_else_reads_as_none() {
        let notice = RestoreNotice {
            restored_snapshot_name: "Päivän 1 loppu".into(),
            restored_by: "Kaisa".into(),
            undo_snapshot_id: "abc".into(),
            undo_snapshot_name: "Ennen palautusta ”Päivän 1 loppu”".into(),
            restored_at: 1_764_000_000_123,
        };
        assert_eq!(RestoreNotice::from_any(&notice.to_any()), Some(notice));
        assert_eq!(RestoreNotice::from_any(&Any::from("not a notice")), None);
    }
}
