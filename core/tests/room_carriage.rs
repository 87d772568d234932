//! Rooms of one board on several nodes, driven by hand: a shared log numbered 1, 2, 3… as
//! PostgreSQL numbers it, relayed batches the test delivers, drops or repeats as it likes (as
//! Redis might), and fetches answered from the log. Checks that every node applies the log in
//! order, once, fills gaps from the log, and relays awareness without echoing it back.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use kartta_core::testing::{written_value, ValueWriter};
use kartta_core::{
    BoardLookup, CarriageSettings, Command, Effect, Input, LoadedBoard, LogTail, Replies,
    RoomLifecycle, RoomLimits, RoomSettings,
};
use kartta_protocol::api::Role;
use kartta_protocol::codec::{self, decode_frame, DecodeLimits, Message};
use yrs::updates::decoder::Decode;
use yrs::{Doc, ReadTxn, Transact, Update};

const GAP_GRACE: Duration = Duration::from_millis(100);
const CATCH_UP_EVERY: Duration = Duration::from_secs(5);

struct Unanswered;

impl Replies for Unanswered {
    type Handle = ();
    type Joined = ();
    type Done = ();
    type Snapshot = ();
    type View = ();
    type People = ();
}

/// The board's log as PostgreSQL keeps it: a compacted state through some number, and the
/// numbered updates after it.
#[derive(Default)]
struct SharedLog {
    state: Option<(Vec<u8>, i64)>,
    updates: BTreeMap<i64, Bytes>,
    last_seq: i64,
}

impl SharedLog {
    fn append(&mut self, updates: Vec<Bytes>) -> i64 {
        for update in updates {
            self.last_seq += 1;
            self.updates.insert(self.last_seq, update);
        }
        self.last_seq
    }

    /// As `PostgresStore::read_after`: the rows past `after`, and the state when the rows just
    /// past `after` were compacted away.
    fn read_after(&self, after: i64) -> LogTail {
        let state = self
            .state
            .as_ref()
            .filter(|(_, through)| *through > after)
            .cloned();
        let from = state.as_ref().map_or(after, |(_, through)| *through);
        LogTail {
            state,
            updates: self
                .updates
                .range(from + 1..)
                .map(|(seq, update)| (*seq, update.clone()))
                .collect(),
        }
    }

    fn compact(&mut self, state: Vec<u8>, through: i64) {
        if self.state.as_ref().is_none_or(|(_, old)| *old <= through) {
            self.state = Some((state, through));
        }
        self.updates.retain(|seq, _| *seq > through);
    }

    fn load(&self) -> LoadedBoard {
        LoadedBoard {
            state: self.state.as_ref().map(|(state, _)| state.clone()),
            updates: self
                .updates
                .values()
                .map(|update| update.to_vec())
                .collect(),
            last_update_id: self.last_seq,
            locked: false,
        }
    }
}

/// A relayed batch: numbered from `first_seq`.
type Relayed = (i64, Vec<Bytes>);

/// One node's room of the board, with one local connection (id 1) whose inbox is kept.
struct Node {
    room: RoomLifecycle<Unanswered>,
    log: Rc<RefCell<SharedLog>>,
    now: Instant,
    inbox: Vec<Bytes>,
    /// What this node published, for the test to deliver elsewhere.
    published: Vec<Relayed>,
    published_awareness: Vec<Bytes>,
    fetches: Vec<i64>,
    /// When false, fetches are answered only by `answer_fetch`.
    answer_fetches: bool,
    fetch_waiting: Option<i64>,
}

fn settings(compact_after_updates: usize) -> RoomSettings {
    RoomSettings {
        limits: RoomLimits::default(),
        idle_unload_after: Duration::from_secs(300),
        compact_after_updates,
        awareness_window: Duration::from_millis(25),
    }
}

impl Node {
    fn start(log: &Rc<RefCell<SharedLog>>, compact_after_updates: usize) -> Node {
        let now = Instant::now();
        let board = log.borrow().load();
        let mut room = RoomLifecycle::start(
            BoardLookup::Found(board),
            settings(compact_after_updates),
            now,
        )
        .expect("the board loads");
        room.carry(
            CarriageSettings {
                gap_grace: GAP_GRACE,
                catch_up_every: CATCH_UP_EVERY,
            },
            now,
        );
        let mut node = Node {
            room,
            log: log.clone(),
            now,
            inbox: Vec::new(),
            published: Vec::new(),
            published_awareness: Vec::new(),
            fetches: Vec::new(),
            answer_fetches: true,
            fetch_waiting: None,
        };
        node.step(Input::Commands(vec![Command::Join {
            connection: 1,
            role: Role::Participant,
            handle: (),
            joined: (),
        }]));
        node.inbox.clear();
        node
    }

    fn step(&mut self, input: Input<Unanswered>) {
        for effect in self.room.step(input, self.now) {
            self.perform(effect);
        }
    }

    fn perform(&mut self, effect: Effect<Unanswered>) {
        match effect {
            Effect::Broadcast { message } | Effect::Send { message, .. } => {
                self.inbox.push(message)
            }
            Effect::Persist { updates } => {
                let last_update_id = self.log.borrow_mut().append(updates);
                self.step(Input::Stored { last_update_id });
            }
            Effect::Compact {
                state,
                through_update_id,
            } => {
                self.log.borrow_mut().compact(state, through_update_id);
                self.step(Input::Compacted);
            }
            Effect::Publish { first_seq, updates } => self.published.push((first_seq, updates)),
            Effect::PublishAwareness { message } => self.published_awareness.push(message),
            Effect::Fetch { after_seq } => {
                self.fetches.push(after_seq);
                if self.answer_fetches {
                    let tail = self.log.borrow().read_after(after_seq);
                    self.step(Input::Fetched(tail));
                } else {
                    self.fetch_waiting = Some(after_seq);
                }
            }
            _ => {}
        }
    }

    fn answer_fetch(&mut self) {
        let after = self.fetch_waiting.take().expect("a fetch is out");
        let tail = self.log.borrow().read_after(after);
        self.step(Input::Fetched(tail));
    }

    /// The local client writes `value`.
    fn write(&mut self, writer: &ValueWriter, value: i64) {
        self.step(Input::Commands(vec![Command::Messages {
            connection: 1,
            messages: vec![writer.set(value)],
        }]));
    }

    fn receive(&mut self, (first_seq, updates): Relayed) {
        self.step(Input::Remote { first_seq, updates });
    }

    fn advance(&mut self, by: Duration) {
        self.now += by;
        self.step(Input::Tick);
    }

    /// The value the local client's document shows, built from what it was sent.
    fn client_value(&self) -> Option<i64> {
        written_value(&doc_of(&self.sent_updates()))
    }

    fn sent_updates(&self) -> Vec<Bytes> {
        self.inbox
            .iter()
            .flat_map(|frame| decode_frame(frame, &DecodeLimits::default()).unwrap())
            .filter_map(|message| match message {
                Message::Update(update) | Message::SyncStep2(update) => Some(update),
                _ => None,
            })
            .collect()
    }

    fn room_value(&self) -> Option<i64> {
        written_value(self.room.sync_core().doc())
    }
}

fn doc_of(updates: &[Bytes]) -> Doc {
    let doc = Doc::new();
    let mut txn = doc.transact_mut();
    for update in updates {
        txn.apply_update(Update::decode_v1(update).unwrap())
            .unwrap();
    }
    drop(txn);
    doc
}

fn shared_log() -> Rc<RefCell<SharedLog>> {
    Rc::new(RefCell::new(SharedLog::default()))
}

/// Two nodes serving one board on one shared log, each compacting after `compact_after_updates`.
fn two_nodes(compact_after_updates: usize) -> (Rc<RefCell<SharedLog>>, Node, Node) {
    let log = shared_log();
    let first = Node::start(&log, compact_after_updates);
    let second = Node::start(&log, compact_after_updates);
    (log, first, second)
}

#[test]
fn relayed_updates_are_applied_in_order_and_a_duplicate_is_dropped() {
    let (log, mut first, mut second) = two_nodes(2000);
    let writer = ValueWriter::new();
    first.write(&writer, 1);
    first.write(&writer, 2);
    assert_eq!(
        first
            .published
            .iter()
            .map(|(seq, _)| *seq)
            .collect::<Vec<_>>(),
        vec![1, 2],
        "each stored batch is published with its number"
    );
    let relayed = first.published.clone();
    second.receive(relayed[0].clone());
    assert_eq!(second.client_value(), Some(1));
    second.receive(relayed[1].clone());
    assert_eq!(second.client_value(), Some(2));
    let delivered = second.inbox.len();
    second.receive(relayed[1].clone());
    assert_eq!(
        second.inbox.len(),
        delivered,
        "a duplicate is not delivered"
    );
    assert!(second.fetches.is_empty(), "no gap, no read of the log");
    assert!(
        second.published.is_empty(),
        "what another node stored is neither stored nor relayed again"
    );
    assert_eq!(log.borrow().last_seq, 2);
}

#[test]
fn a_gap_is_read_from_the_log_and_the_updates_kept_behind_it_follow_in_order() {
    let (_log, mut first, mut second) = two_nodes(2000);
    second.answer_fetches = false;
    let writer = ValueWriter::new();
    for value in 1..=3 {
        first.write(&writer, value);
    }
    let relayed = first.published.clone();
    second.receive(relayed[0].clone());
    // Number 2 is lost on the way; 3 must wait for it.
    second.receive(relayed[2].clone());
    assert_eq!(second.client_value(), Some(1), "3 is not applied before 2");
    assert!(
        second.fetches.is_empty(),
        "the relay gets a moment to close the gap"
    );
    second.advance(GAP_GRACE);
    assert_eq!(
        second.fetches,
        vec![1],
        "the log is read past what the room holds"
    );
    second.answer_fetch();
    assert_eq!(second.client_value(), Some(3));
    assert_eq!(second.room_value(), Some(3));
    // The updates arrived once each: 1 relayed, then 2 and 3 from the log in one message.
    assert_eq!(second.sent_updates().len(), 2);
    second.receive(relayed[1].clone());
    assert_eq!(
        second.sent_updates().len(),
        2,
        "2 came late: a duplicate now"
    );
}

#[test]
fn a_gap_closed_by_the_relay_within_the_grace_time_reads_nothing() {
    let (_log, mut first, mut second) = two_nodes(2000);
    let writer = ValueWriter::new();
    first.write(&writer, 1);
    first.write(&writer, 2);
    let relayed = first.published.clone();
    second.receive(relayed[1].clone());
    second.receive(relayed[0].clone());
    second.advance(GAP_GRACE * 2);
    assert!(second.fetches.is_empty());
    assert_eq!(second.client_value(), Some(2));
}

#[test]
fn a_node_whose_own_write_overtook_another_compacts_only_what_it_holds() {
    let (log, mut first, mut second) = two_nodes(2);
    second.answer_fetches = false;
    let first_writer = ValueWriter::new();
    let second_writer = ValueWriter::new();
    // First stores 1; before its relay arrives, second stores 2 and 3 (and its threshold of
    // two logged updates is reached).
    first.write(&first_writer, 10);
    second.write(&second_writer, 20);
    second.write(&second_writer, 30);
    assert_eq!(
        second
            .published
            .iter()
            .map(|(seq, _)| *seq)
            .collect::<Vec<_>>(),
        vec![2, 3]
    );
    assert!(
        log.borrow().updates.contains_key(&1),
        "second's document lacks 1: the log keeps it"
    );
    second.receive(first.published[0].clone());
    second.write(&second_writer, 40);
    // Now second holds 1 to 4 and compacts them: storage alone shows the whole board.
    assert!(log
        .borrow()
        .state
        .as_ref()
        .is_some_and(|(_, through)| *through == 4));
    let stored = {
        let log = log.borrow();
        let mut updates: Vec<Bytes> = vec![Bytes::from(log.state.clone().unwrap().0)];
        updates.extend(log.updates.values().cloned());
        doc_of(&updates)
    };
    assert_eq!(
        stored.transact().state_vector(),
        second.room.sync_core().doc().transact().state_vector(),
        "the compacted state holds every update of 1 to 4"
    );
}

#[test]
fn a_gap_another_node_compacted_away_is_filled_from_its_state() {
    let (log, mut first, mut second) = two_nodes(3);
    let writer = ValueWriter::new();
    for value in 1..=4 {
        first.write(&writer, value);
    }
    // First compacted after three updates: rows 1-3 are gone, 4 is in the log.
    assert!(log
        .borrow()
        .state
        .as_ref()
        .is_some_and(|(_, through)| *through == 3));
    assert!(!log.borrow().updates.contains_key(&2));
    // Second heard nothing of it (Redis was away) and is told to catch up when it is back.
    second.step(Input::CatchUp);
    assert_eq!(second.fetches, vec![0]);
    assert_eq!(second.client_value(), Some(4));
    // Later relays continue the sequence.
    first.write(&writer, 5);
    second.receive(first.published.last().unwrap().clone());
    assert_eq!(second.client_value(), Some(5));
    assert_eq!(second.fetches.len(), 1);
}

#[test]
fn the_log_is_read_now_and_then_even_without_a_known_gap() {
    let (_log, mut first, mut second) = two_nodes(2000);
    let writer = ValueWriter::new();
    first.write(&writer, 7);
    // The only relay is lost and nothing follows it.
    second.advance(CATCH_UP_EVERY - Duration::from_millis(1));
    assert!(second.fetches.is_empty());
    second.advance(Duration::from_millis(1));
    assert_eq!(second.fetches, vec![0]);
    assert_eq!(second.client_value(), Some(7));
}

#[test]
fn awareness_travels_to_other_nodes_once_and_is_not_echoed_back() {
    let (log, mut first, mut second) = two_nodes(2000);
    let cursor = codec::encode_awareness([(77, 1, br#"{"user":{"name":"Aino"}}"#.as_slice())]);
    let messages = decode_frame(&Bytes::from(cursor), &DecodeLimits::default()).unwrap();
    first.step(Input::Commands(vec![Command::Messages {
        connection: 1,
        messages,
    }]));
    assert_eq!(first.published_awareness.len(), 1);
    let relayed = decode_frame(&first.published_awareness[0], &DecodeLimits::default()).unwrap();
    let [Message::Awareness(update)] = relayed.as_slice() else {
        panic!("one awareness message: {relayed:?}")
    };
    second.step(Input::RemoteAwareness {
        node_id: 1,
        entries: update.entries.clone(),
    });
    let seen: Vec<Message> = second
        .inbox
        .iter()
        .flat_map(|frame| decode_frame(frame, &DecodeLimits::default()).unwrap())
        .collect();
    assert!(
        seen.iter()
            .any(|message| matches!(message, Message::Awareness(update)
            if update.entries.iter().any(|entry| entry.client_id == 77))),
        "the second node's client sees the first's cursor"
    );
    assert!(
        second.published_awareness.is_empty(),
        "a relayed state is not relayed again"
    );
    // A node that begins serving the board asks; the second answers with its own states only.
    second.step(Input::AwarenessQueried);
    assert!(second.published_awareness.is_empty());
    first.step(Input::AwarenessQueried);
    assert_eq!(first.published_awareness.len(), 2);
    // A room that ends with its connections (the server stopping) removes their presence from
    // the other nodes at once.
    first.published_awareness.clear();
    first.step(Input::Shutdown);
    let removal = decode_frame(&first.published_awareness[0], &DecodeLimits::default()).unwrap();
    assert!(
        matches!(removal.as_slice(), [Message::Awareness(update)]
            if update.entries.iter().any(|entry| entry.client_id == 77 && entry.is_removal())),
        "the stopping node's presence is removed: {removal:?}"
    );
    let first = &mut Node::start(&log, 2000);
    first.step(Input::Commands(vec![Command::Messages {
        connection: 1,
        messages: decode_frame(
            &Bytes::from(codec::encode_awareness([(77, 9, br#"{"a":1}"#.as_slice())])),
            &DecodeLimits::default(),
        )
        .unwrap(),
    }]));
    // A client of the first node leaving: its removal travels to the second node.
    first.step(Input::Commands(vec![Command::Leave { connection: 1 }]));
    let removal = decode_frame(
        first.published_awareness.last().unwrap(),
        &DecodeLimits::default(),
    )
    .unwrap();
    assert!(
        matches!(removal.as_slice(), [Message::Awareness(update)]
            if update.entries.iter().any(|entry| entry.client_id == 77 && entry.is_removal())),
        "the leave is relayed: {removal:?}"
    );
    // A remote state not renewed expires like a local one (its node may have died).
    second.inbox.clear();
    second.advance(Duration::from_secs(40));
    let removed = second
        .inbox
        .iter()
        .flat_map(|frame| decode_frame(frame, &DecodeLimits::default()).unwrap())
        .any(|message| {
            matches!(message, Message::Awareness(update)
            if update.entries.iter().any(|entry| entry.client_id == 77 && entry.is_removal()))
        });
    assert!(removed, "the vanished node's cursor is removed");
    assert!(second.room.sync_core().people().is_empty());
}

/// Awareness entries of one message in a node's inbox, as (client id, clock, removed).
fn awareness_entries(inbox: &[Bytes]) -> Vec<(u64, u32, bool)> {
    inbox
        .iter()
        .flat_map(|frame| decode_frame(frame, &DecodeLimits::default()).unwrap())
        .flat_map(|message| match message {
            Message::Awareness(update) => update
                .entries
                .iter()
                .map(|entry| (entry.client_id, entry.clock, entry.is_removal()))
                .collect(),
            _ => Vec::new(),
        })
        .collect()
}

#[test]
fn a_gone_nodes_presence_is_removed_at_once_and_only_its_own() {
    let log = shared_log();
    let mut node = Node::start(&log, 2000);
    let relayed = |client_id: u64, clock: u32, name: &str| {
        let state = format!(r#"{{"user":{{"name":"{name}"}}}}"#);
        let frame = codec::encode_awareness([(client_id, clock, state.as_bytes())]);
        match decode_frame(&Bytes::from(frame), &DecodeLimits::default())
            .unwrap()
            .pop()
        {
            Some(Message::Awareness(update)) => update.entries,
            other => panic!("{other:?}"),
        }
    };
    node.step(Input::RemoteAwareness {
        node_id: 1,
        entries: relayed(77, 4, "Aino"),
    });
    node.step(Input::RemoteAwareness {
        node_id: 3,
        entries: relayed(88, 2, "Bertta"),
    });
    node.inbox.clear();

    // A node nobody heard of holds nothing here: nothing is sent.
    node.step(Input::RemoteNodeGone { node_id: 5 });
    assert!(node.inbox.is_empty());

    node.step(Input::RemoteNodeGone { node_id: 1 });
    assert_eq!(
        awareness_entries(&node.inbox),
        vec![(77, 5, true)],
        "a removal one past the last clock, as y-protocols removes a client"
    );
    assert!(
        node.published_awareness.is_empty(),
        "each node drops a gone node's states itself; nothing is relayed"
    );
    assert_eq!(node.room.sync_core().people(), vec!["Bertta".to_owned()]);
}
