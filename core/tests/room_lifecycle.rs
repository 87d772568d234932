//! The room's lifecycle driven by hand, without tokio: time is an `Instant` the test moves
//! forward, storage is a list the test appends to (or refuses to), and a connection is the list
//! of messages it was sent.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use bytes::Bytes;
use kartta_core::testing::{
    counted_edit, counted_edits, written_value, ValueWriter, YRS_PANIC_FRAME,
};
use kartta_core::{
    BoardLookup, Command, ConnectionId, Effect, Input, JoinError, LoadedBoard, Replies,
    RoomLifecycle, RoomLimits, RoomSettings, UnloadReason,
};
use kartta_protocol::api::Role;
use kartta_protocol::close::CloseReason;
use kartta_protocol::codec::{decode_frame, DecodeLimits, Message};
use yrs::updates::decoder::Decode;
use yrs::{Doc, ReadTxn, Transact, Update};

const IDLE_UNLOAD_AFTER: Duration = Duration::from_secs(30);

/// Replies are names the test reads back: which command was answered.
struct Named;

impl Replies for Named {
    type Handle = ();
    type Joined = ();
    type Done = &'static str;
    type Snapshot = &'static str;
    type View = &'static str;
    type People = &'static str;
}

/// What the test's storage does with the next write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Storage {
    Confirm,
    Fail,
    /// Keep it waiting until the test calls `confirm_held`.
    Hold,
}

fn settings() -> RoomSettings {
    RoomSettings {
        limits: RoomLimits::default(),
        idle_unload_after: IDLE_UNLOAD_AFTER,
        compact_after_updates: 2000,
        awareness_window: Duration::from_millis(25),
    }
}

/// A room, its storage and its connections, all in memory.
struct Driver {
    room: RoomLifecycle<Named>,
    now: Instant,
    storage: Storage,
    stored_state: Option<Vec<u8>>,
    /// The stored log: update id → update.
    stored_log: BTreeMap<i64, Bytes>,
    next_update_id: i64,
    held_write: Option<Vec<Bytes>>,
    held_compaction: Option<(Vec<u8>, i64)>,
    hold_compactions: bool,
    compactions: usize,
    /// Connections the room accepted and did not close, with what they were sent.
    connected: HashMap<ConnectionId, Vec<Bytes>>,
    closed: HashMap<ConnectionId, CloseReason>,
    refused_joins: Vec<JoinError>,
    answered: Vec<&'static str>,
    unregistered: Option<UnloadReason>,
    /// Every effect, for failure messages.
    trace: Vec<String>,
}

impl Driver {
    fn new(settings: RoomSettings) -> Driver {
        Driver::load(LoadedBoard::default(), settings)
    }

    fn load(board: LoadedBoard, settings: RoomSettings) -> Driver {
        let now = Instant::now();
        let stored_log: BTreeMap<i64, Bytes> = board
            .updates
            .iter()
            .enumerate()
            .map(|(index, update)| (index as i64 + 1, Bytes::from(update.clone())))
            .collect();
        let room = RoomLifecycle::start(BoardLookup::Found(board.clone()), settings, now)
            .expect("the board loads");
        Driver {
            room,
            now,
            storage: Storage::Confirm,
            stored_state: board.state,
            next_update_id: stored_log.len() as i64 + 1,
            stored_log,
            held_write: None,
            held_compaction: None,
            hold_compactions: false,
            compactions: 0,
            connected: HashMap::new(),
            closed: HashMap::new(),
            refused_joins: Vec::new(),
            answered: Vec::new(),
            unregistered: None,
            trace: Vec::new(),
        }
    }

    fn advance(&mut self, by: Duration) {
        self.now += by;
    }

    fn step(&mut self, input: Input<Named>) {
        let effects = self.room.step(input, self.now);
        for effect in effects {
            self.perform(effect);
        }
    }

    fn tick(&mut self) {
        self.step(Input::Tick);
    }

    fn commands(&mut self, commands: Vec<Command<Named>>) {
        self.step(Input::Commands(commands));
    }

    fn join(&mut self, connection: ConnectionId) {
        self.commands(vec![Command::Join {
            connection,
            role: Role::Participant,
            handle: (),
            joined: (),
        }]);
    }

    fn send(&mut self, connection: ConnectionId, message: Message) {
        self.commands(vec![Command::Messages {
            connection,
            messages: vec![message],
        }]);
    }

    fn perform(&mut self, effect: Effect<Named>) {
        self.trace.push(format!("{effect:?}"));
        match effect {
            Effect::Joined {
                connection,
                outcome,
                ..
            } => match outcome {
                Ok(()) => {
                    self.connected.insert(connection, Vec::new());
                }
                Err(error) => self.refused_joins.push(error),
            },
            Effect::Done { reply }
            | Effect::SnapshotTaken { reply, .. }
            | Effect::ViewRead { reply, .. }
            | Effect::PeopleListed { reply, .. } => self.answered.push(reply),
            Effect::Forget { connection } => {
                self.connected.remove(&connection);
            }
            Effect::Send {
                connection,
                message,
            } => {
                if let Some(inbox) = self.connected.get_mut(&connection) {
                    inbox.push(message);
                }
            }
            Effect::Broadcast { message } => {
                for inbox in self.connected.values_mut() {
                    inbox.push(message.clone());
                }
            }
            Effect::Close { connection, reason } => {
                self.connected.remove(&connection);
                self.closed.insert(connection, reason);
            }
            Effect::CloseAll { reason } => {
                for (connection, _) in self.connected.drain() {
                    self.closed.insert(connection, reason);
                }
            }
            Effect::Persist { updates } => match self.storage {
                Storage::Confirm => {
                    let last_update_id = self.append(updates);
                    self.step(Input::Stored { last_update_id });
                }
                Storage::Fail => self.step(Input::StoreFailed),
                Storage::Hold => self.held_write = Some(updates),
            },
            Effect::Compact {
                state,
                through_update_id,
            } => {
                if self.hold_compactions {
                    self.held_compaction = Some((state, through_update_id));
                } else {
                    self.compact(state, through_update_id);
                }
            }
            Effect::Unregister { reason } => self.unregistered = Some(reason),
            // Only a room serving its board with other nodes asks for these (tests/room_carriage.rs).
            Effect::Publish { .. }
            | Effect::PublishAwareness { .. }
            | Effect::QueryAwareness
            | Effect::Fetch { .. } => panic!("a room of one node relays nothing"),
            Effect::Log(_) => {}
        }
    }

    fn append(&mut self, updates: Vec<Bytes>) -> i64 {
        for update in updates {
            self.stored_log.insert(self.next_update_id, update);
            self.next_update_id += 1;
        }
        self.next_update_id - 1
    }

    fn compact(&mut self, state: Vec<u8>, through_update_id: i64) {
        self.stored_state = Some(state);
        self.stored_log.retain(|id, _| *id > through_update_id);
        self.compactions += 1;
        self.step(Input::Compacted);
    }

    fn confirm_held_write(&mut self) {
        let updates = self.held_write.take().expect("a write is waiting");
        let last_update_id = self.append(updates);
        self.step(Input::Stored { last_update_id });
    }

    fn finish_held_compaction(&mut self) {
        let (state, through) = self
            .held_compaction
            .take()
            .expect("a compaction is waiting");
        self.compact(state, through);
    }

    fn stored_bytes(&self) -> usize {
        self.stored_state.as_ref().map_or(0, Vec::len)
            + self.stored_log.values().map(Bytes::len).sum::<usize>()
    }

    /// The board as storage holds it now.
    fn stored_doc(&self) -> Doc {
        let doc = Doc::new();
        let mut txn = doc.transact_mut();
        let stored = self
            .stored_state
            .iter()
            .map(Vec::as_slice)
            .chain(self.stored_log.values().map(|update| update.as_ref()));
        for bytes in stored {
            txn.apply_update(Update::decode_v1(bytes).unwrap()).unwrap();
        }
        drop(txn);
        doc
    }

    /// The document updates `connection` was sent.
    fn updates_sent_to(&self, connection: ConnectionId) -> Vec<Bytes> {
        self.connected
            .get(&connection)
            .into_iter()
            .flatten()
            .flat_map(|frame| decode_frame(frame, &DecodeLimits::default()).unwrap())
            .filter_map(|message| match message {
                Message::Update(update) | Message::SyncStep2(update) => Some(update),
                _ => None,
            })
            .collect()
    }

    /// Every update any connection was sent is already in storage: applying it to the stored
    /// board changes nothing.
    fn assert_everything_delivered_is_stored(&self) {
        let stored = self.stored_doc();
        let stored_vector = stored.transact().state_vector();
        for connection in self.connected.keys() {
            for update in self.updates_sent_to(*connection) {
                let copy = self.stored_doc();
                copy.transact_mut()
                    .apply_update(Update::decode_v1(&update).unwrap())
                    .unwrap();
                let txn = copy.transact();
                assert_eq!(
                    txn.state_vector(),
                    stored_vector,
                    "connection {connection} was sent an update storage lacks"
                );
                assert!(!txn.has_missing_updates());
            }
        }
    }

    fn stored_value(&self) -> Option<i64> {
        written_value(&self.stored_doc())
    }

    /// Long past the idle time, at shutdown and when someone still joins, an ended room stores
    /// and compacts nothing: the late join is refused as `refusal`.
    fn assert_ended_for_good(&mut self, refusal: JoinError) {
        self.trace.clear();
        self.refused_joins.clear();
        self.advance(IDLE_UNLOAD_AFTER * 3);
        self.tick();
        self.step(Input::Shutdown);
        self.join(99);
        assert_eq!(self.refused_joins, vec![refusal]);
        assert!(
            !self.has_effect("Compact") && !self.has_effect("Persist"),
            "{:?}",
            self.trace
        );
    }

    fn has_effect(&self, prefix: &str) -> bool {
        self.trace.iter().any(|effect| effect.starts_with(prefix))
    }
}

/// A client's update and a server edit in one batch.
fn update_and_edit(writer: &ValueWriter, value: i64) -> Vec<Command<Named>> {
    vec![
        Command::Messages {
            connection: 1,
            messages: vec![writer.set(value)],
        },
        Command::Edit {
            change: counted_edit(),
            done: "edit",
        },
    ]
}

#[test]
fn nothing_is_delivered_before_the_store_confirms() {
    let mut d = Driver::new(settings());
    d.join(1);
    d.join(2);
    d.storage = Storage::Hold;
    let writer = ValueWriter::new();
    d.connected.values_mut().for_each(Vec::clear);
    d.send(1, writer.set(1));
    assert!(d.held_write.is_some(), "the batch went to storage");
    assert!(d.updates_sent_to(1).is_empty() && d.updates_sent_to(2).is_empty());
    assert_eq!(
        d.room.next_wake(),
        None,
        "no timer runs while storage works"
    );
    // Commands that arrive meanwhile wait, so their updates cannot overtake the held ones.
    d.send(2, ValueWriter::new().set(2));
    d.commands(vec![Command::Snapshot { state: "snapshot" }]);
    d.advance(Duration::from_secs(60));
    d.tick();
    assert!(d.updates_sent_to(2).is_empty());
    assert!(d.answered.is_empty(), "a snapshot waits for storage too");

    d.confirm_held_write();
    assert_eq!(d.updates_sent_to(2).len(), 1);
    d.assert_everything_delivered_is_stored();
    // Now the waiting batch runs, and waits for storage in turn.
    assert!(d.held_write.is_some());
    d.confirm_held_write();
    assert_eq!(d.updates_sent_to(1).len(), 2);
    assert_eq!(d.answered, vec!["snapshot"]);
    d.assert_everything_delivered_is_stored();
    assert_eq!(d.stored_log.len(), 2);
}

#[test]
fn a_failed_write_closes_everyone_with_1011_and_delivers_nothing_of_its_batch() {
    let mut d = Driver::new(RoomSettings {
        compact_after_updates: 1,
        ..settings()
    });
    d.join(1);
    d.join(2);
    let writer = ValueWriter::new();
    d.storage = Storage::Hold;
    d.send(1, writer.set(1));
    d.confirm_held_write();
    let compactions_before = d.compactions;
    d.storage = Storage::Fail;
    d.commands(update_and_edit(&writer, 2));
    assert_eq!(d.closed.get(&1), Some(&CloseReason::InternalError));
    assert_eq!(d.closed.get(&2), Some(&CloseReason::InternalError));
    assert_eq!(d.unregistered, Some(UnloadReason::StorageFailed));
    assert!(d.room.has_ended());
    assert!(
        d.answered.is_empty(),
        "an edit that was not stored is not answered"
    );
    assert_eq!(
        d.compactions, compactions_before,
        "a suspect room never compacts"
    );
    assert_eq!(d.stored_value(), Some(1));
    d.assert_everything_delivered_is_stored();
    d.assert_ended_for_good(JoinError::Refused(CloseReason::InternalError));
}

#[test]
fn compaction_resets_the_board_size_to_the_stored_size() {
    const LIMIT: usize = 4000;
    let mut d = Driver::new(RoomSettings {
        limits: RoomLimits {
            max_board_bytes: LIMIT,
            ..RoomLimits::default()
        },
        compact_after_updates: 20,
        ..settings()
    });
    d.join(1);
    let writer = ValueWriter::new();
    let mut traffic = 0;
    for value in 0..1000 {
        let compactions_before = d.compactions;
        // Ten updates per batch, as people typing make them.
        let messages: Vec<Message> = (0..10).map(|i| writer.set(value * 10 + i)).collect();
        traffic += messages
            .iter()
            .map(|message| match message {
                Message::Update(update) => update.len(),
                _ => 0,
            })
            .sum::<usize>();
        d.commands(vec![Command::Messages {
            connection: 1,
            messages,
        }]);
        if d.compactions > compactions_before {
            assert!(
                d.stored_log.is_empty(),
                "the compaction reached the newest update"
            );
            assert_eq!(d.room.board_bytes(), d.stored_bytes());
        }
    }
    assert!(
        traffic > 5 * LIMIT,
        "far more than the limit was written: {traffic}"
    );
    assert!(d.closed.is_empty(), "no update was refused: {:?}", d.closed);
    assert!(d.compactions >= 1000 * 10 / 20 - 1);
    assert!(d.stored_bytes() < LIMIT);
    assert_eq!(d.stored_value(), Some(9999));
}

#[test]
fn a_failed_compaction_keeps_the_log_and_the_board_size() {
    let mut d = Driver::new(RoomSettings {
        compact_after_updates: 2,
        ..settings()
    });
    d.join(1);
    d.hold_compactions = true;
    let writer = ValueWriter::new();
    d.send(1, writer.set(1));
    d.send(1, writer.set(2));
    assert!(d.held_compaction.is_some());
    let size = d.room.board_bytes();
    d.held_compaction = None;
    d.step(Input::CompactionFailed);
    assert_eq!(d.room.board_bytes(), size);
    assert_eq!(d.stored_log.len(), 2);
    // The log still counts: the next batch tries again.
    d.send(1, writer.set(3));
    assert!(d.held_compaction.is_some());
    d.finish_held_compaction();
    assert!(d.stored_log.is_empty());
    assert_eq!(d.stored_value(), Some(3));
}

#[test]
fn a_deleted_board_ends_at_once_and_nothing_of_its_last_batch_is_stored() {
    let mut d = Driver::new(settings());
    d.join(1);
    let writer = ValueWriter::new();
    d.send(1, writer.set(1));
    assert_eq!(d.stored_log.len(), 1);
    d.trace.clear();
    let mut last_batch = update_and_edit(&writer, 2);
    last_batch.push(Command::Delete { done: "deleted" });
    d.commands(last_batch);
    assert!(!d.has_effect("Persist"), "{:?}", d.trace);
    assert_eq!(d.closed.get(&1), Some(&CloseReason::InvalidBoard));
    assert_eq!(d.answered, vec!["deleted"]);
    assert_eq!(d.unregistered, Some(UnloadReason::Deleted));
    assert!(d.room.has_ended());
    d.assert_ended_for_good(JoinError::Refused(CloseReason::InvalidBoard));
    assert_eq!(d.compactions, 0);
    assert_eq!(d.stored_value(), Some(1));
}

#[test]
fn a_board_the_catalog_does_not_know_is_never_loaded_and_a_stored_one_reloads() {
    let refused = RoomLifecycle::<Named>::start(BoardLookup::Unknown, settings(), Instant::now());
    let Err(reason) = refused else {
        panic!("a room started for an unknown board")
    };
    assert_eq!(reason, UnloadReason::UnknownBoard);
    assert_eq!(
        reason.join_refusal(),
        JoinError::Refused(CloseReason::InvalidBoard)
    );
    let unreadable = RoomLifecycle::<Named>::start(
        BoardLookup::Found(LoadedBoard {
            // One block group declared, then nothing: does not decode.
            updates: vec![vec![1]],
            ..LoadedBoard::default()
        }),
        settings(),
        Instant::now(),
    );
    assert!(matches!(unreadable, Err(UnloadReason::Unreadable(_))));

    // An idle room unloads as `Idle`, whose joiners retry: the next room loads the board again.
    let mut d = Driver::new(settings());
    d.join(1);
    d.send(1, ValueWriter::new().set(5));
    d.commands(vec![Command::Leave { connection: 1 }]);
    d.advance(IDLE_UNLOAD_AFTER);
    d.tick();
    d.tick();
    assert_eq!(d.unregistered, Some(UnloadReason::Idle));
    assert_eq!(UnloadReason::Idle.join_refusal(), JoinError::Retry);
    let reloaded = Driver::load(
        LoadedBoard {
            state: d.stored_state.clone(),
            updates: d
                .stored_log
                .values()
                .map(|update| update.to_vec())
                .collect(),
            last_update_id: d.next_update_id - 1,
            locked: false,
        },
        settings(),
    );
    assert_eq!(reloaded.stored_value(), Some(5));
    assert_eq!(written_value(reloaded.room.sync_core().doc()), Some(5));
}

#[test]
fn an_idle_room_compacts_then_unloads() {
    let mut d = Driver::new(settings());
    d.join(1);
    d.send(1, ValueWriter::new().set(7));
    d.commands(vec![Command::Leave { connection: 1 }]);
    // Ticks up to just before the idle time change nothing.
    for _ in 0..29 {
        d.advance(Duration::from_secs(1));
        d.tick();
    }
    d.advance(Duration::from_millis(999));
    d.tick();
    assert_eq!(d.compactions, 0);
    assert_eq!(d.unregistered, None);
    // Ticks come when the room asks for them.
    let wake = d.room.next_wake().expect("a running room wakes");
    d.now = d.now.max(wake);
    d.tick();
    assert_eq!(d.compactions, 1, "{:?}", d.trace);
    assert!(d.stored_log.is_empty() && d.stored_state.is_some());
    assert_eq!(d.unregistered, None, "compacted while still registered");
    assert_eq!(d.room.next_wake(), Some(d.now), "then unloads at once");
    d.tick();
    assert_eq!(d.unregistered, Some(UnloadReason::Idle));
    assert!(d.room.has_ended());
    d.join(2);
    assert_eq!(d.refused_joins, vec![JoinError::Retry]);
}

#[test]
fn a_join_before_or_during_the_idle_compaction_keeps_the_room() {
    let mut d = Driver::new(settings());
    d.join(1);
    d.send(1, ValueWriter::new().set(7));
    d.commands(vec![Command::Leave { connection: 1 }]);
    d.advance(IDLE_UNLOAD_AFTER / 2);
    d.join(2);
    d.commands(vec![Command::Leave { connection: 2 }]);
    d.advance(IDLE_UNLOAD_AFTER / 2);
    d.tick();
    assert_eq!(d.compactions, 0, "idle counts from the last leave");

    d.hold_compactions = true;
    d.advance(IDLE_UNLOAD_AFTER);
    d.tick();
    assert!(d.held_compaction.is_some());
    // A join queued while the compaction runs is handled before the room may unload.
    d.join(3);
    assert!(!d.connected.contains_key(&3), "it waits for the compaction");
    d.finish_held_compaction();
    assert!(d.connected.contains_key(&3));
    d.tick();
    d.advance(IDLE_UNLOAD_AFTER / 2);
    d.tick();
    assert_eq!(d.unregistered, None);
    assert!(!d.room.has_ended());
}

#[test]
fn shutdown_compacts_then_closes_everyone_with_1001() {
    let mut d = Driver::new(settings());
    d.join(1);
    d.send(1, ValueWriter::new().set(3));
    d.trace.clear();
    d.step(Input::Shutdown);
    assert_eq!(d.unregistered, Some(UnloadReason::Shutdown));
    assert_eq!(d.compactions, 1);
    assert_eq!(d.closed.get(&1), Some(&CloseReason::GoingAway));
    let position = |name: &str| {
        d.trace
            .iter()
            .position(|effect| effect.starts_with(name))
            .unwrap_or_else(|| panic!("no {name} in {:?}", d.trace))
    };
    let (unregister, compact, close) = (
        position("Unregister"),
        position("Compact"),
        position("CloseAll"),
    );
    assert!(unregister < compact && compact < close, "{:?}", d.trace);
    assert!(d.room.has_ended());
}

#[test]
fn a_poisoned_room_answers_the_edits_it_stored_and_unloads_without_compacting() {
    let mut d = Driver::new(RoomSettings {
        limits: RoomLimits {
            refuse_incomplete_updates: false,
            ..RoomLimits::default()
        },
        ..settings()
    });
    d.join(1);
    d.join(2);
    let poison = decode_frame(
        &Bytes::from_static(YRS_PANIC_FRAME),
        &DecodeLimits::default(),
    )
    .unwrap();
    d.commands(vec![
        Command::Edit {
            change: counted_edit(),
            done: "before",
        },
        Command::Messages {
            connection: 1,
            messages: poison,
        },
        Command::Edit {
            change: counted_edit(),
            done: "after",
        },
    ]);
    assert_eq!(
        d.answered,
        vec!["before"],
        "only the stored edit is answered"
    );
    assert_eq!(d.closed.get(&1), Some(&CloseReason::MalformedMessage));
    assert_eq!(d.closed.get(&2), Some(&CloseReason::InternalError));
    assert_eq!(d.unregistered, Some(UnloadReason::Poisoned));
    assert_eq!(d.compactions, 0);
    assert_eq!(counted_edits(&d.stored_doc()), 1);
    d.assert_everything_delivered_is_stored();
}

#[test]
fn a_connection_that_does_not_keep_up_is_closed_and_its_presence_removed() {
    let mut d = Driver::new(settings());
    d.join(1);
    d.join(2);
    let awareness = kartta_protocol::codec::encode_awareness([(9, 1, b"{}".as_slice())]);
    let messages = decode_frame(&Bytes::from(awareness), &DecodeLimits::default()).unwrap();
    d.commands(vec![Command::Messages {
        connection: 2,
        messages,
    }]);
    d.connected.values_mut().for_each(Vec::clear);
    d.step(Input::QueueFull { connection: 2 });
    assert_eq!(d.closed.get(&2), Some(&CloseReason::TooSlow));
    // The removal goes out on the next tick, which the room asks for at once.
    assert_eq!(d.room.next_wake(), Some(d.now));
    d.tick();
    let sent = &d.connected[&1];
    let removal = sent
        .iter()
        .flat_map(|frame| decode_frame(frame, &DecodeLimits::default()).unwrap())
        .find_map(|message| match message {
            Message::Awareness(update) => Some(update),
            _ => None,
        })
        .expect("the others hear that client 9 is gone");
    assert!(removal.entries[0].is_removal());
}

/// A board as today's server writes it but without `meta.schemaVersion`, as boards created
/// before the version existed are stored: one update holding `meta` and a title.
fn unversioned_board_update() -> Vec<u8> {
    use kartta_protocol::schema::{field, root};
    use yrs::{Map, StateVector};
    let doc = Doc::new();
    let meta = doc.get_or_insert_map(root::META);
    let mut txn = doc.transact_mut();
    meta.insert(&mut txn, field::meta::TITLE, "Kumppanuudet");
    meta.insert(&mut txn, field::meta::TEMPLATE, "blank");
    drop(txn);
    let update = doc
        .transact()
        .encode_state_as_update_v1(&StateVector::default());
    update
}

fn stored_schema_version(driver: &Driver) -> Option<u32> {
    kartta_protocol::schema::schema_version(&driver.stored_doc().transact())
}

#[test]
fn an_unversioned_board_stores_its_upgrade_before_the_first_join_is_answered() {
    let board = LoadedBoard {
        updates: vec![unversioned_board_update()],
        last_update_id: 1,
        ..LoadedBoard::default()
    };
    let mut d = Driver::load(board, settings());
    assert_eq!(stored_schema_version(&d), Some(0));
    d.storage = Storage::Hold;
    d.join(1);
    assert_eq!(d.trace, vec!["Persist(1 updates)".to_string()]);
    assert!(
        d.connected.is_empty(),
        "the join waits for the upgrade to be stored"
    );

    d.confirm_held_write();
    assert!(d.connected.contains_key(&1), "{:?}", d.trace);
    assert_eq!(d.stored_log.len(), 2);
    assert_eq!(stored_schema_version(&d), Some(1));
    d.assert_everything_delivered_is_stored();

    // The stored board is current now: loading it again writes nothing.
    let upgraded = LoadedBoard {
        updates: d
            .stored_log
            .values()
            .map(|update| update.to_vec())
            .collect(),
        last_update_id: 2,
        ..LoadedBoard::default()
    };
    let mut again = Driver::load(upgraded, settings());
    again.join(1);
    assert!(again.connected.contains_key(&1), "{:?}", again.trace);
    assert!(!again.has_effect("Persist"), "{:?}", again.trace);
    assert_eq!(again.stored_log.len(), 2);
}

#[test]
fn a_board_of_a_newer_layout_is_served_unchanged_and_the_load_says_so() {
    use kartta_protocol::schema::{field, root};
    use yrs::{Map, StateVector};
    let doc = Doc::new();
    doc.transact_mut()
        .apply_update(Update::decode_v1(&unversioned_board_update()).unwrap())
        .unwrap();
    let meta = doc.get_or_insert_map(root::META);
    meta.insert(&mut doc.transact_mut(), field::meta::SCHEMA_VERSION, 9.0);
    let board = LoadedBoard {
        updates: vec![doc
            .transact()
            .encode_state_as_update_v1(&StateVector::default())],
        last_update_id: 1,
        ..LoadedBoard::default()
    };
    let mut d = Driver::load(board, settings());
    d.join(1);
    assert_eq!(d.trace[0], "Log(NewerSchema { version: 9 })");
    assert!(d.connected.contains_key(&1), "{:?}", d.trace);
    assert!(!d.has_effect("Persist"), "{:?}", d.trace);
    assert_eq!(stored_schema_version(&d), Some(9));
}
