//! The ingest benchmark as a wasm module, to measure what the panel gets in the browser.
//! Build and run: `node core/examples/ingest_bench_wasm.mjs` (it runs
//! `cargo build --release -p socketscope-core --example ingest_bench_wasm --target wasm32-unknown-unknown`).
//! wasm32-unknown-unknown has no clock, so the host times the calls.

mod bench_common;

use bench_common::{frames, opening, Traffic};
use socketscope_core::session::Model;

static mut MODEL: Option<Model> = None;

fn traffic(kind: u32) -> Traffic {
    if kind == 0 {
        Traffic::PhoenixV2
    } else {
        Traffic::SocketIo
    }
}

/// Start a fresh model for `kind` (0 Phoenix v2, 1 socket.io).
#[no_mangle]
pub extern "C" fn bench_reset(kind: u32) {
    let mut m = Model::default();
    for e in opening(traffic(kind), 1_700_000_000_000.0) {
        m.ingest("bench", &e);
    }
    // SAFETY: wasm is single-threaded and the host calls these functions one at a time.
    unsafe { *std::ptr::addr_of_mut!(MODEL) = Some(m) };
}

/// Build the events for frames `from..to` (untimed by the host) and keep them for `bench_ingest`.
static mut PENDING: Vec<socketscope_core::schema::Sequenced> = Vec::new();

#[no_mangle]
pub extern "C" fn bench_prepare(kind: u32, from: u32, to: u32) {
    let batch = frames(traffic(kind), from as u64, to as u64, 1_700_000_000_000.0);
    // SAFETY: as above.
    unsafe { *std::ptr::addr_of_mut!(PENDING) = batch };
}

/// Ingest the prepared frames (the host times this call). Returns the model's frame count.
#[no_mangle]
pub extern "C" fn bench_ingest() -> u32 {
    // SAFETY: as above.
    let (model, pending) = unsafe { ((*std::ptr::addr_of_mut!(MODEL)).as_mut(), &*std::ptr::addr_of!(PENDING)) };
    let Some(model) = model else { return 0 };
    for e in pending {
        model.ingest("bench", e);
    }
    model.memory().frames as u32
}

/// Heap bytes the model holds.
#[no_mangle]
pub extern "C" fn bench_heap_bytes() -> f64 {
    // SAFETY: as above.
    unsafe { (*std::ptr::addr_of!(MODEL)).as_ref().map(|m| m.memory().heap_bytes as f64).unwrap_or(0.0) }
}
