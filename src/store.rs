//! The panel's state: the core's model behind one reactive signal.
//! Plain data below, a reactive wrapper on top (no signals inside the model).

use socketscope_core::schema::{self, Direction, Event, ReadyState};
use std::collections::HashMap;

/// One captured frame, as the minimal list shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct FrameRow {
    pub seq: u64,
    pub t: f64,
    pub dir: Direction,
    pub size: u64,
    pub binary: bool,
    pub data: String,
    pub truncated: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ConnRow {
    pub id: String,
    pub url: String,
    pub state: ReadyState,
    pub opened_at: f64,
    pub close: Option<(u16, String)>,
    pub frames: Vec<FrameRow>,
}

/// Everything the panel knows. Ingest is idempotent per (page, seq): after a reconnect the
/// transport may resend, and nothing may be counted twice.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Model {
    pub connections: Vec<ConnRow>,
    pub problems: Vec<String>,
    pub events: u64,
    seen: HashMap<String, u64>,
}

impl Model {
    pub fn ingest_text(&mut self, text: &str) {
        match schema::parse_batch(text) {
            Ok(parsed) => {
                self.problems.extend(parsed.errors.iter().map(|e| e.to_string()));
                for ev in parsed.events {
                    let last = self.seen.entry(parsed.page.clone()).or_insert(0);
                    if ev.seq <= *last {
                        continue;
                    }
                    *last = ev.seq;
                    self.apply(ev.seq, ev.event);
                }
            }
            Err(e) => self.problems.push(e.to_string()),
        }
    }

    fn conn(&mut self, id: &str) -> Option<&mut ConnRow> {
        self.connections.iter_mut().rev().find(|c| c.id == id)
    }

    fn apply(&mut self, seq: u64, event: Event) {
        self.events += 1;
        match event {
            Event::Socket { id, t, url, .. } => self.connections.push(ConnRow {
                id,
                url,
                state: ReadyState::Connecting,
                opened_at: t,
                close: None,
                frames: Vec::new(),
            }),
            Event::State { id, state, .. } => {
                if let Some(c) = self.conn(&id) {
                    c.state = state;
                }
            }
            Event::Frame { id, t, dir, op, size, data, truncated } => {
                if let Some(c) = self.conn(&id) {
                    let binary = op == schema::Opcode::Binary;
                    c.frames.push(FrameRow { seq, t, dir, size, binary, data, truncated });
                }
            }
            Event::Close { id, code, reason, .. } => {
                if let Some(c) = self.conn(&id) {
                    c.state = ReadyState::Closed;
                    c.close = Some((code, reason));
                }
            }
            Event::Page { .. }
            | Event::CloseCall { .. }
            | Event::Error { .. }
            | Event::SendError { .. }
            | Event::Handshake { .. }
            | Event::Dropped { .. } => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resent_events_are_not_counted_twice() {
        let batch = r#"{"v":1,"page":"p","events":[
            {"seq":1,"type":"socket","id":"p:1","t":1,"url":"ws://h/"},
            {"seq":2,"type":"frame","id":"p:1","t":2,"dir":"out","op":"text","size":5,"data":"hello"}]}"#;
        let mut m = Model::default();
        m.ingest_text(batch);
        m.ingest_text(batch);
        assert_eq!(m.connections.len(), 1);
        assert_eq!(m.connections[0].frames.len(), 1);
        assert_eq!(m.connections[0].frames[0].data, "hello");
    }
}
