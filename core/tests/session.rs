//! Session model tests over the captured fixtures, replayed as schema events. Expected values
//! are computed from the fixtures (their inputs and frames), not written here.

mod fixture_support;

use fixture_support::load;
use serde_json::Value;
use socketscope_core::protocols::{Direction, Kind, Protocol, Status};
use socketscope_core::schema::{Event, Initiator, Parsed, ReadyState, Sequenced};
use socketscope_core::session::{Backoff, FrameRef, Ingested, Model, ModelConfig, TopicState};

const T0: f64 = 1_700_000_000_000.0;

fn model_of(name: &str) -> (Model, Vec<Sequenced>) {
    let fx = load(name);
    let events = fx.events("doc1", T0);
    let mut m = Model::default();
    m.ingest_batch(&Parsed { tab: Some(1), page: "doc1".into(), events: events.clone(), errors: vec![] });
    (m, events)
}

fn frame_time(events: &[Sequenced], pred: impl Fn(&str) -> bool) -> f64 {
    events
        .iter()
        .find_map(|e| match &e.event {
            Event::Frame { t, data, .. } if pred(data) => Some(*t),
            _ => None,
        })
        .unwrap()
}

#[test]
fn phoenix_topic_timeline_and_correlation() {
    let fx = load("phoenix-v2");
    let (m, events) = model_of("phoenix-v2");
    let inputs = fx.inputs();
    assert_eq!(m.connections().len(), 1);
    let c = &m.connections()[0];
    assert_eq!(c.protocol().unwrap().0, Protocol::PhoenixV2);
    assert_eq!(c.frames.len(), fx.frames.len());
    assert_eq!(c.state(), ReadyState::Open);

    // The document topic went through join, leave and close, in that order.
    let topic = m.sym(inputs["topic"].as_str().unwrap()).unwrap();
    let tp = c.topic(topic).unwrap();
    let states: Vec<TopicState> = tp.transitions.iter().map(|t| t.state).collect();
    assert_eq!(states, vec![TopicState::Joining, TopicState::Joined, TopicState::Leaving, TopicState::Left, TopicState::Closed]);
    assert_eq!(tp.joins, 1);
    // Every frame on the topic is in its timeline, in order.
    let on_topic = fx.frames.iter().filter(|f| f.text().contains(inputs["topic"].as_str().unwrap()) || (f.op == socketscope_core::protocols::Opcode::Binary)).count();
    assert_eq!(tp.timeline.len(), on_topic);
    assert!(tp.timeline.windows(2).all(|w| w[0] < w[1]));

    // The missing topic's join failed.
    let missing = m.sym(inputs["missing_topic"].as_str().unwrap()).unwrap();
    assert_eq!(c.topic(missing).unwrap().transitions[1].state, TopicState::JoinFailed);

    // connect_document: answered ok, with the latency between the two captured frames.
    let x = c.correlation.exchanges.iter().find(|x| m.name(x.event) == Some("connect_document")).unwrap();
    assert_eq!(x.status, Some(Status::Ok));
    let sent = frame_time(&events, |d| d.contains("connect_document"));
    let reply = m.frame(FrameRef { conn: 0, index: x.reply.unwrap() }).unwrap();
    assert_eq!(x.latency_ms, Some(reply.record.t - sent));
    assert!(reply.text().unwrap().contains(inputs["client_id"].as_str().unwrap()));
    // submitOp before connect_document: the error reply the script saw.
    let first_op = c.correlation.exchanges.iter().find(|x| m.name(x.event) == Some("submitOp")).unwrap();
    assert_eq!(first_op.status, Some(Status::Error));
    let err = m.frame(FrameRef { conn: 0, index: first_op.reply.unwrap() }).unwrap();
    let reason = &inputs["replies"]["submitOp_before_connect"]["response"]["reason"];
    assert!(err.text().unwrap().contains(reason.as_str().unwrap()));

    // Heartbeats are apart from traffic, and all were answered.
    let beats = fx.frames.iter().filter(|f| f.text().contains("\"phoenix\"")).count();
    assert_eq!(c.heartbeats.len(), beats);
    assert_eq!(c.traffic.len() + c.heartbeats.len(), c.frames.len());
    let hb: Vec<_> = c.correlation.exchanges.iter().filter(|x| x.is_heartbeat()).collect();
    assert_eq!(hb.len(), beats / 2);
    assert!(hb.iter().all(|x| x.answered()));
    assert_eq!(c.correlation.pending().count(), 0);
}

#[test]
fn ingest_is_idempotent_under_resends_and_reordering() {
    let (once, events) = model_of("socketio");
    let mut m = Model::default();
    // First half, then everything again (a resync after a reconnect), then the first half again.
    let half = events.len() / 2;
    for e in &events[..half] {
        assert_eq!(m.ingest("doc1", e), Ingested::Applied);
    }
    let mut dup = 0;
    for e in events.iter().chain(&events[..half]) {
        if m.ingest("doc1", e) == Ingested::Duplicate {
            dup += 1;
        }
    }
    assert_eq!(dup, half * 2);
    let (a, b) = (&once.connections()[0], &m.connections()[0]);
    assert_eq!(a.frames.records(), b.frames.records());
    assert_eq!(a.correlation.exchanges, b.correlation.exchanges);
    assert_eq!(m.pages()[0].duplicates, dup as u64);
    assert_eq!(m.pages()[0].lost(), 0);
}

#[test]
fn sequence_gaps_are_recorded_as_loss() {
    let fx = load("graphql-ws");
    let events = fx.events("doc1", T0);
    let mut m = Model::default();
    let skipped = [3usize, 4, 9];
    for (i, e) in events.iter().enumerate() {
        if !skipped.contains(&i) {
            m.ingest("doc1", e);
        }
    }
    assert_eq!(m.pages()[0].lost(), skipped.len() as u64);
    let gaps = m.pages()[0].seqs.gaps();
    assert_eq!(gaps[0].start, events[3].seq);
    // The late arrival fills the gap.
    m.ingest("doc1", &events[9]);
    assert_eq!(m.pages()[0].lost(), 2);
}

#[test]
fn socketio_acks_both_ways_and_namespaces() {
    let fx = load("socketio");
    let (m, _) = model_of("socketio");
    let inputs = fx.inputs();
    let c = &m.connections()[0];
    let join = c.correlation.exchanges.iter().find(|x| m.name(x.event) == Some("join")).unwrap();
    assert_eq!(join.request_dir, Direction::Out);
    assert_eq!(join.status, Some(Status::Ok));
    let question = c.correlation.exchanges.iter().find(|x| m.name(x.event) == Some("question")).unwrap();
    assert_eq!(question.request_dir, Direction::In);
    let answer = m.frame(FrameRef { conn: 0, index: question.reply.unwrap() }).unwrap();
    assert!(answer.text().unwrap().contains(inputs["client_answer"].as_str().unwrap()));
    // Namespace topic joined via its connect exchange.
    let nsp = c.topic(m.sym(inputs["namespace"].as_str().unwrap()).unwrap()).unwrap();
    assert_eq!(nsp.transitions.iter().map(|t| t.state).collect::<Vec<_>>(), vec![TopicState::Joining, TopicState::Joined, TopicState::Left]);
    // engine.io heartbeats counted per direction.
    assert!(c.counters.heartbeats[0] >= 2 && c.counters.heartbeats[1] >= 2);
    // Binary attachments are frames of kind Attachment.
    assert_eq!(c.frames.records().iter().filter(|r| r.kind() == Kind::Attachment).count(), 2);
}

#[test]
fn graphql_operations_are_topics_that_complete_or_fail() {
    let fx = load("graphql-ws");
    let (m, _) = model_of("graphql-ws");
    let c = &m.connections()[0];
    let subs: Vec<_> = c.correlation.exchanges.iter().filter(|x| x.kind == Kind::Join).collect();
    assert_eq!(subs.len(), 3);
    let count = fx.inputs()["count"].as_u64().unwrap() as u32;
    let stream = subs.iter().find(|x| x.stream_items == count).unwrap();
    assert_eq!(stream.status, Some(Status::Ok));
    assert!(stream.first_item_ms.unwrap() <= stream.latency_ms.unwrap());
    let states: Vec<TopicState> = subs.iter().map(|x| c.topic(x.topic).unwrap().state).collect();
    assert_eq!(states.iter().filter(|s| **s == TopicState::Completed).count(), 2);
    assert_eq!(states.iter().filter(|s| **s == TopicState::Failed).count(), 1);
}

#[test]
fn json_rpc_batches_and_notifications() {
    let fx = load("json-rpc");
    let (m, _) = model_of("json-rpc");
    let c = &m.connections()[0];
    let inputs = fx.inputs();
    let requests = inputs["requests"].as_array().unwrap().len() + inputs["batch"].as_array().unwrap().len();
    assert_eq!(c.correlation.exchanges.len(), requests);
    assert!(c.correlation.exchanges.iter().all(|x| x.answered()));
    assert_eq!(c.correlation.exchanges.iter().filter(|x| x.status == Some(Status::Error)).count(), 1);
}

#[test]
fn unanswered_requests_stay_pending() {
    let fx = load("phoenix-v2");
    let events = fx.events("doc1", T0);
    // Drop the reply to connect_document.
    let reply_seq = events
        .iter()
        .find(|e| matches!(&e.event, Event::Frame { data, .. } if data.contains("clientId") && data.contains("phx_reply")))
        .unwrap()
        .seq;
    let mut m = Model::default();
    for e in events.iter().filter(|e| e.seq != reply_seq) {
        m.ingest("doc1", e);
    }
    let c = &m.connections()[0];
    let pending: Vec<_> = c.correlation.pending().collect();
    assert_eq!(pending.len(), 1);
    assert_eq!(m.name(pending[0].event), Some("connect_document"));
}

#[test]
fn closes_are_recorded_with_code_and_reason() {
    let fx = load("django-channels");
    let (m, _) = model_of("django-channels");
    let inputs = fx.inputs();
    assert_eq!(m.connections().len(), 2);
    for (c, want) in m.connections().iter().zip([&inputs["close_bad_frame"], &inputs["close_bad_token"]]) {
        let close = c.close.as_ref().unwrap();
        assert_eq!(close.code as u64, want["code"].as_u64().unwrap());
        assert_eq!(close.reason, want["reason"].as_str().unwrap());
    }
    // Both connections are one endpoint: a reconnect.
    assert_eq!(m.endpoints().len(), 1);
    assert_eq!(m.reconnects(0).unwrap().attempts, 1);
    let conv = m.sym(inputs["conversation_id"].as_str().unwrap()).unwrap();
    assert!(m.connections()[0].topic(conv).is_some());
}

fn ev(seq: u64, event: Event) -> Sequenced {
    Sequenced { seq, event }
}

fn socket(id: &str, t: f64, url: &str) -> Event {
    Event::Socket { id: id.into(), t, url: url.into(), protocols: vec![], stack: String::new(), frame: String::new() }
}

#[test]
fn reconnect_backoff_and_storms() {
    let url = "ws://127.0.0.1:4000/socket/websocket?vsn=2.0.0";
    let mut m = Model::default();
    let mut seq = 0;
    let mut t = T0;
    let gaps = [100.0, 200.0, 400.0, 800.0, 1600.0];
    for i in 0..=gaps.len() {
        let id = format!("d:{i}");
        seq += 1;
        m.ingest("d", &ev(seq, socket(&id, t, &format!("{url}&token={i}"))));
        seq += 1;
        m.ingest("d", &ev(seq, Event::Close { id: id.clone(), t: t + 5.0, code: 1006, reason: String::new(), was_clean: false, initiator: Initiator::Server }));
        t += 5.0 + gaps.get(i).copied().unwrap_or(0.0);
    }
    assert_eq!(m.endpoints().len(), 1, "the token in the query does not split the endpoint");
    let r = m.reconnects(0).unwrap();
    assert_eq!(r.intervals_ms, gaps.to_vec());
    assert_eq!(r.backoff, Backoff::Growing);
    let storm = r.storm.unwrap();
    assert_eq!(storm.connections as usize, gaps.len() + 1);

    // No backoff: immediate reconnects.
    let mut m = Model::default();
    for i in 0..4u64 {
        let id = format!("e:{i}");
        let t = T0 + i as f64 * 20.0;
        m.ingest("e", &ev(i * 2 + 1, socket(&id, t, url)));
        m.ingest("e", &ev(i * 2 + 2, Event::Close { id, t: t + 10.0, code: 1006, reason: String::new(), was_clean: false, initiator: Initiator::Server }));
    }
    let r = m.reconnects(0).unwrap();
    assert_eq!(r.backoff, Backoff::Immediate);
    assert!(r.storm.is_none(), "4 connections are under the default storm threshold");
}

#[test]
fn handshakes_match_connections_by_url_and_time() {
    let url = "ws://127.0.0.1:8000/ws/chat/conv-1/?token=x";
    let mut m = Model::default();
    // The handshake may arrive before or after the socket event.
    m.ingest("p", &ev(1, Event::Handshake { t: T0 + 2.0, url: url.into(), status: Some(403), error: None }));
    m.ingest("p", &ev(2, socket("p:1", T0, url)));
    m.ingest("p", &ev(3, socket("p:2", T0 + 60_000.0, url)));
    m.ingest("p", &ev(4, Event::Handshake { t: T0 + 60_001.0, url: url.replace("ws://", "http://"), status: Some(101), error: None }));
    m.ingest("p", &ev(5, Event::Handshake { t: T0, url: "ws://elsewhere/".into(), status: None, error: Some("net::ERR_CONNECTION_REFUSED".into()) }));
    assert_eq!(m.connections()[0].handshake.as_ref().unwrap().status, Some(403));
    assert_eq!(m.connections()[1].handshake.as_ref().unwrap().status, Some(101));
    assert_eq!(m.unmatched_handshakes().len(), 1);
}

#[test]
fn frames_for_unannounced_sockets_and_bad_base64_do_not_break_ingest() {
    let mut m = Model::default();
    m.ingest("p", &ev(1, Event::Frame { id: "p:9".into(), t: T0, dir: Direction::In, op: socketscope_core::protocols::Opcode::Binary, size: 3, data: "!!notbase64".into(), truncated: false }));
    m.ingest("p", &ev(2, Event::Dropped { t: T0, frames: 10, bytes: 1000 }));
    m.ingest("p", &ev(3, Event::Dropped { t: T0 - 1.0, frames: 4, bytes: 400 }));
    let c = &m.connections()[0];
    assert!(c.unannounced);
    let d = m.decode(FrameRef { conn: 0, index: 0 }).unwrap();
    assert_eq!(d.protocol, Protocol::Raw);
    assert_eq!(m.frame(FrameRef { conn: 0, index: 0 }).unwrap().wire_data(), "!!notbase64");
    assert_eq!((m.pages()[0].dropped_frames, m.pages()[0].dropped_bytes), (10, 1000));
}

#[test]
fn payload_budget_bounds_memory_and_keeps_metadata() {
    let fx = load("phoenix-v2");
    let events = fx.events("doc1", T0);
    let budget = 600;
    let mut m = Model::new(ModelConfig { max_payload_bytes: budget, ..Default::default() });
    m.ingest_batch(&Parsed { tab: None, page: "doc1".into(), events, errors: vec![] });
    let mem = m.memory();
    assert!(mem.payload_bytes <= budget);
    assert!(mem.payloads_dropped > 0);
    assert_eq!(mem.frames as usize, fx.frames.len());
    let c = &m.connections()[0];
    // Topic and event survive without the payload.
    let last = c.frames.records().last().unwrap();
    assert!(last.payload_dropped());
    assert!(m.name(last.event).is_some());
}

#[test]
fn lazy_decode_agrees_with_ingest_for_every_fixture() {
    for name in ["phoenix-v2", "phoenix-v1", "socketio", "graphql-ws", "subscriptions-transport-ws", "actioncable", "stomp", "signalr", "json-rpc", "msgpack", "django-channels", "generic-json"] {
        let (m, _) = model_of(name);
        for c in m.connections() {
            for i in 0..c.frames.len() as u32 {
                let at = FrameRef { conn: c.id, index: i };
                let f = m.frame(at).unwrap();
                let d = m.decode(at).unwrap_or_else(|| panic!("{name} frame {i} did not re-decode"));
                assert_eq!(d.protocol, f.record.protocol(), "{name} {i}");
                assert_eq!(d.msg.kind, f.record.kind(), "{name} {i}");
                assert_eq!(d.msg.event.as_deref(), f.event, "{name} {i}");
                assert_eq!(d.msg.topic.as_deref(), f.topic, "{name} {i}");
            }
        }
    }
}

#[test]
fn stored_payloads_round_trip_to_the_wire_form() {
    let fx = load("phoenix-v2");
    let (m, _) = model_of("phoenix-v2");
    for (i, f) in fx.frames.iter().enumerate() {
        let v = m.frame(FrameRef { conn: 0, index: i as u32 }).unwrap();
        assert_eq!(v.wire_data(), f.data);
        assert_eq!(v.record.dir(), f.dir);
    }
    let _ = Value::Null;
}
