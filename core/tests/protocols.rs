//! Decoder tests over fixtures captured from the real client libraries. Expected values come
//! from each fixture's `inputs` (what the capture script sent) and `client_view` (what the
//! library itself decoded), never from constants written here.

mod fixture_support;

use fixture_support::{load, Fixture};
use serde_json::Value;
use socketscope_core::protocols::{
    self, msgpack, Corr, DecodeConfig, Decoded, DetectedBy, Direction, GenericJsonConfig, Hints, Kind, Note, Payload, Protocol,
    Role, Status,
};
use socketscope_core::protocols::ConnectionDecoder;

/// Decode every frame of socket `i` through a connection decoder primed with its handshake.
fn decode_all<'f>(fx: &'f Fixture, i: usize, cfg: &DecodeConfig) -> (ConnectionDecoder, Vec<(&'f fixture_support::Frame, Decoded<'f>)>) {
    let requested = fx.requested(i);
    let negotiated = fx.negotiated(i);
    let hints = Hints { url: fx.url(i), requested: &requested, negotiated: negotiated.as_deref() };
    let mut dec = ConnectionDecoder::new(&hints, cfg);
    let out = fx.frames_of(i).map(|f| (f, dec.decode(&f.input(), cfg))).collect();
    (dec, out)
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("expected a string, got {v}"))
}

fn assert_none_raw(decoded: &[(&fixture_support::Frame, Decoded)]) {
    for (f, d) in decoded {
        assert_ne!(d.protocol, Protocol::Raw, "frame {:?} fell back to raw: {:?}", f.text(), d.why_raw);
    }
}

fn key<'a>(c: &'a Option<Corr>) -> Option<(&'a str, Role)> {
    c.as_ref().map(|c| (c.key.as_ref(), c.role))
}

#[test]
fn phoenix_v2_matches_the_phoenix_client_decoding() {
    let fx = load("phoenix-v2");
    let cfg = DecodeConfig::default();
    let (dec, decoded) = decode_all(&fx, 0, &cfg);
    assert_eq!(dec.protocol(), Some(Protocol::PhoenixV2));
    // The negotiated subprotocol "phoenix" plus vsn=2.0.0 in the URL.
    assert_eq!(dec.detected_by(), Some(&DetectedBy::Subprotocol(fx.negotiated(0).unwrap())));
    assert_none_raw(&decoded);

    // Every inbound frame decodes to what phoenix.js itself decoded, in order.
    let view = fx.json["client_view"].as_array().unwrap();
    let inbound: Vec<_> = decoded.iter().filter(|(f, _)| f.dir == Direction::In).collect();
    assert_eq!(inbound.len(), view.len());
    for ((f, d), v) in inbound.iter().zip(view) {
        let m = &d.msg;
        assert_eq!(m.topic.as_deref(), v["topic"].as_str(), "{}", f.text());
        assert_eq!(m.event.as_deref(), v["event"].as_str(), "{}", f.text());
        assert_eq!(m.join_ref.as_deref(), v["join_ref"].as_str().filter(|j| !j.is_empty()), "{}", f.text());
        let corr_key = m.corr.as_ref().map(|c| c.key.as_ref());
        if m.kind == Kind::Reply || m.kind == Kind::Heartbeat {
            assert_eq!(corr_key, v["ref"].as_str(), "{}", f.text());
            assert_eq!(m.status, Some(if v["payload"]["status"] == "ok" { Status::Ok } else { Status::Error }));
        }
        // Binary payloads: the bytes phoenix.js handed the app.
        let want_bin = v["payload"]["binary"].as_array().or(v["payload"]["response"]["binary"].as_array());
        if let (Some(want), Payload::Bytes(r)) = (want_bin, &m.payload) {
            let got: Vec<u64> = f.bytes[r.clone()].iter().map(|&b| b as u64).collect();
            let want: Vec<u64> = want.iter().map(|b| b.as_u64().unwrap()).collect();
            assert_eq!(got, want);
        }
    }

    let inputs = fx.inputs();
    let topic = s(&inputs["topic"]);
    // The join and the pushes the script made, with the replies it received.
    let join = decoded.iter().find(|(_, d)| d.msg.kind == Kind::Join && d.msg.topic.as_deref() == Some(topic)).unwrap();
    assert_eq!(key(&join.1.msg.corr).unwrap().1, Role::Request);
    for (event, reply_key) in [("connect_document", "connect_document"), ("submitOp", "submitOp")] {
        let want = &inputs["replies"][reply_key];
        let pushes: Vec<_> = decoded.iter().filter(|(_, d)| d.msg.event.as_deref() == Some(event)).collect();
        let push = pushes.last().unwrap();
        assert_eq!(push.1.msg.kind, Kind::Push);
        let r = push.1.msg.corr.as_ref().unwrap().key.to_string();
        let reply = decoded.iter().find(|(_, d)| d.msg.kind == Kind::Reply && d.msg.corr.as_ref().map(|c| c.key.as_ref()) == Some(r.as_str())).unwrap();
        assert_eq!(reply.1.msg.status, Some(if want["status"] == "ok" { Status::Ok } else { Status::Error }));
        let payload = Decoded::payload_text(&reply.0.bytes, &reply.1.msg.payload).unwrap();
        let payload: Value = serde_json::from_str(payload).unwrap();
        assert_eq!(payload["response"], want["response"]);
    }
    // The op the script submitted is the payload of the submitOp push.
    let op = decoded.iter().find(|(_, d)| d.msg.event.as_deref() == Some("submitOp")).unwrap();
    let text = Decoded::payload_text(&op.0.bytes, &op.1.msg.payload).unwrap();
    assert_eq!(serde_json::from_str::<Value>(text).unwrap(), inputs["op"]);

    // Binary: the client's upload push (4 size bytes, with a ref) and the three server kinds.
    let upload = decoded.iter().find(|(f, d)| f.dir == Direction::Out && d.msg.event.as_deref() == Some("upload")).unwrap();
    let Payload::Bytes(r) = &upload.1.msg.payload else { panic!("binary push payload") };
    let want: Vec<u8> = inputs["binary_upload"].as_array().unwrap().iter().map(|b| b.as_u64().unwrap() as u8).collect();
    assert_eq!(&upload.0.bytes[r.clone()], &want[..]);
    assert!(upload.1.msg.corr.is_some());
    let bin_broadcast = decoded.iter().find(|(f, d)| f.op == protocols::Opcode::Binary && d.msg.kind == Kind::Broadcast).unwrap();
    assert_eq!(bin_broadcast.1.msg.topic.as_deref(), Some(topic));
    let bin_push = decoded.iter().find(|(f, d)| f.op == protocols::Opcode::Binary && f.dir == Direction::In && d.msg.kind == Kind::Push).unwrap();
    assert_eq!(bin_push.1.msg.join_ref.as_deref(), join.1.msg.join_ref.as_deref());

    // The failed join of the missing topic.
    let missing = s(&inputs["missing_topic"]);
    let failed = decoded.iter().find(|(_, d)| d.msg.kind == Kind::Reply && d.msg.topic.as_deref() == Some(missing)).unwrap();
    assert_eq!(failed.1.msg.status, Some(Status::Error));

    // Heartbeats are labelled apart from traffic, on the "phoenix" topic.
    let beats = decoded.iter().filter(|(_, d)| d.msg.kind == Kind::Heartbeat).count();
    assert!(beats >= 2, "expected heartbeat request and reply, got {beats}");
}

#[test]
fn phoenix_v1_objects() {
    let fx = load("phoenix-v1");
    let cfg = DecodeConfig::default();
    let (dec, decoded) = decode_all(&fx, 0, &cfg);
    assert_eq!(dec.protocol(), Some(Protocol::PhoenixV1));
    assert_eq!(dec.detected_by(), Some(&DetectedBy::Url("vsn=1.0.0".into())));
    assert_none_raw(&decoded);
    let view = fx.json["client_view"].as_array().unwrap();
    let inbound: Vec<_> = decoded.iter().filter(|(f, _)| f.dir == Direction::In).collect();
    assert_eq!(inbound.len(), view.len());
    for ((_, d), v) in inbound.iter().zip(view) {
        assert_eq!(d.msg.topic.as_deref(), v["topic"].as_str());
        assert_eq!(d.msg.event.as_deref(), v["event"].as_str());
    }
    // Content alone identifies v1 too.
    let mut blind = ConnectionDecoder::default();
    let first = fx.frames_of(0).next().unwrap();
    assert_eq!(blind.decode(&first.input(), &cfg).protocol, Protocol::PhoenixV1);
    assert_eq!(blind.protocol(), Some(Protocol::PhoenixV1));
}

#[test]
fn socketio_events_acks_namespaces_and_attachments() {
    let fx = load("socketio");
    let cfg = DecodeConfig::default();
    let (dec, decoded) = decode_all(&fx, 0, &cfg);
    assert_eq!(dec.protocol(), Some(Protocol::SocketIo));
    assert_eq!(dec.detected_by(), Some(&DetectedBy::Url("EIO=4".into())));
    assert_none_raw(&decoded);
    let inputs = fx.inputs();
    let nsp = s(&inputs["namespace"]);

    // Namespace connect, out then answered in.
    let connect = decoded.iter().find(|(f, d)| f.dir == Direction::Out && d.msg.kind == Kind::Join && d.msg.topic.as_deref() == Some(nsp)).unwrap();
    let ck = connect.1.msg.corr.as_ref().unwrap().key.to_string();
    assert!(decoded.iter().any(|(f, d)| f.dir == Direction::In && d.msg.kind == Kind::Reply && key(&d.msg.corr) == Some((ck.as_str(), Role::Reply))));

    // emitWithAck("join", room): a request whose ack carries the server's answer.
    let join = decoded.iter().find(|(_, d)| d.msg.event.as_deref() == Some("join")).unwrap();
    let jk = join.1.msg.corr.as_ref().unwrap().key.to_string();
    let ack = decoded.iter().find(|(f, d)| f.dir == Direction::In && key(&d.msg.corr) == Some((jk.as_str(), Role::Reply))).unwrap();
    let ack_payload: Value = serde_json::from_str(Decoded::payload_text(&ack.0.bytes, &ack.1.msg.payload).unwrap()).unwrap();
    assert_eq!(ack_payload[0], inputs["join_ack"]);

    // The chat event, out and echoed back, with its payload.
    let chats: Vec<_> = decoded.iter().filter(|(_, d)| d.msg.event.as_deref() == Some("chat")).collect();
    assert_eq!(chats.len(), 2);
    let payload: Value = serde_json::from_str(Decoded::payload_text(&chats[0].0.bytes, &chats[0].1.msg.payload).unwrap()).unwrap();
    assert_eq!(payload[1], inputs["chat"]);

    // Binary attachments follow their placeholders; each is expected, none unexpected.
    let attachments: Vec<_> = decoded.iter().filter(|(_, d)| d.msg.kind == Kind::Attachment).collect();
    assert_eq!(attachments.len(), 2);
    let want: Vec<u8> = inputs["binary"].as_array().unwrap().iter().map(|b| b.as_u64().unwrap() as u8).collect();
    for (f, d) in &attachments {
        assert_eq!(f.bytes, want);
        assert!(!d.notes.contains(&Note::UnexpectedAttachment));
    }

    // The server's own ack request ("question") and the client's answer travel the other way.
    let q = decoded.iter().find(|(_, d)| d.msg.event.as_deref() == Some("question")).unwrap();
    assert_eq!(q.0.dir, Direction::In);
    let qk = q.1.msg.corr.as_ref().unwrap().key.to_string();
    let answer = decoded.iter().find(|(f, d)| f.dir == Direction::Out && key(&d.msg.corr) == Some((qk.as_str(), Role::Reply))).unwrap();
    let a: Value = serde_json::from_str(Decoded::payload_text(&answer.0.bytes, &answer.1.msg.payload).unwrap()).unwrap();
    assert_eq!(a[0], inputs["client_answer"]);

    // engine.io ping/pong are heartbeats.
    assert!(decoded.iter().filter(|(_, d)| d.msg.kind == Kind::Heartbeat).count() >= 4);
}

#[test]
fn socketio_unexpected_attachment_is_noted() {
    let cfg = DecodeConfig::default();
    let fx = load("socketio");
    let bin = fx.frames.iter().find(|f| f.op == protocols::Opcode::Binary).unwrap();
    let mut d = ConnectionDecoder::new(&Hints { url: fx.url(0), ..Default::default() }, &cfg);
    let out = d.decode(&bin.input(), &cfg);
    assert_eq!(out.msg.kind, Kind::Attachment);
    assert!(out.notes.contains(&Note::UnexpectedAttachment));
}

fn graphql_common(name: &str, p: Protocol, sub: &str, item: &str) {
    let fx = load(name);
    let cfg = DecodeConfig::default();
    let (dec, decoded) = decode_all(&fx, 0, &cfg);
    assert_eq!(dec.protocol(), Some(p));
    assert_eq!(dec.detected_by(), Some(&DetectedBy::Subprotocol(fx.negotiated(0).unwrap())));
    assert_none_raw(&decoded);
    let inputs = fx.inputs();
    // Each subscribe/start carries one of the script's queries; its id is the topic and key.
    for (q, expect_items, expect_status) in [("query", 1, Status::Ok), ("subscription", inputs["count"].as_u64().unwrap() as usize, Status::Ok)] {
        let query = s(&inputs[q]);
        let req = decoded
            .iter()
            .find(|(f, d)| d.msg.event.as_deref() == Some(sub) && f.text().contains(&serde_json::to_string(query).unwrap()[1..query.len()]))
            .unwrap();
        let id = req.1.msg.corr.as_ref().unwrap().key.to_string();
        assert_eq!(req.1.msg.topic.as_deref(), Some(id.as_str()));
        let items = decoded.iter().filter(|(_, d)| d.msg.event.as_deref() == Some(item) && key(&d.msg.corr) == Some((id.as_str(), Role::StreamItem))).count();
        assert_eq!(items, expect_items, "{q}");
        let end = decoded.iter().find(|(_, d)| key(&d.msg.corr) == Some((id.as_str(), Role::Reply))).unwrap();
        assert_eq!(end.1.msg.status, Some(expect_status));
    }
    // The connection params the script passed are in connection_init.
    let init = decoded.iter().find(|(_, d)| d.msg.event.as_deref() == Some("connection_init")).unwrap();
    let p: Value = serde_json::from_str(Decoded::payload_text(&init.0.bytes, &init.1.msg.payload).unwrap()).unwrap();
    assert_eq!(p, inputs["connection_params"]);
}

#[test]
fn graphql_ws_operations() {
    graphql_common("graphql-ws", Protocol::GraphqlWs, "subscribe", "next");
    let fx = load("graphql-ws");
    let (_, decoded) = decode_all(&fx, 0, &DecodeConfig::default());
    // The bad query ends in an error reply; the ping/pong are heartbeats.
    assert!(decoded.iter().any(|(_, d)| d.msg.event.as_deref() == Some("error") && d.msg.status == Some(Status::Error)));
    assert!(decoded.iter().any(|(_, d)| d.msg.kind == Kind::Heartbeat));
}

#[test]
fn subscriptions_transport_ws_operations() {
    graphql_common("subscriptions-transport-ws", Protocol::SubscriptionsTransportWs, "start", "data");
    let fx = load("subscriptions-transport-ws");
    let (_, decoded) = decode_all(&fx, 0, &DecodeConfig::default());
    assert!(decoded.iter().filter(|(_, d)| d.msg.event.as_deref() == Some("ka")).all(|(_, d)| d.msg.kind == Kind::Heartbeat));
    // Without the subprotocol, content tells the two apart at the first distinctive type.
    let mut blind = ConnectionDecoder::default();
    for f in fx.frames_of(0) {
        blind.decode(&f.input(), &DecodeConfig::default());
    }
    assert_eq!(blind.protocol(), Some(Protocol::SubscriptionsTransportWs));
}

#[test]
fn actioncable_subscriptions() {
    let fx = load("actioncable");
    let cfg = DecodeConfig::default();
    let (dec, decoded) = decode_all(&fx, 0, &cfg);
    assert_eq!(dec.protocol(), Some(Protocol::ActionCable));
    assert_none_raw(&decoded);
    let inputs = fx.inputs();
    // Identifiers are the JSON of the channel params the consumer was given.
    let ident = serde_json::to_string(&inputs["channel"]).unwrap();
    let rejected = serde_json::to_string(&inputs["rejected"]).unwrap();
    let join = decoded.iter().find(|(_, d)| d.msg.kind == Kind::Join && d.msg.topic.as_deref() == Some(ident.as_str())).unwrap();
    assert_eq!(key(&join.1.msg.corr), Some((ident.as_str(), Role::Request)));
    let confirm = decoded.iter().find(|(_, d)| d.msg.kind == Kind::Reply && d.msg.topic.as_deref() == Some(ident.as_str())).unwrap();
    assert_eq!(confirm.1.msg.status, Some(Status::Ok));
    let reject = decoded.iter().find(|(_, d)| d.msg.kind == Kind::Reply && d.msg.topic.as_deref() == Some(rejected.as_str())).unwrap();
    assert_eq!(reject.1.msg.status, Some(Status::Error));
    let perform = decoded.iter().find(|(_, d)| d.msg.kind == Kind::Push).unwrap();
    assert_eq!(perform.1.msg.event.as_deref(), inputs["action"].as_str());
    let broadcast = decoded.iter().find(|(_, d)| d.msg.kind == Kind::Broadcast).unwrap();
    let body: Value = serde_json::from_str(Decoded::payload_text(&broadcast.0.bytes, &broadcast.1.msg.payload).unwrap()).unwrap();
    assert_eq!(body["message"], inputs["broadcast"]["message"]);
    assert!(decoded.iter().filter(|(_, d)| d.msg.kind == Kind::Heartbeat).count() >= 2);
    let close = decoded.iter().find(|(_, d)| d.msg.kind == Kind::Close).unwrap();
    let body: Value = serde_json::from_str(Decoded::payload_text(&close.0.bytes, &close.1.msg.payload).unwrap()).unwrap();
    assert_eq!(body["reason"], inputs["disconnect_reason"]);
}

#[test]
fn stomp_frames() {
    let fx = load("stomp");
    let cfg = DecodeConfig::default();
    let (dec, decoded) = decode_all(&fx, 0, &cfg);
    assert_eq!(dec.protocol(), Some(Protocol::Stomp));
    assert_none_raw(&decoded);
    let inputs = fx.inputs();
    let dest = s(&inputs["destination"]);
    assert!(decoded.iter().any(|(_, d)| d.msg.kind == Kind::Join && d.msg.topic.as_deref() == Some(dest)));
    let sends: Vec<_> = decoded.iter().filter(|(_, d)| d.msg.kind == Kind::Push && d.msg.topic.as_deref() == inputs["send_to"].as_str()).collect();
    assert_eq!(sends.len(), 2);
    assert_eq!(Decoded::payload_text(&sends[0].0.bytes, &sends[0].1.msg.payload), inputs["body"].as_str());
    let receipt = s(&inputs["receipt"]);
    assert_eq!(key(&sends[0].1.msg.corr), Some((receipt, Role::Request)));
    assert!(decoded.iter().any(|(_, d)| d.msg.event.as_deref() == Some("RECEIPT") && key(&d.msg.corr) == Some((receipt, Role::Reply))));
    // The binary body, byte for byte.
    let want: Vec<u8> = inputs["binary_body"].as_array().unwrap().iter().map(|b| b.as_u64().unwrap() as u8).collect();
    let bin_msg = decoded.iter().find(|(f, d)| d.msg.kind == Kind::Broadcast && f.op == protocols::Opcode::Binary).unwrap();
    let Payload::Bytes(r) = &bin_msg.1.msg.payload else { panic!("binary body: {:?}", bin_msg.1.msg.payload) };
    assert_eq!(&bin_msg.0.bytes[r.clone()], &want[..]);
    let error = decoded.iter().find(|(_, d)| d.msg.kind == Kind::Error).unwrap();
    assert_eq!(error.1.msg.status, Some(Status::Error));
    assert!(error.0.text().contains(s(&inputs["error_message"])));
    assert!(decoded.iter().filter(|(_, d)| d.msg.kind == Kind::Heartbeat).count() >= 2);
}

#[test]
fn signalr_records() {
    let fx = load("signalr");
    let cfg = DecodeConfig::default();
    let (dec, decoded) = decode_all(&fx, 0, &cfg);
    // No subprotocol, no URL hint: the handshake record identifies it.
    assert_eq!(dec.protocol(), Some(Protocol::SignalR));
    assert_eq!(dec.detected_by(), Some(&DetectedBy::Content(0)));
    assert_none_raw(&decoded);
    let inputs = fx.inputs();
    // The frame that holds the completion and the ReceiveMessage invocation: two messages.
    let two = decoded.iter().find(|(_, d)| !d.more.is_empty()).unwrap();
    assert_eq!(two.1.msg.kind, Kind::Reply);
    assert_eq!(two.1.more[0].event.as_deref(), Some("ReceiveMessage"));
    let args: Value = serde_json::from_str(Decoded::payload_text(&two.0.bytes, &two.1.more[0].payload).unwrap()).unwrap();
    assert_eq!(args, serde_json::json!([inputs["user"], inputs["message"]]));
    // Stream: items then completion, correlated by invocationId.
    let stream = decoded.iter().find(|(_, d)| d.msg.event.as_deref() == Some("Counter")).unwrap();
    let id = stream.1.msg.corr.as_ref().unwrap().key.to_string();
    let items = decoded.iter().filter(|(_, d)| key(&d.msg.corr) == Some((id.as_str(), Role::StreamItem))).count();
    assert_eq!(items as u64, inputs["stream_count"].as_u64().unwrap());
    // The failing invocation's completion carries the error.
    let fail = decoded.iter().find(|(_, d)| d.msg.event.as_deref() == Some("Fail")).unwrap();
    let fid = fail.1.msg.corr.as_ref().unwrap().key.to_string();
    let done = decoded.iter().find(|(_, d)| key(&d.msg.corr) == Some((fid.as_str(), Role::Reply))).unwrap();
    assert_eq!(done.1.msg.status, Some(Status::Error));
    assert!(done.0.text().contains(s(&inputs["error_text"])));
    assert!(decoded.iter().filter(|(_, d)| d.msg.kind == Kind::Heartbeat).count() >= 3);
}

#[test]
fn json_rpc_requests_batches_and_errors() {
    let fx = load("json-rpc");
    let cfg = DecodeConfig::default();
    let (dec, decoded) = decode_all(&fx, 0, &cfg);
    assert_eq!(dec.protocol(), Some(Protocol::JsonRpc));
    assert_none_raw(&decoded);
    let inputs = fx.inputs();
    for req in inputs["requests"].as_array().unwrap() {
        let id = match &req["id"] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let sent = decoded.iter().find(|(_, d)| key(&d.msg.corr) == Some((id.as_str(), Role::Request))).unwrap();
        assert_eq!(sent.1.msg.event.as_deref(), req["method"].as_str());
        assert!(decoded.iter().any(|(_, d)| key(&d.msg.corr) == Some((id.as_str(), Role::Reply))));
    }
    let missing = decoded.iter().find(|(_, d)| d.msg.status == Some(Status::Error)).unwrap();
    assert_eq!(key(&missing.1.msg.corr).unwrap().0, inputs["requests"][2]["id"].to_string());
    // The batch: one message per element, both ways.
    let batch_len = inputs["batch"].as_array().unwrap().len();
    let batches: Vec<_> = decoded.iter().filter(|(_, d)| !d.more.is_empty()).collect();
    assert_eq!(batches.len(), 2);
    for (_, d) in batches {
        assert_eq!(d.messages().count(), batch_len);
    }
    // The notification expects nothing.
    let note = decoded.iter().find(|(_, d)| d.msg.event.as_deref() == inputs["notification"]["method"].as_str()).unwrap();
    assert!(note.1.msg.corr.is_none());
}

#[test]
fn msgpack_frames_as_trees() {
    let fx = load("msgpack");
    let cfg = DecodeConfig { generic: GenericJsonConfig { topic_path: Some("topic".into()), event_path: Some("type".into()) }, ..Default::default() };
    let (_, decoded) = decode_all(&fx, 0, &cfg);
    assert_none_raw(&decoded);
    let inputs = fx.inputs();
    let sent: Vec<_> = decoded.iter().filter(|(f, _)| f.dir == Direction::Out).collect();
    for ((f, d), want) in sent.iter().zip(inputs["messages"].as_array().unwrap()) {
        assert_eq!(d.protocol, Protocol::MessagePack);
        assert_eq!(d.msg.topic.as_deref(), want["topic"].as_str());
        assert_eq!(d.msg.event.as_deref(), want["type"].as_str());
        let tree = msgpack::parse(&f.bytes).unwrap();
        assert_eq!(tree.to_json(), *want);
    }
    // The replies echo each message and carry bin, negative, float and nil values.
    for ((_, _), (f, _)) in sent.iter().zip(decoded.iter().filter(|(f, _)| f.dir == Direction::In)) {
        let tree = msgpack::parse(&f.bytes).unwrap();
        let extra = &inputs["reply_extra"];
        assert_eq!(tree.get_path("neg").unwrap().to_json(), extra["neg"]);
        assert_eq!(tree.get_path("f").unwrap().to_json(), extra["f"]);
        assert_eq!(tree.get_path("nil").unwrap(), &msgpack::Value::Nil);
        let bin: Vec<u8> = extra["bin"].as_array().unwrap().iter().map(|b| b.as_u64().unwrap() as u8).collect();
        assert_eq!(tree.get_path("bin").unwrap(), &msgpack::Value::Bin(bin));
    }
}

#[test]
fn django_channels_typed_json_with_url_topic() {
    let fx = load("django-channels");
    let cfg = DecodeConfig::default();
    let (dec, decoded) = decode_all(&fx, 0, &cfg);
    assert_eq!(dec.protocol(), Some(Protocol::TypedJson));
    let inputs = fx.inputs();
    let conversation = s(&inputs["conversation_id"]);
    assert!(matches!(dec.detected_by(), Some(DetectedBy::Url(_))));
    let chat = decoded.iter().find(|(_, d)| d.msg.event.as_deref() == Some("chat_message")).unwrap();
    assert_eq!(chat.1.msg.topic.as_deref(), Some(conversation));
    let chunks = decoded.iter().filter(|(_, d)| d.msg.event.as_deref() == Some("stream_chunk")).count();
    assert_eq!(chunks, inputs["chunks"].as_array().unwrap().len());
    assert!(decoded.iter().any(|(_, d)| d.msg.kind == Kind::Heartbeat && d.msg.event.as_deref() == Some("ping")));
    assert!(decoded.iter().any(|(_, d)| d.msg.kind == Kind::Error));
    // The non-JSON frame that got the connection closed: raw, with the reason.
    let bad = decoded.iter().find(|(f, _)| f.text() == s(&inputs["bad_frame"])).unwrap();
    assert_eq!(bad.1.protocol, Protocol::Raw);
    assert!(bad.1.notes.contains(&Note::NotLockedProtocol));
    assert!(bad.1.why_raw[0].to_string().contains("not valid JSON"), "{}", bad.1.why_raw[0]);
    // A key path overrides the URL.
    let cfg2 = DecodeConfig { typed_json: protocols::TypedJsonConfig { topic_path: Some("message_id".into()), url_pattern: None }, ..Default::default() };
    let (_, decoded2) = decode_all(&fx, 0, &cfg2);
    let start = decoded2.iter().find(|(_, d)| d.msg.event.as_deref() == Some("stream_start")).unwrap();
    let want: Value = serde_json::from_str(start.0.text()).unwrap();
    assert_eq!(start.1.msg.topic.as_deref(), want["message_id"].as_str());
}

#[test]
fn generic_json_topic_key_path() {
    let fx = load("generic-json");
    let inputs = fx.inputs();
    let cfg = DecodeConfig { generic: GenericJsonConfig { topic_path: inputs["topic_path"].as_str().map(String::from), event_path: None }, ..Default::default() };
    let (dec, decoded) = decode_all(&fx, 0, &cfg);
    assert_eq!(dec.protocol(), None, "generic JSON never locks");
    let topics: Vec<_> = decoded.iter().filter(|(f, _)| f.dir == Direction::In).map(|(_, d)| d.msg.topic.as_deref().unwrap().to_owned()).collect();
    let want: Vec<String> = inputs["channels"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_owned()).collect();
    assert_eq!(topics, want);
    assert!(decoded.iter().all(|(_, d)| d.protocol == Protocol::GenericJson));
}

#[test]
fn raw_fallback_says_why_for_every_candidate() {
    let cfg = DecodeConfig::default();
    let mut d = ConnectionDecoder::default();
    let out = d.decode(&protocols::FrameInput::text(Direction::In, "hello, not a protocol"), &cfg);
    assert_eq!(out.protocol, Protocol::Raw);
    let tried: Vec<Protocol> = out.why_raw.iter().map(|m| m.protocol).collect();
    assert_eq!(tried, protocols::detect::CONTENT_ORDER.to_vec());
    assert!(out.why_raw.iter().all(|m| !m.to_string().is_empty()));
    // Binary garbage too.
    let out = d.decode(&protocols::FrameInput::binary(Direction::In, &[0xc1, 0xff]), &cfg);
    assert_eq!(out.protocol, Protocol::Raw);
    assert!(out.why_raw.iter().any(|m| m.protocol == Protocol::MessagePack));
}

#[test]
fn content_detection_without_any_hints() {
    // Strip the URL and subprotocol: content alone must still name each framework protocol.
    let cfg = DecodeConfig::default();
    for (name, want) in [
        ("phoenix-v2", Protocol::PhoenixV2),
        ("phoenix-v1", Protocol::PhoenixV1),
        ("socketio", Protocol::SocketIo),
        ("graphql-ws", Protocol::GraphqlWs),
        ("subscriptions-transport-ws", Protocol::SubscriptionsTransportWs),
        ("actioncable", Protocol::ActionCable),
        ("stomp", Protocol::Stomp),
        ("signalr", Protocol::SignalR),
        ("json-rpc", Protocol::JsonRpc),
    ] {
        let fx = load(name);
        let mut d = ConnectionDecoder::default();
        for f in fx.frames_of(0) {
            d.decode(&f.input(), &cfg);
        }
        assert_eq!(d.protocol(), Some(want), "{name}");
    }
}

#[test]
fn truncated_frames_are_noted_and_still_decode() {
    let fx = load("stomp");
    let f = fx.frames.iter().find(|f| f.text().starts_with("SEND")).unwrap();
    let cut = &f.bytes[..f.bytes.len() - 5];
    let input = protocols::FrameInput { dir: f.dir, op: f.op, bytes: cut, truncated: true };
    let cfg = DecodeConfig::default();
    let mut d = ConnectionDecoder::new(&Hints { url: "", requested: &[], negotiated: Some("v12.stomp") }, &cfg);
    let out = d.decode(&input, &cfg);
    assert_eq!(out.protocol, Protocol::Stomp);
    assert!(out.notes.contains(&Note::Truncated));
}
