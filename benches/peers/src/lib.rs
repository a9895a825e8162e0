//! cspr beside two peer engines on the national module's boolean/enum logic: the same
//! outcomes worked out by cspr (the shipped `working_together_2018` module), by Rego
//! (`national.rego`, run by regorus, interpreted and on its RVM) and by Cedar
//! (`national.cedar`, one request per outcome). The agreement test (`tests/agree.rs`)
//! and the benchmarks (`benches/peers.rs`) share what is here.
//!
//! Encoded: every rule of the national module, its decision, and whether each of its
//! duties applies. Left out: deadlines, due dates and statuses (dates and calendars), and
//! unknown facts (the cases are complete over the facts encoded).

pub mod cases;
pub mod cedar;
pub mod national;
pub mod outcomes;
pub mod rego;

pub use outcomes::{OUTCOMES, Outcomes};
