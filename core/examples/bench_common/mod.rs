//! Synthetic traffic for the ingest benchmark: Phoenix v2 and socket.io frames of about 100
//! bytes, in the shapes the real clients send (see core/tests/fixtures/protocols/), generated
//! in batches so building events stays outside the timed region.

use socketscope_core::protocols::{Direction, Opcode};
use socketscope_core::schema::{Event, ReadyState, Sequenced};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Traffic {
    PhoenixV2,
    SocketIo,
}

pub const SOCKET: &str = "bench:1";

/// The socket and OPEN events that start a connection.
pub fn opening(traffic: Traffic, t0: f64) -> Vec<Sequenced> {
    let url = match traffic {
        Traffic::PhoenixV2 => "ws://127.0.0.1:4000/socket/websocket?vsn=2.0.0",
        Traffic::SocketIo => "ws://127.0.0.1:3000/socket.io/?EIO=4&transport=websocket",
    };
    vec![
        Sequenced { seq: 1, event: Event::Socket { id: SOCKET.into(), t: t0, url: url.into(), protocols: vec![], stack: String::new(), frame: String::new() } },
        Sequenced { seq: 2, event: Event::State { id: SOCKET.into(), t: t0 + 1.0, state: ReadyState::Open, protocol: None, extensions: None } },
    ]
}

/// Frame `i` (0-based): a push out, its reply in, a broadcast in, repeating.
pub fn frame_text(traffic: Traffic, i: u64) -> (Direction, String) {
    let n = i / 3;
    let room = n % 16;
    match (traffic, i % 3) {
        (Traffic::PhoenixV2, 0) => (Direction::Out, format!(r#"["3","{n}","room:{room}","new_msg",{{"body":"hello world, message {n:08}","user":"user-17"}}]"#)),
        (Traffic::PhoenixV2, 1) => (Direction::In, format!(r#"["3","{n}","room:{room}","phx_reply",{{"status":"ok","response":{{"id":{n},"ok":true}}}}]"#)),
        (Traffic::PhoenixV2, _) => (Direction::In, format!(r#"[null,null,"room:{room}","new_msg",{{"body":"hello world, message {n:08}","user":"u-2"}}]"#)),
        (Traffic::SocketIo, 0) => (Direction::Out, format!(r#"42{n}["chat message",{{"text":"hello world, message {n:08}","room":"room-{room}"}}]"#)),
        (Traffic::SocketIo, 1) => (Direction::In, format!(r#"43{n}[{{"ok":true,"id":{n},"room":"room-{room}","at":1700000000000}}]"#)),
        (Traffic::SocketIo, _) => (Direction::In, format!(r#"42["chat message",{{"text":"hello world, message {n:08}","room":"room-{room}"}}]"#)),
    }
}

/// Events for frames `from..to`, sequence numbers after the two opening events.
pub fn frames(traffic: Traffic, from: u64, to: u64, t0: f64) -> Vec<Sequenced> {
    (from..to)
        .map(|i| {
            let (dir, data) = frame_text(traffic, i);
            Sequenced {
                seq: i + 3,
                event: Event::Frame { id: SOCKET.into(), t: t0 + 2.0 + i as f64 * 0.01, dir, op: Opcode::Text, size: data.len() as u64, data, truncated: false },
            }
        })
        .collect()
}
