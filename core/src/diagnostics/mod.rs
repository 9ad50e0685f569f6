//! Rules that turn symptoms into findings: a cause, the evidence and a next step.

pub mod severity;

pub use severity::Severity;
