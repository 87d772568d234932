//! Which other nodes are alive, judged from what they relay (`--redis-url`): every node sends a
//! heartbeat every few seconds, and one not heard from for a few of those periods is gone (it
//! was killed, or lost its way to the others). Pure bookkeeping with time passed in: the carriage
//! feeds it what it hears and asks it who is gone; each room then drops the awareness states it
//! holds under that node ([`crate::RoomCore::forget_node`]).
//!
//! A node's id is random per process, so a node that restarts is a new node here, and the
//! presence its previous life relayed goes with the old id.

use std::collections::HashMap;
use std::time::{Duration, Instant};

/// How often nodes send their heartbeat, and how many in a row a node may miss before the
/// others count it as gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeLivenessSettings {
    pub heartbeat_every: Duration,
    pub missed_heartbeats: u32,
}

impl NodeLivenessSettings {
    /// The silence after which a node is gone.
    pub fn gone_after(&self) -> Duration {
        self.heartbeat_every * self.missed_heartbeats.max(1)
    }
}

/// A node declared gone is remembered this long, so that hearing it again (it was only cut off)
/// can be told from a new node; after that it is forgotten, and memory stays bounded however
/// many nodes come and go.
const REMEMBER_GONE_FOR: Duration = Duration::from_secs(600);

/// What hearing from a node means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Heard {
    /// Not heard from before (a node that started, or one this node just began listening to).
    New,
    /// Heard from recently.
    Known,
    /// Declared gone earlier, and heard again: it was cut off, not dead. The awareness states
    /// it relays were dropped here, so the rooms should ask for them again.
    Returned,
}

#[derive(Debug)]
pub struct RemoteNodes {
    settings: NodeLivenessSettings,
    /// When each live node was last heard from.
    last_heard: HashMap<u64, Instant>,
    /// When each gone node was declared gone.
    gone: HashMap<u64, Instant>,
}

impl RemoteNodes {
    pub fn new(settings: NodeLivenessSettings) -> RemoteNodes {
        RemoteNodes {
            settings,
            last_heard: HashMap::new(),
            gone: HashMap::new(),
        }
    }

    /// `node_id` sent something (a heartbeat, or any message: each shows it is alive).
    pub fn heard(&mut self, node_id: u64, now: Instant) -> Heard {
        let returned = self.gone.remove(&node_id).is_some();
        let known = self.last_heard.insert(node_id, now).is_some();
        match (returned, known) {
            (true, _) => Heard::Returned,
            (false, true) => Heard::Known,
            (false, false) => Heard::New,
        }
    }

    /// This node could hear nobody for a while (its own subscription was lost and is back):
    /// their silence says nothing about them, so each live node's silence counts from now.
    pub fn listening_again(&mut self, now: Instant) {
        for last_heard in self.last_heard.values_mut() {
            *last_heard = now;
        }
    }

    /// The nodes silent for longer than [`NodeLivenessSettings::gone_after`], each declared gone
    /// once (until it is heard again).
    pub fn take_gone(&mut self, now: Instant) -> Vec<u64> {
        let gone_after = self.settings.gone_after();
        let mut gone: Vec<u64> = self
            .last_heard
            .iter()
            .filter(|(_, last_heard)| now.saturating_duration_since(**last_heard) > gone_after)
            .map(|(node_id, _)| *node_id)
            .collect();
        gone.sort_unstable();
        for node_id in &gone {
            self.last_heard.remove(node_id);
            self.gone.insert(*node_id, now);
        }
        self.gone
            .retain(|_, declared| now.saturating_duration_since(*declared) <= REMEMBER_GONE_FOR);
        gone
    }

    /// How many other nodes are alive now, as far as this node can tell.
    pub fn alive(&self) -> usize {
        self.last_heard.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SETTINGS: NodeLivenessSettings = NodeLivenessSettings {
        heartbeat_every: Duration::from_secs(2),
        missed_heartbeats: 3,
    };

    fn seconds(start: Instant, seconds: f64) -> Instant {
        start + Duration::from_secs_f64(seconds)
    }

    #[test]
    fn a_node_that_keeps_its_heartbeat_stays_and_a_silent_one_is_gone_once() {
        let start = Instant::now();
        let mut nodes = RemoteNodes::new(SETTINGS);
        assert_eq!(nodes.heard(7, start), Heard::New);
        assert_eq!(nodes.heard(8, start), Heard::New);
        // Node 7 beats every 2 s; node 8 was last heard at 0 s. At 6 s it has missed three
        // beats, not yet more.
        for beat in 1..=3 {
            let now = seconds(start, 2.0 * beat as f64);
            assert_eq!(nodes.heard(7, now), Heard::Known);
            assert!(nodes.take_gone(now).is_empty());
        }
        assert_eq!(nodes.take_gone(seconds(start, 6.1)), vec![8]);
        assert_eq!(nodes.heard(7, seconds(start, 8.0)), Heard::Known);
        assert!(
            nodes.take_gone(seconds(start, 8.0)).is_empty(),
            "declared once"
        );
        assert_eq!(nodes.alive(), 1, "node 7 kept beating");
    }

    #[test]
    fn a_gone_node_heard_again_has_returned_and_a_long_gone_one_is_new() {
        let start = Instant::now();
        let mut nodes = RemoteNodes::new(SETTINGS);
        nodes.heard(7, start);
        assert_eq!(nodes.take_gone(seconds(start, 7.0)), vec![7]);
        assert_eq!(nodes.heard(7, seconds(start, 9.0)), Heard::Returned);
        assert_eq!(nodes.heard(7, seconds(start, 10.0)), Heard::Known);

        assert_eq!(nodes.take_gone(seconds(start, 17.0)), vec![7]);
        // Forgotten after a long while: memory does not grow with every node that ever died.
        assert!(nodes.take_gone(seconds(start, 17.0 + 601.0)).is_empty());
        assert_eq!(nodes.heard(7, seconds(start, 17.0 + 602.0)), Heard::New);
    }

    #[test]
    fn silence_while_this_node_could_not_listen_does_not_count() {
        let start = Instant::now();
        let mut nodes = RemoteNodes::new(SETTINGS);
        nodes.heard(7, start);
        // This node's subscription was down from 1 s to 20 s; back at 20 s.
        nodes.listening_again(seconds(start, 20.0));
        assert!(nodes.take_gone(seconds(start, 21.0)).is_empty());
        assert_eq!(nodes.take_gone(seconds(start, 26.5)), vec![7]);
    }
}
