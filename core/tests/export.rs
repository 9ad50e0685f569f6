//! Session file and HAR export/import, checked against the captured fixtures and against the
//! rules Chrome's HAR importer applies (devtools-frontend `models/har/HARFormat.ts` and
//! `Importer.ts`), restated here as a validator.

mod fixture_support;

use fixture_support::load;
use serde_json::{json, Value};
use socketscope_core::export::{self, ExportOptions, ImportError};
use socketscope_core::har;
use socketscope_core::protocols::{base64, phoenix, Direction, FrameInput, Protocol};
use socketscope_core::schema::Parsed;
use socketscope_core::session::{FrameRef, Model};

const T0: f64 = 1_700_000_000_000.0;
const ALL: [&str; 12] = ["phoenix-v2", "phoenix-v1", "socketio", "graphql-ws", "subscriptions-transport-ws", "actioncable", "stomp", "signalr", "json-rpc", "msgpack", "django-channels", "generic-json"];

fn model_of(name: &str) -> Model {
    let fx = load(name);
    let mut m = Model::default();
    m.ingest_batch(&Parsed { tab: Some(7), page: "doc1".into(), events: fx.events("doc1", T0), errors: vec![] });
    m
}

fn no_redact() -> ExportOptions {
    ExportOptions { redact: false, now: T0 }
}

/// Everything a connection shows, for comparing two models.
fn summary(m: &Model) -> Vec<Value> {
    m.connections()
        .iter()
        .map(|c| {
            let frames: Vec<Value> = (0..c.frames.len() as u32)
                .map(|i| {
                    let f = m.frame(FrameRef { conn: c.id, index: i }).unwrap();
                    json!([f.record.t, format!("{:?}", f.record.dir()), f.wire_data(), format!("{:?}", f.record.kind()), f.topic, f.event])
                })
                .collect();
            let exchanges: Vec<Value> = c.correlation.exchanges.iter().map(|x| json!([x.key, x.request, x.reply, x.latency_ms])).collect();
            json!({
                "url": c.url, "requested": c.requested, "negotiated": c.negotiated, "created": c.created,
                "transitions": c.transitions, "close": c.close, "frames": frames, "exchanges": exchanges,
                "topics": c.topics.iter().map(|t| json!([m.name(t.name), t.state, t.timeline])).collect::<Vec<_>>(),
            })
        })
        .collect()
}

#[test]
fn session_file_round_trips_every_fixture() {
    for name in ALL {
        let m = model_of(name);
        let text = export::export_session(&m, &no_redact());
        let back = export::import_session(&text).unwrap();
        assert!(back.issues.is_empty(), "{name}: {:?}", back.issues);
        assert_eq!(summary(&back.model), summary(&m), "{name}");
        assert_eq!(back.model.pages()[0].tab, Some(7));
    }
}

#[test]
fn session_import_keeps_good_events_and_reports_bad_ones() {
    let m = model_of("graphql-ws");
    let mut file: Value = serde_json::from_str(&export::export_session(&m, &no_redact())).unwrap();
    let events = file["pages"][0]["events"].as_array_mut().unwrap();
    let total = events.len();
    events[5] = json!({"seq": 6, "type": "frame", "dir": "sideways"});
    let back = export::import_session(&file.to_string()).unwrap();
    assert_eq!(back.issues.len(), 1);
    assert_eq!(back.issues[0].at, "pages[0].events[5]");
    assert_eq!(back.model.pages()[0].seqs.count() as usize, total - 1);

    assert!(matches!(export::import_session("{"), Err(ImportError::NotJson(_))));
    assert!(matches!(export::import_session("{\"log\":{}}"), Err(ImportError::WrongFormat(_))));
    let newer = json!({"format": export::FORMAT, "version": export::SESSION_VERSION + 1, "pages": []});
    let err = export::import_session(&newer.to_string()).unwrap_err();
    assert!(err.to_string().contains("newer"), "{err}");
}

#[test]
fn redaction_is_on_by_default_and_removes_every_token() {
    for (name, tokens) in [("phoenix-v2", vec!["token"]), ("django-channels", vec!["token", "expired_token"])] {
        let fx = load(name);
        let m = model_of(name);
        let text = export::export_session(&m, &ExportOptions::default());
        let har_text = har::export_har(&m, &ExportOptions::default()).to_string();
        for key in tokens {
            let token = fx.inputs()[key].as_str().unwrap();
            let (header, rest) = token.split_once('.').unwrap();
            let claims = rest.split('.').next().unwrap();
            assert!(text.contains(header), "the header stays (it names the algorithm)");
            assert!(!text.contains(claims), "{name}: claims of {key} leaked into the session file");
            assert!(!har_text.contains(claims), "{name}: claims of {key} leaked into the HAR");
        }
        let file: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(file["redacted"], true);
    }
    // phoenix.js puts the token, base64url-encoded, into a subprotocol.
    let fx = load("phoenix-v2");
    let bearer = fx.requested(0).into_iter().find(|p| p.starts_with("base64url.bearer.phx.")).unwrap();
    let text = export::export_session(&model_of("phoenix-v2"), &ExportOptions::default());
    assert!(!text.contains(&bearer));
    assert!(text.contains(&format!("base64url.bearer.phx.{}", export::REDACTED)));
    // Without redaction, the token is there.
    let plain = export::export_session(&model_of("phoenix-v2"), &no_redact());
    assert!(plain.contains(fx.inputs()["token"].as_str().unwrap()));
}

#[test]
fn binary_redaction_keeps_frame_layouts_intact() {
    // A Phoenix binary push (the fixture's upload frame) whose payload carries the token.
    let fx = load("phoenix-v2");
    let token = fx.inputs()["token"].as_str().unwrap();
    let upload = fx.frames.iter().find(|f| f.dir == Direction::Out && f.op == socketscope_core::protocols::Opcode::Binary).unwrap();
    let mut bytes = upload.bytes.clone();
    bytes.extend_from_slice(format!("{{\"t\":\"{token}\"}}").as_bytes());
    let before = phoenix::decode_v2(&FrameInput::binary(Direction::Out, &bytes)).unwrap().into_owned();
    let mut redacted = bytes.clone();
    assert_eq!(export::redact_bytes(&mut redacted), 1);
    assert_eq!(redacted.len(), bytes.len());
    let after = phoenix::decode_v2(&FrameInput::binary(Direction::Out, &redacted)).unwrap();
    assert_eq!(after.msg.topic, before.msg.topic);
    assert_eq!(after.msg.event, before.msg.event);
    assert!(!String::from_utf8_lossy(&redacted).contains(token));
    let _ = base64::encode(&redacted);
}

/// Chrome's HAR import rules, as a validator: Err where Chrome throws on the whole file; Ok with
/// the number of WebSocket messages Chrome keeps.
fn chrome_accepts(har: &Value) -> Result<usize, String> {
    let obj = |v: &Value, what: &str| if v.is_object() { Ok(()) } else { Err(format!("{what} is not an object")) };
    let number = |v: &Value, what: &str| match v {
        Value::Number(_) => Ok(()),
        Value::String(s) if s.trim().parse::<f64>().is_ok() => Ok(()),
        _ => Err(format!("{what} is not a number")),
    };
    let date = |v: &Value, what: &str| v.as_str().and_then(har::ms_from_iso).map(|_| ()).ok_or(format!("{what} is not a date"));
    obj(har, "root")?;
    let log = &har["log"];
    obj(log, "log")?;
    obj(&log["creator"], "log.creator")?;
    if let Some(pages) = log["pages"].as_array() {
        for p in pages {
            obj(p, "page")?;
            date(&p["startedDateTime"], "page.startedDateTime")?;
            obj(&p["pageTimings"], "page.pageTimings")?;
        }
    }
    let entries = log["entries"].as_array().ok_or("log.entries is not an array")?;
    let mut kept = 0;
    for e in entries {
        obj(e, "entry")?;
        date(&e["startedDateTime"], "entry.startedDateTime")?;
        number(&e["time"], "entry.time")?;
        obj(&e["request"], "entry.request")?;
        number(&e["request"]["headersSize"], "request.headersSize")?;
        number(&e["request"]["bodySize"], "request.bodySize")?;
        obj(&e["response"], "entry.response")?;
        number(&e["response"]["status"], "response.status")?;
        number(&e["response"]["headersSize"], "response.headersSize")?;
        number(&e["response"]["bodySize"], "response.bodySize")?;
        obj(&e["response"]["content"], "response.content")?;
        number(&e["response"]["content"]["size"], "content.size")?;
        obj(&e["timings"], "entry.timings")?;
        for t in ["send", "wait", "receive"] {
            number(&e["timings"][t], &format!("timings.{t}"))?;
        }
        if let Some(msgs) = e["_webSocketMessages"].as_array() {
            for m in msgs {
                if !m.is_object() {
                    break;
                }
                let type_ok = matches!(m["type"].as_str(), Some("send" | "receive" | "error"));
                if m.get("time").is_some() && type_ok && m.get("opcode").is_some() && m.get("data").is_some() {
                    kept += 1;
                }
            }
        }
    }
    Ok(kept)
}

#[test]
fn har_export_passes_chromes_import_rules_for_every_fixture() {
    for name in ALL {
        let fx = load(name);
        let m = model_of(name);
        let h = har::export_har(&m, &no_redact());
        let kept = chrome_accepts(&h).unwrap_or_else(|e| panic!("{name}: Chrome would refuse: {e}"));
        assert_eq!(kept, fx.frames.len(), "{name}");
        let entries = h["log"]["entries"].as_array().unwrap();
        assert_eq!(entries.len(), m.connections().len());
        // Message shape: type, epoch-seconds time, opcode 1/2, base64 for binary.
        let msgs: Vec<&Value> = entries.iter().flat_map(|e| e["_webSocketMessages"].as_array().unwrap()).collect();
        for (msg, f) in msgs.iter().zip(&fx.frames) {
            assert_eq!(msg["type"], if f.dir == Direction::Out { "send" } else { "receive" });
            assert_eq!(msg["opcode"], if f.op == socketscope_core::protocols::Opcode::Text { 1 } else { 2 });
            assert_eq!(msg["data"], f.data.as_str());
            assert!((msg["time"].as_f64().unwrap() - (T0 + f.t) / 1000.0).abs() < 1e-6);
        }
        assert_eq!(entries[0]["_resourceType"], "websocket");
    }
}

#[test]
fn har_round_trip_restores_frames_and_closes() {
    for name in ALL {
        let m = model_of(name);
        let h = har::export_har(&m, &no_redact()).to_string();
        let back = har::import_har(&h).unwrap();
        assert!(back.issues.is_empty(), "{name}: {:?}", back.issues);
        let (a, b) = (&m.connections(), &back.model.connections());
        assert_eq!(a.len(), b.len(), "{name}");
        for (x, y) in a.iter().zip(b.iter()) {
            assert_eq!(x.url, y.url);
            assert_eq!(x.requested, y.requested);
            assert_eq!(x.negotiated, y.negotiated, "{name}");
            assert_eq!(x.frames.len(), y.frames.len());
            assert_eq!(x.close.as_ref().map(|c| (c.code, c.reason.clone())), y.close.as_ref().map(|c| (c.code, c.reason.clone())), "{name}");
            for i in 0..x.frames.len() as u32 {
                let (fa, fb) = (m.frame(FrameRef { conn: x.id, index: i }).unwrap(), back.model.frame(FrameRef { conn: y.id, index: i }).unwrap());
                assert_eq!(fa.wire_data(), fb.wire_data());
                assert_eq!(fa.record.protocol(), fb.record.protocol(), "{name} frame {i}");
                assert!((fa.record.t - fb.record.t).abs() < 1e-3);
            }
        }
    }
}

#[test]
fn har_import_skips_what_chrome_skips_and_says_so() {
    let good = json!({"type": "receive", "time": 1700000000.5, "opcode": 1, "data": "[null,null,\"room:1\",\"new_msg\",{}]"});
    let har = json!({"log": {"version": "1.2", "creator": {"name": "WebInspector", "version": "537.36"}, "pages": [], "entries": [
        {"startedDateTime": "2023-11-14T22:13:20.000Z", "time": 10, "request": {"method": "GET", "url": "wss://example.test/socket/websocket?vsn=2.0.0", "httpVersion": "HTTP/1.1", "headers": [], "queryString": [], "cookies": [], "headersSize": -1, "bodySize": 0},
         "response": {"status": 101, "statusText": "Switching Protocols", "httpVersion": "HTTP/1.1", "headers": [], "cookies": [], "content": {"size": 0, "mimeType": "x-unknown"}, "redirectURL": "", "headersSize": -1, "bodySize": -1},
         "cache": {}, "timings": {"send": 0, "wait": 5, "receive": 0}, "_resourceType": "websocket",
         "_webSocketMessages": [
            good,
            {"type": "receive", "opcode": 1, "data": "x"},
            {"type": "receive", "time": 1700000001.0, "data": "x"},
            {"type": "receive", "time": 1700000001.0, "opcode": 1},
            {"type": "sideways", "time": 1700000001.0, "opcode": 1, "data": "x"},
            {"type": "send", "time": 1700000002.0, "opcode": 2, "data": "AQID"},
            "not an object",
            good
         ]},
        {"startedDateTime": "yesterday", "request": {"url": "wss://x/"}, "_resourceType": "websocket"},
        {"startedDateTime": "2023-11-14T22:13:20.000Z", "request": {"url": "https://example.test/app.js"}, "_resourceType": "script"}
    ]}});
    assert_eq!(chrome_accepts(&json!({"log": {"creator": {}, "entries": [har["log"]["entries"][0].clone()]}})).unwrap(), 2);
    let back = har::import_har(&har.to_string()).unwrap();
    let c = &back.model.connections()[0];
    assert_eq!(c.frames.len(), 2, "the good text frame and the binary one");
    assert_eq!(c.protocol().unwrap().0, Protocol::PhoenixV2);
    let f = back.model.frame(FrameRef { conn: 0, index: 0 }).unwrap();
    assert_eq!(f.record.t, 1_700_000_000_500.0);
    assert_eq!(f.topic, Some("room:1"));
    let binary = back.model.frame(FrameRef { conn: 0, index: 1 }).unwrap();
    assert_eq!(binary.data, &[1, 2, 3]);
    let problems: Vec<&str> = back.issues.iter().map(|i| i.at.as_str()).collect();
    assert_eq!(problems, vec![
        "log.entries[0]._webSocketMessages[1]",
        "log.entries[0]._webSocketMessages[2]",
        "log.entries[0]._webSocketMessages[3]",
        "log.entries[0]._webSocketMessages[4]",
        "log.entries[0]._webSocketMessages[6]",
        "log.entries[1].startedDateTime",
    ]);
    assert_eq!(back.model.connections().len(), 1, "the script entry is not a socket");
    assert!(matches!(har::import_har("[]"), Err(ImportError::WrongFormat(_))));
}

/// Equal JSON, numbers within `eps`.
fn same_within(a: &Value, b: &Value, eps: f64) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => (x.as_f64().unwrap() - y.as_f64().unwrap()).abs() <= eps,
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_within(x, y, eps)),
        (Value::Object(x), Value::Object(y)) => x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same_within(v, w, eps))),
        _ => a == b,
    }
}

/// The panel converts HARs in a module of its own (`har/`): a HAR becomes a session file on import,
/// and a session file becomes a HAR on export. Both detours must give what the direct functions give.
#[test]
fn har_detours_through_session_files_change_nothing() {
    for name in ALL {
        let m = model_of(name);
        for redact in [false, true] {
            let opts = ExportOptions { redact, now: T0 };
            let direct = serde_json::to_string_pretty(&har::export_har(&m, &opts)).unwrap();
            let via_session = har::har_from_session(&export::export_session(&m, &opts), &opts).unwrap();
            assert_eq!(via_session, direct, "{name} redact={redact}");
        }
        let h = har::export_har(&m, &no_redact()).to_string();
        let direct = har::import_har(&h).unwrap();
        let converted = har::session_from_har(&h, T0).unwrap();
        assert_eq!(converted.issues, direct.issues, "{name}");
        let via_session = export::import_session(&converted.session).unwrap();
        // Times may move in the last bits (the model keeps them relative to the connection's start).
        let (a, b) = (json!(summary(&via_session.model)), json!(summary(&direct.model)));
        assert!(same_within(&a, &b, 1e-3), "{name}:\n{a}\n{b}");
    }
    // What is not a HAR says so, whichever way it comes.
    assert!(matches!(har::session_from_har("{\"log\": 1}", T0), Err(ImportError::WrongFormat(_))));
    assert!(matches!(har::har_from_session("[]", &no_redact()), Err(ImportError::WrongFormat(_))));
}
