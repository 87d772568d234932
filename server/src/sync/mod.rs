//! Live sync: the websocket endpoint, the persister that stores every update before anyone
//! sees it, the board store and the server's figures. The rooms (`crate::sync::room`) belong here
//! too and join this folder once their extraction into a crate of their own is done.

pub mod carriage;
pub mod metrics;
pub mod persist;
pub mod room;
pub mod storage;
pub(crate) mod ws;
