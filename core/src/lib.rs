//! Socketscope's analysis core.
//!
//! **Invariant:** nothing in this crate touches a browser API. No `web-sys`, `js-sys`,
//! `wasm-bindgen` or `leptos` (checked by `tests/purity.rs`). Time is always passed in.

pub mod schema;
pub mod filter;
pub mod settings;
pub mod close_codes;
pub mod diagnostics;
pub mod protocols;
pub mod jwt;
pub mod session;
pub mod export;
pub mod har;
pub mod json;
pub mod decimal;
