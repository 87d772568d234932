//! Kartta end to end, as one test binary: the real `kartta` binary on 127.0.0.1, real
//! websockets, real HTTP and a real database. One module per part of the server, all set up
//! through the fixture in `kartta_tests::fixture`.

mod edge;
mod exchange;
mod exercise;
mod figures;
mod first_state;
mod lifecycle;
mod nodes;
mod personal;
mod postgres;
mod roles;
mod safe;
mod snapshots;
mod sync;
mod voting;
mod workshops;
