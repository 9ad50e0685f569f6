//! Diagnostics rules against recorded sessions: the synthetic scenarios of
//! `fixtures/diagnostics/generate.py` (one per guide symptom, real PyJWT tokens) and the real
//! captures of phoenix.js and a Django Channels client in `fixtures/protocols/`.

#[path = "fixture_support/mod.rs"]
mod fixture_support;

use serde_json::Value;
use socketscope_core::close_codes::{parse_project_profile, DJANGO_EXAMPLE_PROFILE};
use socketscope_core::diagnostics::{diagnose, Context, Diagnosis, Evidence, Rule};
use socketscope_core::jwt::{self, times};
use socketscope_core::schema::{self, Parsed};
use socketscope_core::session::{FrameRef, Model, ModelConfig};

fn rule_name(r: Rule) -> String {
    serde_json::to_value(r).unwrap().as_str().unwrap().to_string()
}

fn context(spec: &Value, now_ms: f64) -> Context {
    let mut ctx = match spec.get("preset").and_then(Value::as_str) {
        Some("document_service") => Context::document_service(now_ms),
        None => Context::new(now_ms),
        Some(other) => panic!("unknown preset {other}"),
    };
    for p in spec.get("projects").and_then(Value::as_array).into_iter().flatten() {
        assert_eq!(p, "django-example");
        ctx.project_profiles.push(parse_project_profile(DJANGO_EXAMPLE_PROFILE).profile.unwrap());
    }
    ctx
}

fn mention(m: &Value) -> String {
    match m {
        Value::String(s) => s.clone(),
        Value::Object(o) if o.contains_key("duration_ms") => times::human_duration(o["duration_ms"].as_f64().unwrap()),
        Value::Object(o) if o.contains_key("utc_ms") => times::format_utc(o["utc_ms"].as_f64().unwrap()),
        other => panic!("unknown mention {other}"),
    }
}

fn cites(d: &Diagnosis, at: FrameRef) -> bool {
    d.evidence.iter().any(|e| matches!(e, Evidence::Frame { at: a, .. } if *a == at))
}

fn dump(ds: &[Diagnosis]) -> String {
    ds.iter().map(|d| format!("  [{:?}] {:?} conn {:?}: {}\n", d.severity, d.rule, d.conn, d.cause)).collect()
}

#[test]
fn every_scenario_yields_its_rule_with_its_evidence() {
    let path = format!("{}/tests/fixtures/diagnostics/scenarios.json", env!("CARGO_MANIFEST_DIR"));
    let all: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let t0 = all["t0"].as_f64().unwrap();
    let scenarios = all["scenarios"].as_array().unwrap();
    let mut rules_seen = std::collections::BTreeSet::new();
    for sc in scenarios {
        let name = sc["name"].as_str().unwrap();
        let parsed = schema::parse_batch_value(sc["batch"].clone()).unwrap();
        assert!(parsed.errors.is_empty(), "{name}: {:?}", parsed.errors);
        let mut model = Model::new(ModelConfig::default());
        model.ingest_batch(&parsed);
        let ctx = context(&sc["context"], t0 + 3_600_000.0);
        let ds = diagnose(&model, &ctx);
        if std::env::var("DIAG_DUMP").is_ok() { eprintln!("== {name}\n{}", dump(&ds)); }
        for d in &ds {
            assert!(!d.cause.is_empty() && !d.next_step.is_empty(), "{name}: {d:?}");
        }
        for e in sc["expect"].as_array().unwrap() {
            let rule = e["rule"].as_str().unwrap();
            let conn = model.connections()[e["conn"].as_u64().unwrap() as usize].id;
            let d = ds
                .iter()
                .find(|d| rule_name(d.rule) == rule && d.conn == Some(conn))
                .unwrap_or_else(|| panic!("{name}: no {rule} for conn {conn}; got:\n{}", dump(&ds)));
            for m in e["mentions"].as_array().unwrap() {
                let m = mention(m);
                assert!(d.cause.contains(&m), "{name}/{rule}: cause lacks {m:?}: {}", d.cause);
            }
            for f in e["frames"].as_array().unwrap() {
                let at = FrameRef { conn, index: f.as_u64().unwrap() as u32 };
                assert!(cites(d, at), "{name}/{rule}: evidence lacks frame {at:?}: {:#?}", d.evidence);
            }
            rules_seen.insert(rule.to_string());
        }
        for r in sc["absent"].as_array().unwrap() {
            assert!(!ds.iter().any(|d| rule_name(d.rule) == r.as_str().unwrap()), "{name}: {r} must not fire:\n{}", dump(&ds));
        }
    }
    assert!(rules_seen.len() >= 17, "scenarios cover only {rules_seen:?}");
}

fn capture_model(name: &str) -> (fixture_support::Fixture, Model) {
    let fx = fixture_support::load(name);
    let events = fx.events("p1", 1_800_000_000_000.0);
    let parsed = Parsed { tab: None, page: "p1".into(), events, errors: vec![] };
    let mut model = Model::new(ModelConfig::default());
    model.ingest_batch(&parsed);
    (fx, model)
}

/// Index (within socket 0's frames) of the first frame whose text contains `needle`.
fn frame_index(fx: &fixture_support::Fixture, socket: usize, needle: &str) -> u32 {
    fx.frames_of(socket).position(|f| f.text().contains(needle)).unwrap_or_else(|| panic!("no frame with {needle}")) as u32
}

#[test]
fn phoenix_js_capture_submit_before_connect_document_and_session_not_found() {
    let (fx, model) = capture_model("phoenix-v2");
    let ctx = Context::document_service(1_800_000_000_000.0 + 3_600_000.0);
    let ds = diagnose(&model, &ctx);
    let conn = model.connections()[0].id;
    // phoenix.js pushed submitOp before connect_document; the server said not_authenticated.
    let d = ds.iter().find(|d| d.rule == Rule::ActionBeforeAuth).unwrap_or_else(|| panic!("{}", dump(&ds)));
    let submit = frame_index(&fx, 0, "\"submitOp\"");
    let connect = frame_index(&fx, 0, "\"connect_document\"");
    assert!(submit < connect);
    assert!(cites(d, FrameRef { conn, index: submit }), "{d:#?}");
    assert!(cites(d, FrameRef { conn, index: connect }), "{d:#?}");
    assert!(d.cause.contains("not_authenticated") && d.cause.contains(&format!("frame #{submit}")), "{}", d.cause);
    // Joining the missing document's topic answered "session not found".
    let missing = fx.inputs()["missing_topic"].as_str().unwrap();
    let d = ds.iter().find(|d| d.rule == Rule::ErrorReply && d.cause.contains(missing)).unwrap_or_else(|| panic!("{}", dump(&ds)));
    assert!(d.cause.contains("session not found"), "{}", d.cause);
    assert!(d.next_step.contains("session"), "{}", d.next_step);
    // The token phoenix.js sent grants doc:read only, yet submitOp was answered ok: no scope error.
    assert!(!ds.iter().any(|d| d.rule == Rule::MissingScope && d.severity == socketscope_core::diagnostics::Severity::Error), "{}", dump(&ds));
}

#[test]
fn django_capture_4005_cites_the_bad_frame_and_4001_the_expired_token() {
    let (fx, model) = capture_model("django-channels");
    let mut ctx = Context::new(1_800_000_000_000.0 + 3_600_000.0);
    ctx.project_profiles.push(parse_project_profile(DJANGO_EXAMPLE_PROFILE).profile.unwrap());
    let ds = diagnose(&model, &ctx);
    let inputs = fx.inputs();

    let c0 = model.connections()[0].id;
    assert_eq!(model.connections()[0].close.as_ref().unwrap().code as u64, inputs["close_bad_frame"]["code"].as_u64().unwrap());
    let bad = inputs["bad_frame"].as_str().unwrap();
    let d = ds.iter().find(|d| d.rule == Rule::InvalidMessage && d.conn == Some(c0)).unwrap_or_else(|| panic!("{}", dump(&ds)));
    assert!(d.cause.contains(bad) && d.cause.contains("not JSON"), "{}", d.cause);
    assert!(cites(d, FrameRef { conn: c0, index: frame_index(&fx, 0, bad) }), "{d:#?}");

    let c1 = model.connections()[1].id;
    let d = ds.iter().find(|d| d.rule == Rule::AuthRejected && d.conn == Some(c1)).unwrap_or_else(|| panic!("{}", dump(&ds)));
    let expired = jwt::decode(inputs["expired_token"].as_str().unwrap());
    let exp_ms = expired.claims.unwrap()["exp"].as_f64().unwrap() * 1000.0;
    assert!(d.cause.contains("had expired when the socket connected"), "{}", d.cause);
    assert!(d.cause.contains(&times::format_utc(exp_ms)), "{}", d.cause);
    assert!(d.evidence.iter().any(|e| matches!(e, Evidence::Token { .. })), "{d:#?}");
    // Every close is explained too.
    assert_eq!(ds.iter().filter(|d| d.rule == Rule::CloseExplained).count(), model.connections().iter().filter(|c| c.close.is_some()).count());
}

/// Chromium fails a non-101 handshake as `net::ERR_FAILED` without telling extensions the status
/// (measured with Daphne's 403 in tests/e2e/real-apps.test.mjs). That must read as "the server
/// refused the upgrade", not "nothing answered", which stays the reading of a refused connection.
#[test]
fn chromium_refused_upgrade_is_not_mistaken_for_a_dead_server() {
    let path = format!("{}/tests/fixtures/diagnostics/scenarios.json", env!("CARGO_MANIFEST_DIR"));
    let all: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let t0 = all["t0"].as_f64().unwrap();
    let base = all["scenarios"].as_array().unwrap().iter().find(|s| s["name"] == "connection_refused").unwrap();
    let refused_cause = |error: &str| {
        let mut batch = base["batch"].clone();
        for ev in batch["events"].as_array_mut().unwrap() {
            if ev["type"] == "handshake" {
                ev["error"] = Value::String(error.into());
            }
        }
        let parsed: Parsed = schema::parse_batch_value(batch).unwrap();
        let mut model = Model::new(ModelConfig::default());
        model.ingest_batch(&parsed);
        let ds = diagnose(&model, &Context::new(t0 + 1000.0));
        let d = ds.iter().find(|d| d.rule == Rule::HandshakeRefused).unwrap_or_else(|| panic!("{}", dump(&ds)));
        (d.cause.clone(), d.next_step.clone())
    };
    let (cause, next) = refused_cause("net::ERR_FAILED");
    assert!(cause.contains("answered the WebSocket upgrade") && cause.contains("net::ERR_FAILED"), "{cause}");
    assert!(next.contains("403") && next.contains("accept()"), "{next}");
    let (cause, next) = refused_cause("net::ERR_CONNECTION_REFUSED");
    assert!(cause.contains("without an HTTP response"), "{cause}");
    assert!(next.contains("Nothing answered"), "{next}");
}
