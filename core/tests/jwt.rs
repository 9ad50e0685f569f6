//! JWT inspection and verification against tokens made by PyJWT (see
//! `tests/fixtures/jwt/generate.py`). Expectations are computed from each case's inputs: its
//! claims, the recorded moments, how it was signed and how it was mutated.

use serde_json::{Map, Value};
use socketscope_core::jwt::{
    self, find_in_subprotocols, find_in_text, find_in_url, inspect, verify, FindingCode, InspectOptions, KeyInput,
    Moments, Outcome, ScopeMap, SecretEncoding, SubprotocolForm, TimeClaim, TokenLocation, VerifyOptions,
};
use std::collections::BTreeSet;
use std::path::PathBuf;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn read(rel: &str) -> String {
    let p = dir().join(rel);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn json(rel: &str) -> Value {
    serde_json::from_str(&read(rel)).unwrap()
}

fn tokens() -> Value {
    json("jwt/tokens.json")
}

fn cases() -> Vec<Value> {
    tokens()["cases"].as_array().unwrap().clone()
}

fn key_input(spec: &Value) -> KeyInput {
    let secrets = json("jwt/keys/secrets.json");
    let file = || read(&format!("jwt/keys/{}", spec["file"].as_str().unwrap()));
    match spec["kind"].as_str().unwrap() {
        "secret" => KeyInput::Secret {
            secret: secrets[spec["secret"].as_str().unwrap()].as_str().unwrap().into(),
            encoding: SecretEncoding::Utf8,
        },
        "secret_base64" => KeyInput::Secret {
            secret: secrets[spec["secret"].as_str().unwrap()].as_str().unwrap().into(),
            encoding: SecretEncoding::Base64,
        },
        "pem" => KeyInput::Pem(file()),
        "jwk" => KeyInput::Jwk(file()),
        "jwks" => KeyInput::Jwks(file()),
        other => panic!("unknown key kind {other}"),
    }
}

fn outcome_name(o: Outcome) -> &'static str {
    match o {
        Outcome::Valid => "valid",
        Outcome::ValidSignatureBadTime => "valid_signature_bad_time",
        Outcome::InvalidSignature => "invalid_signature",
        Outcome::NoUsableKey => "no_usable_key",
        Outcome::NotVerifiable => "not_verifiable",
    }
}

fn moments() -> (Moments, f64) {
    let t = tokens();
    let m = &t["moments"];
    (
        Moments {
            now_ms: m["now_ms"].as_f64().unwrap(),
            connect_ms: m["connect_ms"].as_f64(),
            close_ms: m["close_ms"].as_f64(),
        },
        t["verify_at_ms"].as_f64().unwrap(),
    )
}

fn scope_map() -> ScopeMap {
    let t = tokens();
    let ops = t["scope_map"].as_object().unwrap();
    ScopeMap {
        operations: ops
            .iter()
            .map(|(op, req)| jwt::scopes::OperationScopes {
                operation: op.clone(),
                requires: req.as_array().unwrap().iter().map(|s| s.as_str().unwrap().into()).collect(),
            })
            .collect(),
    }
}

#[test]
fn every_signed_case_verifies_as_generated() {
    let (_, at) = moments();
    let mut checked = 0;
    for case in cases().iter().filter(|c| c["expect_outcome"] != "malformed") {
        let name = case["name"].as_str().unwrap();
        let v = verify(case["token"].as_str().unwrap(), &key_input(&case["key"]), &VerifyOptions { now_ms: at, leeway_s: 0 });
        assert_eq!(outcome_name(v.outcome), case["expect_outcome"].as_str().unwrap(), "{name}: {:#?}", v.findings);
        for f in &v.findings {
            assert!(!f.message.is_empty(), "{name}");
        }
        if v.outcome == Outcome::Valid {
            assert!(v.verified_with.is_some(), "{name}");
            assert!(v.has(FindingCode::SignatureValid), "{name}");
        }
        if case.get("private_key_given").is_some() {
            assert!(v.has(FindingCode::PrivateKeyGiven), "{name}");
        }
        if case.get("encoding_hint").is_some() {
            assert!(v.findings.iter().any(|f| f.message.contains("read as base64")), "{name}: {:#?}", v.findings);
        }
        if case.get("alg_confusion").is_some() {
            let f = v.findings.iter().find(|f| f.code == FindingCode::KeyAlgMismatch).expect(name);
            assert!(f.message.contains("algorithm confusion"), "{name}");
        }
        if let Some(len) = case.get("der_signature_len").and_then(Value::as_u64) {
            assert!(v.findings.iter().any(|f| f.message.contains(&format!("{len} bytes")) && f.message.contains("DER")), "{name}");
        }
        if v.outcome == Outcome::NoUsableKey && case["key"]["kind"] == "jwks" {
            let kid = jwt::decode(case["token"].as_str().unwrap()).kid().unwrap().to_string();
            assert!(v.findings.iter().any(|f| f.code == FindingCode::NoKeyForKid && f.message.contains(&kid)), "{name}");
        }
        if case["key"]["kind"] == "jwks" {
            // The JWKS also holds an Ed25519 key Socketscope can't use: it is named and skipped.
            assert!(v.findings.iter().any(|f| f.code == FindingCode::BadKey && f.message.contains("ed-1")), "{name}");
        }
        checked += 1;
    }
    assert!(checked >= 30, "only {checked} cases");
}

#[test]
fn verify_judges_times_at_the_given_now_with_leeway() {
    let (m, _) = moments();
    let case = cases().into_iter().find(|c| c["name"] == "expired_before_close").unwrap();
    let exp_ms = case["claims"]["exp"].as_f64().unwrap() * 1000.0;
    let token = case["token"].as_str().unwrap();
    let key = key_input(&case["key"]);
    let just_after = exp_ms + 5_000.0;
    let v = verify(token, &key, &VerifyOptions { now_ms: just_after, leeway_s: 0 });
    assert_eq!(v.outcome, Outcome::ValidSignatureBadTime);
    assert!(v.has(FindingCode::ExpiredNow));
    let v = verify(token, &key, &VerifyOptions { now_ms: just_after, leeway_s: 10 });
    assert_eq!(v.outcome, Outcome::Valid, "10 s of leeway covers 5 s past exp");
    let v = verify(token, &key, &VerifyOptions { now_ms: m.now_ms, leeway_s: 10 });
    assert_eq!(v.outcome, Outcome::ValidSignatureBadTime);
}

/// The finding codes inspection must report for a well-formed case, derived from its claims.
fn expected_codes(case: &Value, m: &Moments, required: &[&str], map: &ScopeMap) -> BTreeSet<String> {
    let c = case["claims"].as_object().unwrap();
    let mut want = BTreeSet::new();
    let mut add = |code: FindingCode| {
        want.insert(format!("{code:?}"));
    };
    let (connect, close, now) = (m.connect_ms.unwrap(), m.close_ms.unwrap(), m.now_ms);
    match c.get("exp") {
        Some(Value::Number(n)) => {
            let exp = n.as_f64().unwrap() * 1000.0;
            if exp <= connect {
                add(FindingCode::ExpiredAtConnect)
            } else if exp <= close {
                add(FindingCode::ExpiredBeforeClose)
            } else if exp <= now {
                add(FindingCode::ExpiredNow)
            }
        }
        Some(_) => add(FindingCode::BadTimeClaim),
        None => {}
    }
    if c.get("nbf").and_then(Value::as_f64).is_some_and(|n| n * 1000.0 > connect) {
        add(FindingCode::NotYetValid);
    }
    if c.get("iat").and_then(Value::as_f64).is_some_and(|n| n * 1000.0 > connect) {
        add(FindingCode::IssuedInFuture);
    }
    if case["alg"] == "none" {
        add(FindingCode::AlgNone);
        add(FindingCode::EmptySignature);
    }
    for r in required {
        if !c.contains_key(*r) {
            add(FindingCode::MissingClaim);
        }
    }
    let mut granted: Vec<String> = Vec::new();
    let mut any = false;
    for k in ["scope", "scopes", "scp"] {
        match c.get(k) {
            Some(Value::String(s)) => {
                any = true;
                granted.extend(s.split_whitespace().map(String::from))
            }
            Some(Value::Array(a)) => {
                any = true;
                granted.extend(a.iter().map(|v| v.as_str().unwrap().to_string()))
            }
            _ => {}
        }
    }
    for op in &map.operations {
        if !any {
            add(FindingCode::NoScopes);
        } else if op.requires.iter().any(|r| !granted.contains(r)) {
            add(FindingCode::MissingScope);
        }
    }
    want
}

#[test]
fn inspection_flags_follow_from_each_cases_claims() {
    let (m, _) = moments();
    let map = scope_map();
    let required = ["exp", "sub"];
    let opts = InspectOptions { required_claims: required.iter().map(|s| s.to_string()).collect(), leeway_s: 0, scope_map: map.clone() };
    let ops: Vec<String> = map.operations.iter().map(|o| o.operation.clone()).collect();
    let ops: Vec<&str> = ops.iter().map(String::as_str).collect();
    let checked: BTreeSet<String> = [
        FindingCode::ExpiredAtConnect, FindingCode::ExpiredBeforeClose, FindingCode::ExpiredNow,
        FindingCode::NotYetValid, FindingCode::IssuedInFuture, FindingCode::AlgNone, FindingCode::EmptySignature,
        FindingCode::MissingClaim, FindingCode::NoScopes, FindingCode::MissingScope, FindingCode::BadTimeClaim,
    ]
    .iter()
    .map(|c| format!("{c:?}"))
    .collect();
    for case in cases().iter().filter(|c| c["expect_outcome"] != "malformed") {
        let name = case["name"].as_str().unwrap();
        let ins = inspect(case["token"].as_str().unwrap(), &m, &ops, &opts);
        assert_eq!(ins.decoded.claims.as_ref().map(|c| Value::Object(c.clone())).as_ref(), Some(&case["claims"]), "{name}");
        assert_eq!(ins.decoded.alg(), case["alg"].as_str(), "{name}");
        let got: BTreeSet<String> =
            ins.findings.iter().map(|f| format!("{:?}", f.code)).filter(|c| checked.contains(c)).collect();
        assert_eq!(got, expected_codes(case, &m, &required, &map), "{name}: {:#?}", ins.findings);
        // exp relative to the three moments, and as an absolute time.
        if let Some(exp) = case["claims"]["exp"].as_f64() {
            let t = ins.time(TimeClaim::Exp).expect(name);
            let at = exp * 1000.0;
            assert_eq!(t.at_ms, at);
            assert_eq!(t.from_connect_ms, Some(at - m.connect_ms.unwrap()));
            assert_eq!(t.from_close_ms, Some(at - m.close_ms.unwrap()));
            assert_eq!(t.from_now_ms, at - m.now_ms);
            assert_eq!(t.utc, jwt::times::format_utc(at));
        }
    }
}

#[test]
fn expiry_messages_quote_the_exp_and_the_distance() {
    let (m, _) = moments();
    for (name, code, reference) in [
        ("expired_at_connect", FindingCode::ExpiredAtConnect, m.connect_ms.unwrap()),
        ("expired_before_close", FindingCode::ExpiredBeforeClose, m.close_ms.unwrap()),
    ] {
        let case = cases().into_iter().find(|c| c["name"] == name).unwrap();
        let exp = case["claims"]["exp"].as_f64().unwrap() * 1000.0;
        let ins = inspect(case["token"].as_str().unwrap(), &m, &[], &InspectOptions::default());
        let f = ins.findings.iter().find(|f| f.code == code).expect(name);
        assert!(f.message.contains(&jwt::times::format_utc(exp)), "{}", f.message);
        assert!(f.message.contains(&jwt::times::human_duration(exp - reference)), "{}", f.message);
    }
}

#[test]
fn malformed_tokens_are_decoded_partially_with_a_precise_error() {
    let (m, _) = moments();
    for case in cases().iter().filter(|c| c["expect_outcome"] == "malformed") {
        let name = case["name"].as_str().unwrap();
        let mu = &case["mutation"];
        let token = case["token"].as_str().unwrap();
        let ins = inspect(token, &m, &["submitOp"], &InspectOptions::document_service());
        let d = &ins.decoded;
        let part = mu.get("part").and_then(Value::as_u64);
        // The parts that were not mutated still decode.
        if part == Some(2) {
            assert!(d.header.is_some(), "{name}: header lost");
        }
        if part == Some(1) {
            assert!(d.claims.is_some(), "{name}: claims lost");
        }
        let msgs: Vec<&str> = ins.findings.iter().map(|f| f.message.as_str()).collect();
        let has = |code: FindingCode, needle: &str| {
            ins.findings.iter().any(|f| f.code == code && f.message.contains(needle))
        };
        match (mu.get("offset").and_then(Value::as_u64), mu.get("problem").and_then(Value::as_str)) {
            (Some(offset), _) => {
                let byte = mu["byte"].as_str().unwrap();
                let p = part.unwrap();
                let needle = format!("part {p}");
                let f = ins.findings.iter().find(|f| f.code == FindingCode::BadBase64).expect(name);
                assert!(f.message.contains(&needle), "{name}: {}", f.message);
                assert!(f.message.contains(&format!("'{byte}' at offset {offset}")), "{name}: {}", f.message);
                let token_offset = token.split('.').take(p as usize - 1).map(|s| s.len() + 1).sum::<usize>() + offset as usize;
                assert!(f.message.contains(&format!("token offset {token_offset}")), "{name}: {}", f.message);
                assert_eq!(&token[token_offset..token_offset + 1], byte);
            }
            (None, Some("part_count")) => {
                let n = mu["parts"].as_u64().unwrap();
                assert_eq!(d.part_count as u64, n);
                assert!(has(FindingCode::WrongPartCount, &format!("has {n} dot-separated parts")), "{name}: {msgs:?}");
                assert!(d.header.is_some() && d.claims.is_some(), "{name}: the parts present still decode");
            }
            (None, Some("not_json")) => assert!(has(FindingCode::NotJson, &format!("part {}", part.unwrap())), "{name}: {msgs:?}"),
            (None, Some("not_object")) => assert!(has(FindingCode::NotAnObject, "array"), "{name}: {msgs:?}"),
            (None, Some("truncated")) => assert!(has(FindingCode::BadBase64, "was cut"), "{name}: {msgs:?}"),
            (None, Some("not_utf8")) => assert!(has(FindingCode::NotUtf8, "part 2"), "{name}: {msgs:?}"),
            (None, Some("padded")) => {
                assert!(has(FindingCode::NonCanonicalBase64, "padding"), "{name}: {msgs:?}");
                assert!(d.claims.is_some(), "{name}: padded claims still decode");
            }
            other => panic!("{name}: unknown mutation {other:?}"),
        }
        // Verification of a malformed token answers, and does not claim success.
        let v = verify(token, &key_input(&case["key"]), &VerifyOptions { now_ms: m.now_ms, leeway_s: 0 });
        assert!(!matches!(v.outcome, Outcome::Valid), "{name}");
    }
}

#[test]
fn tokens_are_found_where_the_fixture_put_them() {
    let f = json("jwt/find.json");
    for c in f["urls"].as_array().unwrap() {
        let url = c["url"].as_str().unwrap();
        let got: Vec<(String, String)> = find_in_url(url)
            .into_iter()
            .map(|t| match t.location {
                TokenLocation::UrlQuery { param } => (t.token, param),
                other => panic!("{other:?}"),
            })
            .collect();
        let want: Vec<(String, String)> = c["found"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| (w["token"].as_str().unwrap().into(), w["param"].as_str().unwrap().into()))
            .collect();
        assert_eq!(got, want, "{url}");
    }
    for c in f["subprotocols"].as_array().unwrap() {
        let protocols: Vec<String> = serde_json::from_value(c["protocols"].clone()).unwrap();
        let got: Vec<(String, u64, &str)> = find_in_subprotocols(&protocols)
            .into_iter()
            .map(|t| match t.location {
                TokenLocation::Subprotocol { index, form } => (
                    t.token,
                    index as u64,
                    match form {
                        SubprotocolForm::PhoenixBearer => "phoenix_bearer",
                        SubprotocolForm::Base64Bearer { .. } => "base64_bearer",
                        SubprotocolForm::BearerPair => "bearer_pair",
                        SubprotocolForm::Raw => "raw",
                    },
                ),
                other => panic!("{other:?}"),
            })
            .collect();
        let want: Vec<(String, u64, &str)> = c["found"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| (w["token"].as_str().unwrap().into(), w["index"].as_u64().unwrap(), w["form"].as_str().unwrap()))
            .collect();
        assert_eq!(got, want, "{protocols:?}");
    }
    for c in f["payloads"].as_array().unwrap() {
        let text = c["text"].as_str().unwrap();
        let got: Vec<Value> = find_in_text(text)
            .into_iter()
            .map(|t| match t.location {
                TokenLocation::Json { path } => serde_json::json!({"token": t.token, "path": path}),
                TokenLocation::Text { offset } => serde_json::json!({"token": t.token, "offset": offset}),
                other => panic!("{other:?}"),
            })
            .collect();
        // serde_json maps iterate in key order, not document order: compare as sorted lists.
        let key = |v: &Value| v.to_string();
        let mut got = got;
        got.sort_by_key(key);
        let mut want = c["found"].as_array().unwrap().clone();
        want.sort_by_key(key);
        assert_eq!(got, want, "{text}");
    }
}

#[test]
fn the_real_phoenix_js_subprotocol_and_url_token_are_found() {
    // Captured from phoenix.js by the protocol fixtures (tests/fixtures/protocols/).
    let f = json("protocols/phoenix-v2.json");
    let token = f["inputs"]["token"].as_str().unwrap();
    let socket = &f["sockets"][0];
    let protocols: Vec<String> = serde_json::from_value(socket["requested_protocols"].clone()).unwrap();
    let found = find_in_subprotocols(&protocols);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].token, token);
    assert!(matches!(found[0].location, TokenLocation::Subprotocol { form: SubprotocolForm::PhoenixBearer, .. }));
    let in_url = find_in_url(socket["url"].as_str().unwrap());
    assert_eq!(in_url.iter().map(|t| t.token.as_str()).collect::<Vec<_>>(), vec![token]);
    // Its claims carry the document service's scopes.
    let ins = inspect(token, &Moments::at(0.0), &["connect_document", "submitOp"], &InspectOptions::document_service());
    let scopes: Vec<String> = serde_json::from_value(ins.decoded.claims.as_ref().unwrap()["scopes"].clone()).unwrap();
    assert_eq!(ins.scopes.as_ref().unwrap().values, scopes);
    let lacks_write = !scopes.iter().any(|s| s == "doc:write");
    assert_eq!(ins.has(FindingCode::MissingScope), lacks_write);
}

#[test]
fn unusable_keys_are_explained() {
    let cases: [(KeyInput, &str); 5] = [
        (KeyInput::Pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----".into()), "could not be read"),
        (KeyInput::Pem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----".into()), "openssl x509"),
        (KeyInput::Pem("not pem".into()), "BEGIN"),
        (KeyInput::Jwks("{\"nope\": 1}".into()), "`keys` array"),
        (KeyInput::Secret { secret: "***".into(), encoding: SecretEncoding::Base64 }, "not base64"),
    ];
    let token = cases_token("hs256_valid");
    for (key, says) in cases {
        let v = verify(&token, &key, &VerifyOptions { now_ms: 0.0, leeway_s: 0 });
        assert_eq!(v.outcome, Outcome::NoUsableKey, "{key:?}");
        assert!(v.findings.iter().any(|f| f.code == FindingCode::BadKey && f.message.contains(says)), "{key:?}: {:#?}", v.findings);
    }
}

fn cases_token(name: &str) -> String {
    cases().into_iter().find(|c| c["name"] == name).unwrap()["token"].as_str().unwrap().to_string()
}

#[test]
fn key_input_guesses_the_kind_of_pasted_text() {
    assert!(matches!(KeyInput::guess(&read("jwt/keys/rsa-public.pem")), KeyInput::Pem(_)));
    assert!(matches!(KeyInput::guess(&read("jwt/keys/jwks.json")), KeyInput::Jwks(_)));
    assert!(matches!(KeyInput::guess(&read("jwt/keys/rsa-1.jwk.json")), KeyInput::Jwk(_)));
    assert!(matches!(KeyInput::guess("tenant-1-secret"), KeyInput::Secret { encoding: SecretEncoding::Utf8, .. }));
}

#[test]
fn scope_claims_of_every_shape_are_read() {
    let mut c = Map::new();
    c.insert("scope".into(), Value::String("a b".into()));
    c.insert("scp".into(), serde_json::json!(["b", "c"]));
    c.insert("scopes".into(), serde_json::json!(7));
    let (s, bad) = jwt::scopes::scopes_of(&c);
    let s = s.unwrap();
    assert_eq!(s.values, vec!["a", "b", "c"]);
    assert_eq!(s.claims, vec!["scope", "scp"]);
    assert_eq!(bad.len(), 1);
    assert_eq!(bad[0].claim, "scopes");
}
