//! The token card: header, claims, time claims (absolute, local, relative to the connect, the
//! close and now, with a countdown to `exp`), scopes, findings, and an offline verify box.

use super::diagnostics::{diagnostics_list, DiagnosticItem, DiagnosticsList};
use crate::ui::dom::{el, Node};
use wasm_bindgen::JsCast;
use super::key_store;
use leptos::prelude::*;
use serde_json::{Map, Value};
use socketscope_core::jwt::times::{human_duration, relative};
use socketscope_core::diagnostics::Severity;
use socketscope_core::jwt::{Inspection, KeyInput, ScopeCheck, SecretEncoding, TimeClaim, TokenLocation};

/// A time in the user's local zone and locale, e.g. "22/11/2026, 06:31:00 CET". Formatting only:
/// the moment itself comes from the core.
pub fn local_time(ms: f64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms));
    if date.get_time().is_nan() {
        return "invalid time".into();
    }
    let lang = web_sys::window().and_then(|w| w.navigator().language()).unwrap_or_else(|| "en".into());
    let opts = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&opts, &"timeZoneName".into(), &"short".into());
    String::from(date.to_locale_string(&lang, &opts))
}

/// "in 5 min" / "5 min ago" / "now", for `delta_ms = at - now`.
pub fn from_now(delta_ms: f64) -> String {
    if delta_ms.abs() < 1000.0 {
        "now".into()
    } else if delta_ms > 0.0 {
        format!("in {}", human_duration(delta_ms))
    } else {
        format!("{} ago", human_duration(delta_ms))
    }
}

/// Where a token was found, for people: "URL query parameter `token`".
pub fn location_label(l: &TokenLocation) -> String {
    match l {
        TokenLocation::UrlQuery { param } => format!("URL query parameter `{param}`"),
        TokenLocation::Subprotocol { index, form } => {
            let how = match form {
                socketscope_core::jwt::SubprotocolForm::PhoenixBearer => "Phoenix base64url.bearer.phx.",
                socketscope_core::jwt::SubprotocolForm::Base64Bearer { .. } => "base64url.bearer.",
                socketscope_core::jwt::SubprotocolForm::BearerPair => "after `bearer`",
                socketscope_core::jwt::SubprotocolForm::Raw => "as is",
            };
            format!("subprotocol #{} ({how})", index + 1)
        }
        TokenLocation::Json { path } => format!("JSON at {path}"),
        TokenLocation::Text { offset } => format!("text at offset {offset}"),
    }
}

fn json_table(map: &Map<String, Value>, testid: &'static str) -> Node {
    let rows = map.iter().map(|(k, v)| {
        let text = match v {
            Value::String(s) => format!("\"{s}\""),
            other => other.to_string(),
        };
        el("tr").attr("data-claim", k.clone()).child(el("th").text(k.clone())).child(el("td").class("mono").text(text))
    });
    el("table").class("kv").testid(testid).child(el("tbody").children(rows))
}

/// The attribute that marks a "from now" text with its moment (whole ms since the epoch): the card
/// updates every such text on each tick of `now`, in place (no redraw, so a selection survives).
const AT: &str = "data-at";

/// The countdown to `exp`: its state and text at `now`.
fn countdown(left_ms: f64) -> (&'static str, String) {
    if left_ms > 0.0 {
        ("ok", format!("Expires {} ({})", from_now(left_ms), human_duration(left_ms)))
    } else {
        ("bad", format!("Expired {}", from_now(left_ms)))
    }
}

/// Brings every `data-at` text inside `card` to `now`; the countdown also gets its state.
fn tick(card: &web_sys::Element, now: f64) {
    let Ok(list) = card.query_selector_all(&format!("[{AT}]")) else { return };
    for i in 0..list.length() {
        let Some(node) = list.item(i).and_then(|n| n.dyn_into::<web_sys::Element>().ok()) else { continue };
        let Some(at) = node.get_attribute(AT).and_then(|a| a.parse::<i64>().ok()) else { continue };
        let left = at as f64 - now;
        if node.has_attribute("data-countdown") {
            let (state, text) = countdown(left);
            let _ = node.set_attribute("data-state", state);
            node.set_text_content(Some(&text));
        } else {
            node.set_text_content(Some(&from_now(left)));
        }
    }
}

/// A decoded JWT, with every finding and a verify box.
///
/// - `inspection`: `socketscope_core::jwt::inspect(token, &Moments { now_ms, connect_ms, close_ms },
///   operations, &opts)`.
/// - `now`: the current time (ms since the epoch, from `js_sys::Date::now()`); a signal so the
///   countdown to `exp` can tick (a plain `f64` works too).
/// - `connect_time` / `close_time`: the connection's moments, to show each time claim relative to
///   them when the inspection was made without them. Optional.
/// - `location`: where the token was found (see [`location_label`]). Optional.
///
/// Keys pasted into the verify box stay in memory only while the card is shown, unless the user
/// ticks "Remember this key on this machine" ([`VerifyBox`]).
///
/// Test ids: `token-card`, `token-header`, `token-claims`, `token-time` (`data-claim`),
/// `token-countdown`, `token-scopes`, `diagnostic`, `verify-key`, `verify-button`, `verify-outcome`,
/// `verify-remember`, `verify-forget`.
#[component]
pub fn TokenCard(
    inspection: Inspection,
    #[prop(into)] now: Signal<f64>,
    #[prop(optional)] connect_time: Option<f64>,
    #[prop(optional)] close_time: Option<f64>,
    #[prop(optional, into)] location: Option<String>,
    /// Keep the verify box's key across re-renders (e.g. while the user edits the token). Optional.
    #[prop(optional)]
    key: Option<RwSignal<String>>,
) -> impl IntoView {
    let card = NodeRef::<leptos::html::Section>::new();
    Effect::new(move |_| {
        let now = now.get();
        if let Some(card) = card.get() {
            tick(&card, now);
        }
    });
    let token = inspection.token.clone();
    // Where evidence about this token leads (src/ui/analysis.rs, target_of).
    let target = location.as_deref().map(super::diagnostics::token_target);
    let body = token_body(inspection, now.get_untracked(), connect_time, close_time, location);
    view! {
        <section class="card token-card" data-testid="token-card" aria-label="Token" data-evidence-target=target tabindex="-1" node_ref=card>
            {body}
            {crate::ui::lazy::show("verify box", verify_box(token, now, key.unwrap_or_else(|| RwSignal::new(String::new()))))}
        </section>
    }
}

/// Everything in the token card above the verify box, at `now` (later ticks update it in place).
fn token_body(inspection: Inspection, now: f64, connect_time: Option<f64>, close_time: Option<f64>, location: Option<String>) -> Node {
    let d = &inspection.decoded;
    let alg = d.alg().map(|a| format!("alg {a}"));
    let kid = d.kid().map(|k| format!("kid \"{k}\""));
    let sig = d.signature.as_ref().map(|s| format!("signature {} bytes", s.len()));
    let summary = [Some(crate::ui::format::count(d.part_count as u64, "part")), alg, kid, sig]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ");
    let undecoded = |testid, text: &'static str| el("p").class("undecoded").testid(testid).text(text);
    let header = match &d.header {
        Some(h) => json_table(h, "token-header"),
        None => undecoded("token-header-missing", "The header could not be decoded; the findings above say why."),
    };
    let claims = match &d.claims {
        Some(c) => json_table(c, "token-claims"),
        None => undecoded("token-claims-missing", "The claims could not be decoded; the findings above say why."),
    };
    let at_attr = |ms: f64| (ms.round() as i64).to_string();

    let countdown = match inspection.time(TimeClaim::Exp).map(|t| t.at_ms) {
        Some(at) => {
            let (state, text) = countdown(at - now);
            Some(el("p").class("countdown").testid("token-countdown").attr("data-state", state).attr("data-countdown", "").attr(AT, at_attr(at)).text(text))
        }
        None => d.claims.is_some().then(|| el("p").class("countdown muted").testid("token-countdown").text("No exp: this token never expires.")),
    };

    let times = (!inspection.times.is_empty()).then(|| {
        let rows = inspection.times.iter().map(|t| {
            let at = t.at_ms;
            let vs_connect = t.from_connect_ms.or(connect_time.map(|c| at - c)).map(|dc| relative(dc, "connect"));
            let vs_close = t.from_close_ms.or(close_time.map(|c| at - c)).map(|dc| relative(dc, "close"));
            let extra = [vs_connect, vs_close].into_iter().flatten().collect::<Vec<_>>().join(", ");
            el("tr")
                .testid("token-time")
                .attr("data-claim", t.claim.name())
                .child(el("th").text(t.claim.name()))
                .child(el("td").class("mono").text(socketscope_core::decimal::plain(t.seconds)))
                .child(el("td").class("mono").text(t.utc.clone()))
                .child(el("td").text(local_time(at)))
                .child(el("td").class("rel").attr(AT, at_attr(at)).text(from_now(at - now)))
                .child(el("td").class("muted").text(extra))
        });
        let head = ["claim", "value", "UTC", "local time", "from now", "vs. connection"].map(|h| el("th").text(h));
        el("table").class("times").child(el("thead").child(el("tr").children(head))).child(el("tbody").children(rows))
    });

    let scopes = inspection.scopes.as_ref().map(|s| {
        format!("Scopes (from {}): {}", s.claims.join(", "), if s.values.is_empty() { "none".into() } else { s.values.join(" ") })
    });
    let checks = inspection.scope_checks.iter().map(|(op, c)| {
        let (state, text) = match c {
            ScopeCheck::Granted => ("ok", "granted".to_string()),
            ScopeCheck::Missing { missing } => ("bad", format!("missing {}", missing.join(", "))),
            ScopeCheck::NoScopeClaim { required } => ("bad", format!("needs {}, token has no scopes", required.join(", "))),
            ScopeCheck::NotMapped => ("muted", "not in the operation map".to_string()),
        };
        el("li").testid("scope-check").attr("data-state", state).child(el("span").class("mono").text(op.clone())).text(": ").text(text)
    });
    let scope_block = (scopes.is_some() || !inspection.scope_checks.is_empty()).then(|| {
        el("div").class("scopes").testid("token-scopes").opt(scopes.map(|s| el("p").text(s))).child(el("ul").class("scope-checks").children(checks))
    });

    let findings: Vec<DiagnosticItem> = inspection.findings.iter().map(DiagnosticItem::from).collect();
    el("div")
        .class("token-body")
        .child(el("h3").class("card-title").text("Token").opt(location.map(|l| el("span").class("muted").text(format!(" · {l}")))))
        .child(el("p").class("muted").testid("token-summary").text(summary))
        .opt(countdown)
        .child(diagnostics_list(findings, None, Some("No problems found in the token.".into())))
        .child(
            el("div")
                .class("token-parts")
                .child(el("div").child(el("h4").text("Header")).child(header))
                .child(el("div").child(el("h4").text("Claims")).child(claims)),
        )
        .opt(times)
        .opt(scope_block)
}

/// Which kind of key the user says they pasted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyKind {
    Auto,
    SecretUtf8,
    SecretBase64,
    Pem,
    Jwk,
    Jwks,
}

impl KeyKind {
    const ALL: [(KeyKind, &'static str, &'static str); 6] = [
        (KeyKind::Auto, "auto", "detect (PEM, JWK, JWKS, else a secret)"),
        (KeyKind::SecretUtf8, "secret", "secret (UTF-8 text)"),
        (KeyKind::SecretBase64, "secret-b64", "secret (base64)"),
        (KeyKind::Pem, "pem", "PEM public key"),
        (KeyKind::Jwk, "jwk", "JWK"),
        (KeyKind::Jwks, "jwks", "JWKS"),
    ];
    fn parse(s: &str) -> KeyKind {
        Self::ALL.iter().find(|(_, v, _)| *v == s).map(|(k, _, _)| *k).unwrap_or(KeyKind::Auto)
    }
    fn value(self) -> &'static str {
        Self::ALL.iter().find(|(k, _, _)| *k == self).map(|(_, v, _)| *v).unwrap_or("auto")
    }
    fn input(self, text: &str) -> KeyInput {
        match self {
            KeyKind::Auto => KeyInput::guess(text),
            KeyKind::SecretUtf8 => KeyInput::Secret { secret: text.into(), encoding: SecretEncoding::Utf8 },
            KeyKind::SecretBase64 => KeyInput::Secret { secret: text.trim().into(), encoding: SecretEncoding::Base64 },
            KeyKind::Pem => KeyInput::Pem(text.trim().into()),
            KeyKind::Jwk => KeyInput::Jwk(text.trim().into()),
            KeyKind::Jwks => KeyInput::Jwks(text.trim().into()),
        }
    }
}

/// What the verifier answers: the core's `jwt::Verification` as JSON, read back here with just
/// the fields the box shows. The same JSON whether it ran inline or in the lazy verify module.
#[derive(Debug, Clone)]
struct Reply {
    outcome: String,
    verified_with: Option<String>,
    findings: Vec<ReplyFinding>,
}

#[derive(Debug, Clone)]
struct ReplyFinding {
    severity: Severity,
    /// The core's `FindingCode` by its serde name, e.g. `no_key_for_kid`.
    code: String,
    message: String,
}

impl From<&ReplyFinding> for DiagnosticItem {
    /// As `From<&Finding>`: the kind is the code's serde name in words.
    fn from(f: &ReplyFinding) -> Self {
        DiagnosticItem::new(f.severity, f.code.replace('_', " "), f.message.clone())
    }
}

/// The box's text for the core's `Outcome`, by its serde name.
fn outcome_text(o: &str) -> (&'static str, &'static str) {
    match o {
        "valid" => ("ok", "Valid: the signature verifies and exp/nbf hold now."),
        "valid_signature_bad_time" => ("warn", "The signature verifies, but the token is expired or not yet valid now."),
        "invalid_signature" => ("bad", "Invalid signature: see below for what to check."),
        "no_usable_key" => ("bad", "No usable key for this token: see below."),
        _ => ("bad", "This token can't be verified: see below."),
    }
}

/// Run the core's `jwt::verify` in this module (feature `inline-verify`), synchronously. `key` is a
/// `KeyInput` as JSON, as the verify module takes it.
#[cfg(feature = "inline-verify")]
fn verify_here(token: &str, key: &str, now_ms: f64) -> Result<String, String> {
    let key: KeyInput = socketscope_core::json::parse(key).map_err(|e| e.to_string())?;
    let opts = socketscope_core::jwt::VerifyOptions { now_ms, leeway_s: 0 };
    serde_json::to_string(&socketscope_core::jwt::verify(token, &key, &opts)).map_err(|e| e.to_string())
}

/// Run the core's `jwt::verify` in the verify module (verify/), imported on the first call, so the
/// crypto is not in the startup wasm.
#[cfg(not(feature = "inline-verify"))]
async fn verify_in_module(token: String, key: String, now_ms: f64) -> Result<String, String> {
    crate::modules::call("verify", "verify", &[token.into(), key.into(), now_ms.into(), 0.0.into()]).await
}

/// The verifier's JSON as what the box shows, or why there is no answer.
fn read_reply(answer: Result<String, String>) -> Result<Reply, String> {
    let json = answer?;
    let v: Value = serde_json::from_str(&json).map_err(|e| format!("the verifier's answer is not JSON ({e})"))?;
    if let Some(e) = v.get("error").and_then(Value::as_str) {
        return Err(e.into());
    }
    reply_of(&v).map_err(|e| format!("the verifier's answer could not be read ({e})"))
}

/// `Reply` by hand: socketscope_core::json says why not serde's derive.
fn reply_of(v: &Value) -> Result<Reply, String> {
    use socketscope_core::json::{array_of, named_of, object, opt_string_of, string_of};
    let o = object(v, "a verification object")?;
    Ok(Reply {
        outcome: string_of(o, "outcome")?,
        verified_with: opt_string_of(o, "verified_with")?,
        findings: array_of(o, "findings")?
            .iter()
            .map(|f| {
                let f = object(f, "a finding object")?;
                Ok(ReplyFinding { severity: named_of(f, "severity")?, code: string_of(f, "code")?, message: string_of(f, "message")? })
            })
            .collect::<Result<_, String>>()?,
    })
}

crate::ui::lazy::lazy_view! {
    /// The verify box (an input for the user's key), in the chunk drawn right after the first screen.
    after_first_screen => fn verify_box(token: String, now: Signal<f64>, key: RwSignal<String>) { view! { <VerifyBox token=token now=now key=key /> }.into_any() }
}

/// Offline verification of `token` with a pasted secret, PEM key, JWK or JWKS (the core picks the
/// JWKS key by the token's `kid`). Nothing is sent anywhere; the key is stored (this browser's
/// local storage, per issuer and kid: [`key_store`]) only while "Remember this key on this
/// machine" is ticked, and comes back prefilled for the next token of that signer.
#[component]
pub fn VerifyBox(
    token: String,
    #[prop(into)] now: Signal<f64>,
    /// The pasted key; pass one to keep it when the box is re-rendered.
    #[prop(optional)]
    key: Option<RwSignal<String>>,
) -> impl IntoView {
    let key = key.unwrap_or_else(|| RwSignal::new(String::new()));
    let kind = RwSignal::new(KeyKind::Auto);
    let result = RwSignal::new(None::<Result<Reply, String>>);
    let (slot, signer) = key_store::slot_of(&token);
    let remembered = key_store::load(&slot);
    // On while a key is stored for this signer; the box then keeps the stored key up to date.
    let remember = RwSignal::new(remembered.is_some());
    let stored = RwSignal::new(remembered.is_some());
    let store_error = RwSignal::new(None::<String>);
    let slot = StoredValue::new(slot);
    // Prefilled once the box is in the DOM (a value set while it is built does not survive).
    let prefill = StoredValue::new(remembered);
    Effect::new(move |_| {
        if let Some(r) = prefill.try_update_value(|p| p.take()).flatten() {
            if key.get_untracked().is_empty() {
                key.set(r.key);
                kind.set(KeyKind::parse(&r.kind));
            }
        }
    });
    Effect::new(move |_| {
        let (text, kind) = (key.get(), kind.get());
        if !remember.get() || text.trim().is_empty() {
            return;
        }
        let saved = slot.with_value(|slot| key_store::save(slot, &key_store::Remembered { key: text, kind: kind.value().into() }));
        stored.set(saved.is_ok());
        store_error.set(saved.err());
    });
    let on_remember = move |ev| {
        let on = event_target_checked(&ev);
        remember.set(on);
        if !on {
            slot.with_value(|slot| key_store::forget(slot));
            stored.set(false);
            store_error.set(None);
        }
    };
    let forget = move |_| {
        slot.with_value(|slot| key_store::forget(slot));
        remember.set(false);
        stored.set(false);
        store_error.set(None);
        key.set(String::new());
        result.set(None);
    };
    // Answers can arrive out of order (the first one waits for the verify module): keep the last asked.
    let asked = StoredValue::new(0u32);
    let run = move |_| {
        asked.update_value(|n| *n += 1);
        let text = key.get_untracked();
        if text.trim().is_empty() {
            result.set(None);
            return;
        }
        let input = kind.get_untracked().input(&text);
        let input = serde_json::to_string(&input).unwrap_or_default();
        let now_ms = now.get_untracked();
        #[cfg(feature = "inline-verify")]
        result.set(Some(read_reply(verify_here(&token, &input, now_ms))));
        #[cfg(not(feature = "inline-verify"))]
        {
            let (token, this) = (token.clone(), asked.get_value());
            leptos::task::spawn_local(async move {
                let reply = read_reply(verify_in_module(token, input, now_ms).await);
                if asked.try_get_value() == Some(this) {
                    result.set(Some(reply));
                }
            });
        }
    };
    let options = KeyKind::ALL
        .iter()
        .map(|(k, v, label)| view! { <option value=*v prop:selected=move || kind.get() == *k>{*label}</option> })
        .collect_view();
    view! {
        <div class="verify" data-testid="verify">
            <h4>"Verify the signature (offline)"</h4>
            <textarea
                data-testid="verify-key"
                aria-label="Secret, PEM public key, JWK or JWKS"
                placeholder="Paste a secret, a PEM public key, a JWK or a JWKS ({\"keys\": [...]}). It stays in this page's memory unless you tick Remember below."
                rows="4"
                spellcheck="false"
                prop:value=move || key.get()
                on:input=move |ev| key.set(event_target_value(&ev))
            />
            <div class="row">
                <label>"Key is "
                    <select data-testid="verify-kind" on:change=move |ev| kind.set(KeyKind::parse(&event_target_value(&ev)))>
                        {options}
                    </select>
                </label>
                <button data-testid="verify-button" on:click=run>"Verify"</button>
            </div>
            <div class="row remember">
                <label title="Kept in this browser's local storage for this issuer and kid; never exported or sent">
                    <input type="checkbox" data-testid="verify-remember" prop:checked=move || remember.get() on:change=on_remember />
                    "Remember this key on this machine"
                </label>
                <span class="muted" data-testid="verify-remember-scope">{format!("for {signer}")}</span>
                <Show when=move || stored.get()>
                    <button class="link" data-testid="verify-forget" on:click=forget>"Forget"</button>
                </Show>
                {move || store_error.get().map(|e| view! { <span class="warn" role="alert" data-testid="verify-remember-error">{e}</span> })}
            </div>
            {move || result.get().map(|r| match r {
                Ok(v) => {
                    let (state, text) = outcome_text(&v.outcome);
                    let with = v.verified_with.clone().map(|w| format!(" Verified with {w}."));
                    let items: Vec<DiagnosticItem> = v.findings.iter().map(DiagnosticItem::from).collect();
                    view! {
                        <p class="verify-outcome" data-testid="verify-outcome" data-state=state>{text}{with}</p>
                        <DiagnosticsList items=items />
                    }
                    .into_any()
                }
                Err(why) => view! {
                    <p class="verify-outcome" data-testid="verify-outcome" data-state="bad">{format!("Could not verify: {why}.")}</p>
                }
                .into_any(),
            })}
        </div>
    }
}

#[cfg(all(test, feature = "inline-verify"))]
mod tests {
    use super::*;

    /// The box reads back every field of what the core's verifier writes.
    #[test]
    fn reads_the_verifiers_answer() {
        // {"alg":"HS256","kid":"k1"} . {"iss":"https://auth.example","sub":"u"} . a wrong signature
        let token = "eyJhbGciOiJIUzI1NiIsImtpZCI6ImsxIn0.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZSIsInN1YiI6InUifQ.c2ln";
        for key in [KeyInput::Secret { secret: "s3cret".into(), encoding: SecretEncoding::Utf8 }, KeyInput::Pem("not pem".into())] {
            let expected = socketscope_core::jwt::verify(token, &key, &socketscope_core::jwt::VerifyOptions { now_ms: 0.0, leeway_s: 0 });
            let reply = read_reply(verify_here(token, &serde_json::to_string(&key).unwrap(), 0.0)).unwrap();
            assert_eq!(reply.outcome, serde_json::to_value(expected.outcome).unwrap().as_str().unwrap());
            assert_eq!(reply.verified_with, expected.verified_with);
            assert!(!reply.findings.is_empty());
            assert_eq!(reply.findings.len(), expected.findings.len());
            for (got, want) in reply.findings.iter().zip(&expected.findings) {
                assert_eq!((got.severity, got.message.as_str()), (want.severity, want.message.as_str()));
                assert_eq!(got.code, serde_json::to_value(want.code).unwrap().as_str().unwrap());
            }
        }
    }

    #[test]
    fn an_error_or_a_bad_answer_is_said_plainly() {
        assert_eq!(read_reply(Ok(r#"{"error":"the verify module could not load"}"#.into())).unwrap_err(), "the verify module could not load");
        let e = read_reply(Ok(r#"{"outcome":"verified","findings":[{"severity":"loud","code":"x","message":"m"}]}"#.into())).unwrap_err();
        assert!(e.starts_with("the verifier's answer could not be read (`severity`: unknown variant `loud`"), "{e}");
        assert!(read_reply(Ok("<html>".into())).unwrap_err().starts_with("the verifier's answer is not JSON"));
        assert_eq!(read_reply(Err("offline".into())).unwrap_err(), "offline");
    }
}
