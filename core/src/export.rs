//! The Socketscope session file (export and import) and token redaction.
//!
//! Format (documented in `docs/session-format.md`): a versioned envelope around the wire
//! schema's own events, one list per page. Exporting regenerates the events from the model;
//! importing validates every event like a live batch and ingests them into a fresh model, so
//! an imported session behaves exactly like a live one. A malformed event is skipped and
//! reported; only a file that is not a session at all is refused.
//!
//! Redaction (on by default) replaces JWT-shaped strings wherever they occur: socket URLs,
//! subprotocols, payloads, close reasons, stacks. The token finder is the JWT module's
//! [`crate::jwt::looks_like_jwt`]; the scanning for spans lives here because export needs
//! positions to rewrite, and for binary payloads the rewrite keeps every byte offset.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::protocols::{base64, Opcode};
use crate::schema::{self, Event, Sequenced};
use crate::session::{Model, ModelConfig};

/// The session file's `format` value.
pub const FORMAT: &str = "socketscope-session";
/// Session file version. Bump on any incompatible change; import refuses newer versions.
pub const SESSION_VERSION: u32 = 1;

/// What a redacted token's claims and signature become (the header stays: it names the
/// algorithm and holds no secret).
pub const REDACTED: &str = "REDACTED";

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExportOptions {
    /// Replace tokens (default true).
    pub redact: bool,
    /// Export time, epoch ms (time is passed in).
    pub now: f64,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions { redact: true, now: 0.0 }
    }
}

// ---- redaction ------------------------------------------------------------------------------

fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.'
}

/// Byte ranges of JWT-shaped runs in `bytes` (which need not be UTF-8).
pub fn jwt_spans(bytes: &[u8]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i + 3 <= bytes.len() {
        if &bytes[i..i + 3] != b"eyJ" || (i > 0 && is_token_byte(bytes[i - 1]) && bytes[i - 1] != b'.') {
            i += 1;
            continue;
        }
        let mut end = i;
        while end < bytes.len() && is_token_byte(bytes[end]) {
            end += 1;
        }
        // A run may end in dots that belong to the surrounding text.
        let mut e = end;
        while e > i && bytes[e - 1] == b'.' {
            e -= 1;
        }
        let candidate = std::str::from_utf8(&bytes[i..e]).unwrap_or("");
        if crate::jwt::looks_like_jwt(candidate) {
            out.push(i..e);
        }
        i = end.max(i + 3);
    }
    out
}

/// Overwrite a token in place: header kept, claims and signature replaced, length unchanged.
fn blank_token(t: &mut [u8]) {
    let mut part = 0;
    let mut k = 0;
    for b in t.iter_mut() {
        if *b == b'.' {
            part += 1;
            k = 0;
            continue;
        }
        if part >= 1 {
            *b = if part == 1 && k < REDACTED.len() { REDACTED.as_bytes()[k] } else { b'_' };
            k += 1;
        }
    }
}

/// Redact tokens in bytes, keeping the length (binary frames have length-prefixed fields).
/// Returns how many tokens were replaced.
pub fn redact_bytes(bytes: &mut [u8]) -> usize {
    let spans = jwt_spans(bytes);
    for r in &spans {
        blank_token(&mut bytes[r.clone()]);
    }
    spans.len()
}

/// Redact tokens in text.
pub fn redact_text(s: &str) -> Cow<'_, str> {
    if !s.contains("eyJ") {
        return Cow::Borrowed(s);
    }
    let mut b = s.as_bytes().to_vec();
    if redact_bytes(&mut b) == 0 {
        return Cow::Borrowed(s);
    }
    // Only ASCII bytes inside ASCII runs were changed, so this stays UTF-8.
    Cow::Owned(String::from_utf8(b).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
}

/// Redact a subprotocol: `base64url.bearer.<name>.<token>` always carries a bearer token
/// (phoenix.js's `base64url.bearer.phx.`), so its token part goes whatever it decodes to; other
/// subprotocols are scanned like text.
pub fn redact_subprotocol(p: &str) -> Cow<'_, str> {
    if let Some(rest) = p.strip_prefix("base64url.bearer.") {
        if let Some((name, _token)) = rest.split_once('.') {
            return Cow::Owned(format!("base64url.bearer.{name}.{REDACTED}"));
        }
    }
    redact_text(p)
}

fn redact_event(ev: &mut Event) {
    let fix = |s: &mut String| {
        if let Cow::Owned(o) = redact_text(s) {
            *s = o;
        }
    };
    match ev {
        Event::Page { url, .. } => fix(url),
        Event::Socket { url, protocols, stack, frame, .. } => {
            fix(url);
            fix(stack);
            fix(frame);
            for p in protocols {
                *p = redact_subprotocol(p).into_owned();
            }
        }
        Event::State { protocol, .. } => {
            if let Some(p) = protocol {
                *p = redact_subprotocol(p).into_owned();
            }
        }
        Event::Frame { op, data, .. } => match op {
            Opcode::Text => fix(data),
            Opcode::Binary => {
                if let Ok(mut b) = base64::decode(data) {
                    if redact_bytes(&mut b) > 0 {
                        *data = base64::encode(&b);
                    }
                }
            }
        },
        Event::CloseCall { reason, .. } => {
            if let Some(r) = reason {
                fix(r);
            }
        }
        Event::Close { reason, .. } => fix(reason),
        Event::SendError { message, .. } => fix(message),
        Event::Handshake { url, error, .. } => {
            fix(url);
            if let Some(e) = error {
                fix(e);
            }
        }
        Event::Error { .. } | Event::Dropped { .. } => {}
    }
}

// ---- model -> events ----------------------------------------------------------------------

/// One page's events, regenerated from the model: dense `seq` from 1, in time order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageEvents {
    pub page: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tab: Option<i64>,
    pub events: Vec<Sequenced>,
}

/// Sort timed events by time. Stable: events with equal times keep their causal order (socket
/// before state...). One function for the exports and the HAR import, so one sort in the wasm.
pub(crate) fn in_time_order(events: &mut [(f64, Event)]) {
    events.sort_by(|a, b| a.0.total_cmp(&b.0));
}

/// The model as schema events, page by page (redacted if asked).
pub fn model_events(model: &Model, redact: bool) -> Vec<PageEvents> {
    let mut pages: Vec<(PageEvents, Vec<(f64, Event)>)> = model
        .pages()
        .iter()
        .map(|p| {
            let mut evs = Vec::new();
            if let (Some(t), Some(url)) = (p.t, &p.url) {
                evs.push((t, Event::Page { t, url: url.clone() }));
            }
            if p.dropped_frames > 0 || p.dropped_bytes > 0 {
                let t = p.dropped_at.unwrap_or(0.0);
                evs.push((t, Event::Dropped { t, frames: p.dropped_frames, bytes: p.dropped_bytes }));
            }
            (PageEvents { page: p.id.clone(), tab: p.tab, events: Vec::new() }, evs)
        })
        .collect();
    if pages.is_empty() && (!model.connections().is_empty() || !model.unmatched_handshakes().is_empty()) {
        pages.push((PageEvents { page: "imported".into(), tab: None, events: Vec::new() }, Vec::new()));
    }
    for c in model.connections() {
        let Some((_, evs)) = pages.get_mut(c.page) else { continue };
        let id = c.socket.clone();
        if !c.unannounced {
            evs.push((c.created, Event::Socket { id: id.clone(), t: c.created, url: c.url.clone(), protocols: c.requested.clone(), stack: c.stack.clone(), frame: c.frame_url.clone() }));
        }
        if let Some(h) = &c.handshake {
            evs.push((h.t, Event::Handshake { t: h.t, url: h.url.clone(), status: h.status, error: h.error.clone() }));
        }
        for tr in &c.transitions {
            let open = tr.state == schema::ReadyState::Open;
            evs.push((
                tr.t,
                Event::State {
                    id: id.clone(),
                    t: tr.t,
                    state: tr.state,
                    protocol: if open { Some(c.negotiated.clone().unwrap_or_default()) } else { None },
                    extensions: if open { c.extensions.clone() } else { None },
                },
            ));
        }
        for (i, r) in c.frames.records().iter().enumerate() {
            let view = model.frame(crate::session::FrameRef { conn: c.id, index: i as u32 });
            let data = view.map(|v| v.wire_data()).unwrap_or_default();
            evs.push((r.t, Event::Frame { id: id.clone(), t: r.t, dir: r.dir(), op: r.op(), size: r.size as u64, data, truncated: r.truncated() || r.payload_dropped() }));
        }
        for cc in &c.close_calls {
            evs.push((cc.t, Event::CloseCall { id: id.clone(), t: cc.t, by: cc.by, code: cc.code, reason: cc.reason.clone() }));
        }
        for &t in &c.errors {
            evs.push((t, Event::Error { id: id.clone(), t }));
        }
        for se in &c.send_errors {
            evs.push((se.t, Event::SendError { id: id.clone(), t: se.t, name: se.name.clone(), message: se.message.clone() }));
        }
        if let Some(cl) = &c.close {
            evs.push((cl.t, Event::Close { id: id.clone(), t: cl.t, code: cl.code, reason: cl.reason.clone(), was_clean: cl.was_clean, initiator: cl.initiator }));
        }
    }
    if let Some((_, evs)) = pages.first_mut() {
        for h in model.unmatched_handshakes() {
            evs.push((h.t, Event::Handshake { t: h.t, url: h.url.clone(), status: h.status, error: h.error.clone() }));
        }
    }
    pages
        .into_iter()
        .map(|(mut p, mut evs)| {
            in_time_order(&mut evs);
            p.events = evs
                .into_iter()
                .enumerate()
                .map(|(i, (_, mut event))| {
                    if redact {
                        redact_event(&mut event);
                    }
                    Sequenced { seq: i as u64 + 1, event }
                })
                .collect();
            p
        })
        .collect()
}

// ---- the session file ---------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionFile {
    pub format: String,
    pub version: u32,
    /// The wire schema version the events follow (`schema::VERSION`).
    pub schema_version: u32,
    pub generator: String,
    /// Epoch ms.
    pub exported_at: f64,
    pub redacted: bool,
    /// Decoder settings in effect (topic key paths etc.), so the import decodes alike.
    #[serde(default)]
    pub config: ModelConfig,
    pub pages: Vec<PageEvents>,
}

/// Export the model as a session file (JSON text).
pub fn export_session(model: &Model, opts: &ExportOptions) -> String {
    let file = SessionFile {
        format: FORMAT.into(),
        version: SESSION_VERSION,
        schema_version: schema::VERSION,
        generator: format!("socketscope-core {}", env!("CARGO_PKG_VERSION")),
        exported_at: opts.now,
        redacted: opts.redact,
        config: model.config.clone(),
        pages: model_events(model, opts.redact),
    };
    serde_json::to_string(&file).unwrap_or_default()
}

/// A problem found while importing; the rest of the file was still imported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportIssue {
    /// Where: `pages[0].events[12]`, `log.entries[3]._webSocketMessages[7]`.
    pub at: String,
    pub problem: String,
}

/// Why a file was refused as a whole.
#[derive(Debug, Clone, PartialEq)]
pub enum ImportError {
    NotJson(String),
    /// JSON, but not this kind of file.
    WrongFormat(&'static str),
    /// Written by a newer Socketscope.
    NewerVersion { got: u64, supported: u32 },
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImportError::NotJson(e) => write!(f, "not JSON: {e}"),
            ImportError::WrongFormat(what) => write!(f, "not a {what}"),
            ImportError::NewerVersion { got, supported } => {
                write!(f, "written by a newer Socketscope (version {got}; this one reads up to {supported}): upgrade to open it")
            }
        }
    }
}

/// An imported session: the model plus every problem met.
#[derive(Debug, Clone)]
pub struct Imported {
    pub model: Model,
    pub issues: Vec<ImportIssue>,
    pub redacted: bool,
}

/// Import a session file.
pub fn import_session(text: &str) -> Result<Imported, ImportError> {
    let v: Value = serde_json::from_str(text).map_err(|e| ImportError::NotJson(e.to_string()))?;
    if v.get("format").and_then(Value::as_str) != Some(FORMAT) {
        return Err(ImportError::WrongFormat("Socketscope session file (no \"format\": \"socketscope-session\")"));
    }
    let version = v.get("version").and_then(Value::as_u64).ok_or(ImportError::WrongFormat("Socketscope session file (no version)"))?;
    if version > SESSION_VERSION as u64 {
        return Err(ImportError::NewerVersion { got: version, supported: SESSION_VERSION });
    }
    let mut issues = Vec::new();
    let config = match v.get("config") {
        Some(c) => serde_json::from_value::<ModelConfig>(c.clone()).unwrap_or_else(|e| {
            issues.push(ImportIssue { at: "config".into(), problem: format!("ignored, defaults used: {e}") });
            ModelConfig::default()
        }),
        None => ModelConfig::default(),
    };
    let mut model = Model::new(config);
    let pages = v.get("pages").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
    for (pi, p) in pages.iter().enumerate() {
        let Some(page) = p.get("page").and_then(Value::as_str) else {
            issues.push(ImportIssue { at: format!("pages[{pi}]"), problem: "no page id; skipped".into() });
            continue;
        };
        let events = p.get("events").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
        let mut parsed = Vec::with_capacity(events.len());
        for (ei, e) in events.iter().enumerate() {
            match Sequenced::from_value(e) {
                Ok(ev) => parsed.push(ev),
                Err(err) => issues.push(ImportIssue { at: format!("pages[{pi}].events[{ei}]"), problem: format!("skipped: {err}") }),
            }
        }
        let tab = p.get("tab").and_then(Value::as_i64);
        model.ingest_batch(&schema::Parsed { tab, page: page.to_owned(), events: parsed, errors: Vec::new() });
    }
    Ok(Imported { model, issues, redacted: v.get("redacted").and_then(Value::as_bool).unwrap_or(false) })
}
