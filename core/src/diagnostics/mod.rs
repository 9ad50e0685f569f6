//! Rules that turn symptoms into findings: a cause, the evidence (frames, transitions, the
//! handshake, tokens, by index) and a next step.
//!
//! Call [`diagnose`] (every connection of a [`Model`]) or [`diagnose_connection`] with a
//! [`Context`] that carries the moment "now" (never read from a clock), the user's project
//! close-code profiles, the JWT options and the thresholds. Every rule is a pure function over
//! the session model; rules never fail, they just find nothing.
//!
//! The rules, one [`Rule`] each, cover every symptom of the two debugging guides in
//! `shared/context/`: refused handshakes and 1006, 4001 with the token's problem, 4003 with the
//! Origin, 4004 with the send rate, 4005 with the offending frame, messages with no reply and
//! stalled streams, idle drops without heartbeat, operations before in-band authentication,
//! `invalid_signature` / `token_expired` / `missing_claims` replies, missing scopes, broadcasts
//! that can't arrive (not joined, topic typo, stale `join_ref`) and other error replies
//! ("session not found").

mod close;
mod exchanges;
pub mod facts;
pub mod severity;
mod topics;

pub use severity::{rank_by_severity, Severity};

use crate::close_codes::Profile;
use crate::jwt::{InspectOptions, TokenLocation};
use crate::schema::{EpochMs, ReadyState};
use crate::session::{ConnId, FrameRef, Model};
use serde::Serialize;

/// Every rule. Exhaustive, so the UI can label and filter them without parsing text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// The HTTP upgrade was answered with a status other than 101, or failed.
    HandshakeRefused,
    /// 1006 (or a failure) without a handshake status to explain it.
    AbnormalClosure,
    /// An authentication close (4001, 3000, graphql-ws 4403...) with the token's problem.
    AuthRejected,
    /// An origin close (4003 in the Django profile) with the page's Origin.
    OriginRejected,
    /// A rate-limit close (4004 in the Django profile) with the send rate before it.
    RateLimited,
    /// An invalid-message close (4005, 1007, 4400...) with the last frame sent.
    InvalidMessage,
    /// The connection was dropped for idleness: after [`Context::idle_ms`] of silence with no
    /// heartbeat (a proxy closing silently), or right after the server's own idle/timeout notice
    /// (Django's `idle_timeout` message), measured by the page's own silence before it.
    IdleDrop,
    /// The client closed because a heartbeat went unanswered (phoenix.js `heartbeat timeout`).
    HeartbeatTimeout,
    /// What the close code means here, with the frames before it (always given for a close).
    CloseExplained,
    /// Two active close-code profiles disagree about a code.
    CloseCodeCollision,
    /// Requests that got no reply: keyed requests never answered within
    /// [`Context::reply_timeout_ms`]; typed-JSON messages (no ids) after which the server sent
    /// nothing at all, heartbeats aside, for that long.
    NoReply,
    /// A stream that started and then stopped without finishing: keyed streams silent for
    /// [`Context::stall_ms`]; typed-JSON streams (a start/item vocabulary, no end) silent for
    /// their own pace (see [`Context::stream_stall_floor_ms`]).
    StreamStalled,
    /// An operation sent before the in-band authentication (`connect_document`) answered ok.
    ActionBeforeAuth,
    /// The server rejected the token: `invalid_signature`, `token_expired`, `missing_claims`.
    TokenRejected,
    /// An operation needs a scope the token lacks.
    MissingScope,
    /// Messages for a topic that was never joined (or whose join failed).
    NotJoined,
    /// The joined topic gets nothing while a near-identical topic name has traffic.
    TopicTypo,
    /// Messages carry a `join_ref` other than the topic's current join.
    JoinRefMismatch,
    /// Another error reply (e.g. "session not found").
    ErrorReply,
    /// An in-band disconnect message (ActionCable `{"type":"disconnect"}`).
    Disconnect,
}

/// What proves a finding. Each names a place the UI can jump to.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Evidence {
    /// A frame, by connection and index, with what it shows.
    Frame { at: FrameRef, t: EpochMs, what: String },
    /// A readyState transition, by its index in `Connection::transitions`.
    Transition { conn: ConnId, index: usize, t: EpochMs, state: ReadyState },
    /// The handshake's HTTP outcome.
    Handshake { conn: Option<ConnId>, t: EpochMs, status: Option<u16>, error: Option<String> },
    /// The close event.
    Close { conn: ConnId, t: EpochMs, code: u16, reason: String },
    /// A token, where it was found, and what is wrong or notable.
    Token { conn: ConnId, location: TokenLocation, frame: Option<FrameRef>, what: String },
    /// A silence between two moments.
    Gap { conn: ConnId, from: EpochMs, to: EpochMs, what: String },
    /// A topic of a connection.
    Topic { conn: ConnId, name: String, what: String },
}

impl Evidence {
    /// One line for lists.
    pub fn label(&self) -> String {
        match self {
            Evidence::Frame { at, what, .. } => format!("frame #{}: {what}", at.index),
            Evidence::Transition { index, state, .. } => format!("transition #{index}: {state:?}"),
            Evidence::Handshake { status: Some(s), .. } => format!("handshake: HTTP {s}"),
            Evidence::Handshake { error: Some(e), .. } => format!("handshake: {e}"),
            Evidence::Handshake { .. } => "handshake: no response".into(),
            Evidence::Close { code, reason, .. } if reason.is_empty() => format!("close {code}"),
            Evidence::Close { code, reason, .. } => format!("close {code} \"{reason}\""),
            Evidence::Token { what, .. } => format!("token: {what}"),
            Evidence::Gap { what, .. } => what.clone(),
            Evidence::Topic { name, what, .. } => format!("topic {name}: {what}"),
        }
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnosis {
    pub rule: Rule,
    pub severity: Severity,
    /// The connection, when the finding belongs to one.
    pub conn: Option<ConnId>,
    /// What happened and why, citing the evidence.
    pub cause: String,
    pub evidence: Vec<Evidence>,
    /// What to check or do next.
    pub next_step: String,
}

/// What the rules need besides the model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Context {
    /// "Now", for connections still open (ms since the epoch). Passed in.
    pub now_ms: EpochMs,
    /// The user's project close-code profiles (e.g. the Django example).
    pub project_profiles: Vec<Profile>,
    /// Required claims, leeway and the operation-to-scope map.
    pub inspect: InspectOptions,
    /// Events that authenticate in-band (the document service's `connect_document`).
    pub auth_events: Vec<String>,
    /// A silence at least this long before a close is an idle drop.
    pub idle_ms: f64,
    /// A request older than this without a reply is unanswered.
    pub reply_timeout_ms: f64,
    /// A stream with no item for this long has stalled, whatever its pace.
    pub stall_ms: f64,
    /// A typed-JSON stream (start/token/end messages, paired by order) has stalled once its
    /// silence since the last item reaches `max(stream_stall_floor_ms, stream_stall_pace x the
    /// median interval between its items)`, or `stall_ms`. Token streams run at tens of ms per
    /// item, so seconds of silence already mean the producer stopped; the floor keeps a slow
    /// but live producer (a tool call mid-answer) from counting. A stream with no item yet
    /// waits `stall_ms` (the time to the first token varies the most).
    pub stream_stall_floor_ms: f64,
    /// See `stream_stall_floor_ms`.
    pub stream_stall_pace: f64,
    /// A server message at most this long before the server's close, whose type or reason names
    /// idleness or a timeout, makes the close an idle drop (whatever the silence's length).
    pub idle_notice_window_ms: f64,
    /// The window before a close over which the send rate is measured.
    pub rate_window_ms: f64,
}

impl Context {
    /// Defaults: 30 s idle, 10 s reply timeout, 10 s stall (2 s floor and 10x the pace for typed
    /// streams), 1 s idle-notice window, 10 s rate window, no profiles, `exp` required, no scope
    /// map, no auth events.
    pub fn new(now_ms: EpochMs) -> Self {
        Context {
            now_ms,
            project_profiles: Vec::new(),
            inspect: InspectOptions::default(),
            auth_events: Vec::new(),
            idle_ms: 30_000.0,
            reply_timeout_ms: 10_000.0,
            stall_ms: 10_000.0,
            stream_stall_floor_ms: 2_000.0,
            stream_stall_pace: 10.0,
            idle_notice_window_ms: 1_000.0,
            rate_window_ms: 10_000.0,
        }
    }

    /// The Phoenix guide's document service: `connect_document` authenticates, its scope map and
    /// required claims.
    pub fn document_service(now_ms: EpochMs) -> Self {
        Context { inspect: InspectOptions::document_service(), auth_events: vec!["connect_document".into()], ..Self::new(now_ms) }
    }
}

/// Every finding for every connection, plus refused handshakes no connection claimed.
pub fn diagnose(model: &Model, ctx: &Context) -> Vec<Diagnosis> {
    let mut out: Vec<Diagnosis> = Vec::new();
    for h in model.unmatched_handshakes() {
        if let Some(d) = close::refused_handshake(None, h) {
            out.push(d);
        }
    }
    for c in model.connections() {
        out.extend(diagnose_connection(model, c.id, ctx));
    }
    out
}

/// Every finding for one connection, most severe first (stable within a severity).
pub fn diagnose_connection(model: &Model, conn: ConnId, ctx: &Context) -> Vec<Diagnosis> {
    let Some(c) = model.connection(conn) else { return Vec::new() };
    let mut out = Vec::new();
    close::rules(model, c, ctx, &mut out);
    exchanges::rules(model, c, ctx, &mut out);
    topics::rules(model, c, &mut out);
    severity::rank_by_severity(out, |d| d.severity)
}
