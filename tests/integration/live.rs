//! Live tests against moto: scenario accounts built through the SDK (`scenario`), the real
//! binary run against them, and what it reports asserted. Each test seeds its own account
//! (2100000000xx; the fault tests 2190000000xx) so that tests run in parallel on one moto.
//! Run one topic with `cargo test --test integration live::<topic>`.

mod accounts;
mod budget;
mod calls;
mod collect;
mod faults;
mod pacing;
mod readonly;
mod regions;
mod scan;
mod scenario;
mod shard;
