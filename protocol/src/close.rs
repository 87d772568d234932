//! Websocket close codes the server uses, and why.
//!
//! The stock `y-websocket` client reconnects after any close, so a code mostly tells logs and
//! tests what happened. Standard codes are used where one fits; 4xxx codes are Kartta's own.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CloseReason {
    /// The server is shutting down; reconnect later.
    GoingAway,
    /// A text frame: the protocol is binary only.
    UnsupportedData,
    /// Bytes that do not decode as Yjs messages, or an update `yrs` refuses.
    MalformedMessage,
    /// A frame over the message size limit.
    MessageTooBig,
    /// The server failed (e.g. storage); the client should reconnect and resync.
    InternalError,
    /// The client did not read its messages fast enough; it resyncs on reconnect.
    TooSlow,
    /// The board has the maximum number of connections.
    BoardFull,
    /// The board would grow past the board size limit.
    BoardTooLarge,
    /// Too many updates waiting for missing dependencies, or too many awareness client ids.
    TooManyPending,
    /// The board id is not a valid id, or the board was deleted.
    InvalidBoard,
    /// An update that relies on content the board does not have (it would have to wait inside
    /// the document for content that may never come). The client resyncs on reconnect.
    MissingDependencies,
    /// The connection's access ended: a personal board it read is no longer shared. It is not
    /// an error of the client, which should say so rather than reconnect in silence.
    AccessWithdrawn,
}

impl CloseReason {
    pub const ALL: &'static [CloseReason] = &[
        CloseReason::GoingAway,
        CloseReason::UnsupportedData,
        CloseReason::MalformedMessage,
        CloseReason::MessageTooBig,
        CloseReason::InternalError,
        CloseReason::TooSlow,
        CloseReason::BoardFull,
        CloseReason::BoardTooLarge,
        CloseReason::TooManyPending,
        CloseReason::InvalidBoard,
        CloseReason::MissingDependencies,
        CloseReason::AccessWithdrawn,
    ];

    pub fn code(self) -> u16 {
        match self {
            CloseReason::GoingAway => 1001,
            CloseReason::UnsupportedData => 1003,
            CloseReason::MalformedMessage => 1007,
            CloseReason::MessageTooBig => 1009,
            CloseReason::InternalError => 1011,
            CloseReason::TooSlow => 4008,
            CloseReason::BoardFull => 4009,
            CloseReason::BoardTooLarge => 4013,
            CloseReason::TooManyPending => 4030,
            CloseReason::InvalidBoard => 4004,
            CloseReason::MissingDependencies => 4031,
            CloseReason::AccessWithdrawn => 4003,
        }
    }

    /// camelCase name, used in the generated TypeScript and in logs.
    pub fn name(self) -> &'static str {
        match self {
            CloseReason::GoingAway => "goingAway",
            CloseReason::UnsupportedData => "unsupportedData",
            CloseReason::MalformedMessage => "malformedMessage",
            CloseReason::MessageTooBig => "messageTooBig",
            CloseReason::InternalError => "internalError",
            CloseReason::TooSlow => "tooSlow",
            CloseReason::BoardFull => "boardFull",
            CloseReason::BoardTooLarge => "boardTooLarge",
            CloseReason::TooManyPending => "tooManyPending",
            CloseReason::InvalidBoard => "invalidBoard",
            CloseReason::MissingDependencies => "missingDependencies",
            CloseReason::AccessWithdrawn => "accessWithdrawn",
        }
    }

    pub fn from_code(code: u16) -> Option<CloseReason> {
        CloseReason::ALL
            .iter()
            .copied()
            .find(|reason| reason.code() == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_and_round_trip() {
        let mut codes: Vec<u16> = CloseReason::ALL.iter().map(|r| r.code()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), CloseReason::ALL.len());
        for reason in CloseReason::ALL {
            assert_eq!(CloseReason::from_code(reason.code()), Some(*reason));
        }
    }
}
