//! Cards shared by the panel and the standalone page: pure views over core data (no signals in,
//! no interpretation here; every fact comes from `socketscope-core`).
//!
//! - [`TokenCard`]: a `jwt::Inspection`, its times against now / connect / close, and a verify box.
//! - [`CloseCard`]: a `close_codes::CloseExplanation` (+ collisions, evidence).
//! - [`DiagnosticsList`]: findings ranked by severity, each with evidence links.

mod close;
mod diagnostics;
pub mod key_store;
mod token;

pub use close::CloseCard;
pub use diagnostics::{ranked, token_target, DiagnosticItem, DiagnosticsList, Evidence, CLOSE_TARGET, TIMELINE_TARGET};
pub use token::{from_now, local_time, location_label, TokenCard, VerifyBox};
