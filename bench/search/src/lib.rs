//! Search benchmark and relevance evaluation for Gongkai (issue 4, points 8-10): a deterministic
//! corpus from the shared laws and policy records, a fixed query set, a judged known-item set,
//! the SQLite baselines, and the measures. The binaries `search` and `relevance` run them; see
//! `bench/search/run` and `docs/benchmarks.md`.

pub mod corpus;
pub mod engine;
pub mod metrics;
pub mod queries;
pub mod sqlite;
