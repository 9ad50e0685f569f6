//! Loading the captured protocol fixtures (`core/tests/fixtures/protocols/*.json`, written by
//! `core/tests/fixtures/capture/*.mjs`) and turning them into what the core consumes.
#![allow(dead_code)]

use serde_json::Value;
use socketscope_core::protocols::{base64, Direction, FrameInput, Opcode};
use socketscope_core::schema::{self, Event, ReadyState, Sequenced};

pub struct Fixture {
    pub json: Value,
    pub frames: Vec<Frame>,
}

pub struct Frame {
    pub t: f64,
    pub socket: usize,
    pub dir: Direction,
    pub op: Opcode,
    /// The schema's `data`: text, or base64 for binary.
    pub data: String,
    /// The bytes a decoder sees.
    pub bytes: Vec<u8>,
}

impl Frame {
    pub fn input(&self) -> FrameInput<'_> {
        FrameInput { dir: self.dir, op: self.op, bytes: &self.bytes, truncated: false }
    }
    pub fn text(&self) -> &str {
        std::str::from_utf8(&self.bytes).unwrap_or("")
    }
}

pub fn load(name: &str) -> Fixture {
    let path = format!("{}/tests/fixtures/protocols/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let json: Value = serde_json::from_str(&text).unwrap();
    let frames = json["frames"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let dir = if f["dir"] == "in" { Direction::In } else { Direction::Out };
            let op = if f["op"] == "binary" { Opcode::Binary } else { Opcode::Text };
            let data = f["data"].as_str().unwrap().to_owned();
            let bytes = match op {
                Opcode::Binary => base64::decode(&data).unwrap(),
                Opcode::Text => data.as_bytes().to_vec(),
            };
            Frame { t: f["t"].as_f64().unwrap(), socket: f["socket"].as_u64().unwrap() as usize, dir, op, data, bytes }
        })
        .collect();
    Fixture { json, frames }
}

impl Fixture {
    pub fn inputs(&self) -> &Value {
        &self.json["inputs"]
    }
    pub fn socket(&self, i: usize) -> &Value {
        &self.json["sockets"][i]
    }
    pub fn url(&self, i: usize) -> &str {
        self.socket(i)["url"].as_str().unwrap()
    }
    pub fn requested(&self, i: usize) -> Vec<String> {
        self.socket(i)["requested_protocols"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect()
    }
    pub fn negotiated(&self, i: usize) -> Option<String> {
        self.socket(i)["protocol"].as_str().map(str::to_owned)
    }
    pub fn frames_of(&self, socket: usize) -> impl Iterator<Item = &Frame> {
        self.frames.iter().filter(move |f| f.socket == socket)
    }

    /// The fixture as schema events for one page: per socket a `socket` event, CONNECTING and
    /// OPEN (with the negotiated protocol), every frame, and the close if one was recorded.
    /// Times are `t0` plus the captured milliseconds.
    pub fn events(&self, page_doc: &str, t0: f64) -> Vec<Sequenced> {
        let mut out: Vec<(f64, Event)> = Vec::new();
        let sockets = self.json["sockets"].as_array().unwrap();
        // A socket without frames (e.g. refused at once) is placed after the previous one.
        let mut cursor = 0.0f64;
        for (i, s) in sockets.iter().enumerate() {
            let id = format!("{page_doc}:{}", i + 1);
            let first = self.frames_of(i).next().map(|f| f.t).unwrap_or(cursor + 5.0);
            let last = self.frames_of(i).last().map(|f| f.t).unwrap_or(first);
            cursor = cursor.max(last + 2.0);
            let opened = t0 + first - 1.0 - i as f64 * 0.001;
            out.push((opened - 1.0, Event::Socket { id: id.clone(), t: opened - 1.0, url: self.url(i).into(), protocols: self.requested(i), stack: String::new(), frame: String::new() }));
            out.push((opened - 0.5, Event::State { id: id.clone(), t: opened - 0.5, state: ReadyState::Connecting, protocol: None, extensions: None }));
            out.push((opened, Event::State { id: id.clone(), t: opened, state: ReadyState::Open, protocol: self.negotiated(i), extensions: None }));
            for f in self.frames_of(i) {
                out.push((t0 + f.t, Event::Frame { id: id.clone(), t: t0 + f.t, dir: f.dir, op: f.op, size: f.bytes.len() as u64, data: f.data.clone(), truncated: false }));
            }
            if let Some(c) = s["close"].as_object() {
                // Captures record the close's time; older ones did not (then: just after the last frame).
                let t = c.get("t").and_then(Value::as_f64).map(|t| t0 + t).unwrap_or(t0 + last + 1.0);
                out.push((t, Event::Close { id: id.clone(), t, code: c["code"].as_u64().unwrap() as u16, reason: c["reason"].as_str().unwrap_or("").into(), was_clean: c["code"] != 1006, initiator: schema::Initiator::Server }));
            }
        }
        out.sort_by(|a, b| a.0.total_cmp(&b.0));
        out.into_iter().enumerate().map(|(i, (_, event))| Sequenced { seq: i as u64 + 1, event }).collect()
    }
}
