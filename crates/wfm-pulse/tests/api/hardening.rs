//! Hardening, on both backends: what a reliability campaign found wrong, each pinned by a
//! test (U+0000 and batches, nullable values on PostgreSQL, strict bodies and ranges, the
//! protective headers), and a fuzzer that sends every malformed class to every operation of
//! the OpenAPI document and asserts no 5xx and, for every refusal, no write.
//!
//! The PostgreSQL half of each test runs when `WFM_TEST_POSTGRES_URL` is set (`.ci/run` sets
//! it): `WFM_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test cargo test --test hardening`.

mod fuzz;
mod input;
