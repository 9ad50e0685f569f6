//! Decode-and-ingest throughput: `cargo run --release -p socketscope-core --example ingest_bench [frames]`.
//!
//! Feeds 1,000,000 (or `frames`) Phoenix v2 and socket.io frames of about 100 bytes through
//! `session::Model::ingest` (which detects, decodes, correlates and stores each one) and prints
//! frames per second and memory per frame. A benchmark, not a test: it prints, it does not assert.

mod bench_common;

use std::time::Instant;

use bench_common::{frames, opening, Traffic};
use socketscope_core::session::Model;

fn main() {
    let n: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1_000_000);
    println!("socketscope-core ingest benchmark: {n} frames per protocol, ~100 B each");
    for traffic in [Traffic::PhoenixV2, Traffic::SocketIo] {
        let t0 = 1_700_000_000_000.0;
        let mut model = Model::default();
        for e in opening(traffic, t0) {
            model.ingest("bench", &e);
        }
        let mut busy = std::time::Duration::ZERO;
        let mut wire_bytes = 0u64;
        let chunk = 50_000;
        let mut from = 0;
        while from < n {
            let to = (from + chunk).min(n);
            let batch = frames(traffic, from, to, t0);
            wire_bytes += batch.iter().map(|e| match &e.event {
                socketscope_core::schema::Event::Frame { size, .. } => *size,
                _ => 0,
            }).sum::<u64>();
            let start = Instant::now();
            for e in &batch {
                model.ingest("bench", e);
            }
            busy += start.elapsed();
            from = to;
        }
        let mem = model.memory();
        let c = &model.connections()[0];
        let secs = busy.as_secs_f64();
        println!(
            "{traffic:?}: {:.2} M frames/s ({:.0} ns/frame), {:.1} B/frame on the wire, {:.1} B/frame held ({:.1} B/frame beyond the payload), {} exchanges, {} topics, protocol {:?}",
            n as f64 / secs / 1e6,
            secs * 1e9 / n as f64,
            wire_bytes as f64 / n as f64,
            mem.heap_bytes as f64 / n as f64,
            (mem.heap_bytes - mem.payload_bytes) as f64 / n as f64,
            c.correlation.exchanges.len(),
            c.topics.len(),
            c.protocol().map(|p| p.0),
        );
    }
}
