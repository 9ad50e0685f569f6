//! Rules over request/reply exchanges: unanswered requests, stalled streams, operations before
//! in-band authentication, token rejections, missing scopes and other error replies.

use super::facts::{self, ConnToken};
use super::{Context, Diagnosis, Evidence, Rule, Severity};
use crate::jwt::times::{format_utc, human_duration};
use crate::jwt::{self, scopes, FindingCode, Moments, ScopeCheck};
use crate::protocols::typed_json::{StreamPart, STREAM_WORDS};
use crate::protocols::{Direction, Status};
use crate::session::{Connection, Exchange, FrameRef, Model, PairedBy};

/// How many unanswered requests are cited as evidence (the count covers all of them).
const MAX_CITED: usize = 5;

fn ev(model: &Model, c: &Connection, index: u32, what: impl Into<String>) -> Option<Evidence> {
    let at = FrameRef { conn: c.id, index };
    Some(Evidence::Frame { at, t: model.frame(at)?.record.t, what: what.into() })
}

fn event_name<'m>(model: &'m Model, x: &Exchange) -> &'m str {
    model.name(x.event).unwrap_or("request")
}

/// What kind of error a reply reports, from its reason text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ErrorKind {
    NotAuthenticated,
    Token(TokenError),
    Scope,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TokenError {
    InvalidSignature,
    Expired,
    MissingClaims,
}

fn classify(reason: &str) -> ErrorKind {
    let r = reason.to_ascii_lowercase().replace([' ', '-'], "_");
    if r.contains("not_authenticated") || r.contains("unauthenticated") {
        ErrorKind::NotAuthenticated
    } else if r.contains("invalid_signature") || r.contains("bad_signature") {
        ErrorKind::Token(TokenError::InvalidSignature)
    } else if r.contains("token_expired") || r.contains("expired") {
        ErrorKind::Token(TokenError::Expired)
    } else if r.contains("missing_claim") {
        ErrorKind::Token(TokenError::MissingClaims)
    } else if r.contains("scope") || r.contains("insufficient") || r.contains("permission") {
        ErrorKind::Scope
    } else {
        ErrorKind::Other
    }
}

pub(super) fn rules(model: &Model, c: &Connection, ctx: &Context, out: &mut Vec<Diagnosis>) {
    let end = c.ended_at().unwrap_or(ctx.now_ms);
    unanswered(model, c, end, ctx, out);
    let auth: Vec<&Exchange> =
        c.correlation.exchanges.iter().filter(|x| ctx.auth_events.iter().any(|e| e == event_name(model, x))).collect();
    let conn_tokens = facts::tokens(model, c);
    for x in &c.correlation.exchanges {
        if x.is_heartbeat() {
            continue;
        }
        let op = event_name(model, x);
        if x.status == Some(Status::Error) {
            let Some(reply) = x.reply else { continue };
            let reason = facts::reply_reason(model, FrameRef { conn: c.id, index: reply }).unwrap_or_default();
            match classify(&reason) {
                ErrorKind::NotAuthenticated => out.push(before_auth(model, c, x, reply, &reason, &auth, ctx)),
                ErrorKind::Token(kind) => out.push(token_rejected(model, c, x, reply, &reason, kind, &auth, &conn_tokens, ctx)),
                ErrorKind::Scope => out.push(missing_scope(model, c, x, Some((reply, &reason)), &auth, &conn_tokens, ctx)),
                ErrorKind::Other => out.push(error_reply(model, c, x, reply, &reason)),
            }
        } else if x.status.is_none() && !ctx.inspect.scope_map.required_for(op).is_empty() {
            // Not answered ok: if the token can't allow it, say so before the server does.
            let d = missing_scope(model, c, x, None, &auth, &conn_tokens, ctx);
            if d.severity == Severity::Error {
                out.push(d);
            }
        }
    }
}

fn unanswered(model: &Model, c: &Connection, end: f64, ctx: &Context, out: &mut Vec<Diagnosis>) {
    unheard(model, c, end, ctx, out);
    stalled_by_pace(model, c, end, ctx, out);
    let keyed = |x: &&Exchange| x.paired_by == PairedBy::Key;
    let waiting: Vec<&Exchange> = c
        .correlation
        .exchanges
        .iter()
        .filter(keyed)
        .filter(|x| !x.is_heartbeat() && !x.answered() && x.stream_items == 0 && end - x.sent_at >= ctx.reply_timeout_ms)
        .collect();
    if let Some(first) = waiting.first() {
        let mut evidence: Vec<Evidence> = waiting
            .iter()
            .take(MAX_CITED)
            .filter_map(|x| ev(model, c, x.request, format!("{} (ref {}) with no reply", event_name(model, x), x.key)))
            .collect();
        if let Some(cl) = &c.close {
            evidence.push(Evidence::Close { conn: c.id, t: cl.t, code: cl.code, reason: cl.reason.clone() });
        }
        let until = if c.close.is_some() { "before the close" } else { "so far" };
        out.push(Diagnosis {
            rule: Rule::NoReply,
            severity: Severity::Warning,
            conn: Some(c.id),
            cause: format!("{} request(s) got no reply {until}; the first, {} (frame #{}), waited {}.",
                waiting.len(), event_name(model, first), first.request, human_duration(end - first.sent_at)),
            evidence,
            next_step: "Check that the server handles this event (a typo in the event name or topic is silently \
                        ignored), and look for an exception in the server's logs at the time of the request."
                .into(),
        });
    }
    for x in c.correlation.exchanges.iter().filter(keyed).filter(|x| !x.answered() && x.stream_items > 0) {
        let last = x.last_item_at.unwrap_or(x.sent_at);
        if end - last < ctx.stall_ms {
            continue;
        }
        let mut evidence: Vec<Evidence> = ev(model, c, x.request, "request that started the stream").into_iter().collect();
        evidence.push(Evidence::Gap { conn: c.id, from: last, to: end, what: format!("no stream item for {}", human_duration(end - last)) });
        out.push(Diagnosis {
            rule: Rule::StreamStalled,
            severity: Severity::Warning,
            conn: Some(c.id),
            cause: format!("the stream answering {} (frame #{}) delivered {} item(s), then nothing for {} and never \
                            finished.", event_name(model, x), x.request, x.stream_items, human_duration(end - last)),
            evidence,
            next_step: "The producer behind the server stopped (a worker, a task queue, a pub/sub channel): check its \
                        logs and that it is running (e.g. the Celery worker and the Redis channel layer)."
                .into(),
        });
    }
}

/// The request's text, shortened, for citing it (`message {"type":"message","content":"hi"}`).
fn request_text(model: &Model, c: &Connection, x: &Exchange) -> String {
    let text = model.frame(FrameRef { conn: c.id, index: x.request }).and_then(|f| f.text()).map(|t| facts::shorten(t, 80));
    match text {
        Some(t) => format!("{} `{t}`", event_name(model, x)),
        None => event_name(model, x).to_string(),
    }
}

/// NoReply without ids (typed JSON): the page sent a message and the server sent nothing at all
/// (heartbeats aside) for `reply_timeout_ms` after it. Any server message counts as an answer,
/// a broadcast included: without ids nothing tells them apart, and a false "no reply" on a busy
/// chat would be worse than a missed one. A message still waiting less than the timeout, or sent
/// just before the close, is not reported.
fn unheard(model: &Model, c: &Connection, end: f64, ctx: &Context, out: &mut Vec<Diagnosis>) {
    let waited = |x: &Exchange| x.heard_ms.map(f64::from).unwrap_or(end - x.sent_at);
    let waiting: Vec<&Exchange> = c
        .correlation
        .exchanges
        .iter()
        .filter(|x| x.paired_by == PairedBy::Order && !x.is_heartbeat() && waited(x) >= ctx.reply_timeout_ms)
        .collect();
    let Some(first) = waiting.first() else { return };
    let mut evidence: Vec<Evidence> = waiting
        .iter()
        .take(MAX_CITED)
        .filter_map(|x| ev(model, c, x.request, format!("{} sent, nothing came back for {}", event_name(model, x), human_duration(waited(x)))))
        .collect();
    evidence.push(Evidence::Gap {
        conn: c.id,
        from: first.sent_at,
        to: first.sent_at + waited(first),
        what: format!("no message from the server for {}", human_duration(waited(first))),
    });
    if let Some(cl) = &c.close {
        evidence.push(Evidence::Close { conn: c.id, t: cl.t, code: cl.code, reason: cl.reason.clone() });
    }
    let later = match first.heard_ms {
        Some(ms) => format!("the server's next message came only {} later", human_duration(ms.into())),
        None if c.close.is_some() => "the server sent nothing more before the close".to_string(),
        None => "the server has sent nothing since".to_string(),
    };
    out.push(Diagnosis {
        rule: Rule::NoReply,
        severity: Severity::Warning,
        conn: Some(c.id),
        cause: format!(
            "{} message(s) the page sent got nothing back within {}; the first, {} (frame #{}), waited {}: {later}. \
             These messages carry no request id, so any server message after them would have counted as an answer \
             (heartbeats aside).",
            waiting.len(), human_duration(ctx.reply_timeout_ms), request_text(model, c, first), first.request,
            human_duration(waited(first))),
        evidence,
        next_step: "The server received the message but nothing answered it: check the consumer's receive handler for \
                    this type, that the worker doing the work is processing (`docker compose logs celery`), and the \
                    Redis channel layer's groups (`docker compose exec redis redis-cli keys \"asgi:*\"`)."
            .into(),
    });
}

/// A typed stream's frames (its start and items), in order, by scanning the connection's traffic
/// from the request up to its last item. Only run for streams already silent past the floor.
fn stream_frames(c: &Connection, x: &Exchange, n: u32) -> Vec<u32> {
    let last = x.last_item_at.or(x.stream_started_at()).unwrap_or(x.sent_at);
    let from = c.traffic.partition_point(|&i| i <= x.request);
    let mut found = Vec::new();
    for &i in &c.traffic[from..] {
        let Some(r) = c.frames.get(i) else { break };
        if r.t > last {
            break;
        }
        if r.dir() == Direction::In && r.exchange() == Some(n) {
            found.push(i);
        }
    }
    found
}

fn median(mut v: Vec<f64>) -> Option<f64> {
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    match v.len() {
        0 => None,
        l if l % 2 == 1 => Some(v[m]),
        _ => Some((v[m - 1] + v[m]) / 2.0),
    }
}

/// StreamStalled for typed-JSON streams (paired by order): started, not finished, and silent for
/// longer than their own pace allows (see [`Context::stream_stall_floor_ms`]).
fn stalled_by_pace(model: &Model, c: &Connection, end: f64, ctx: &Context, out: &mut Vec<Diagnosis>) {
    for (n, x) in c.correlation.exchanges.iter().enumerate() {
        if x.paired_by != PairedBy::Order || !x.streaming() {
            continue;
        }
        let last = x.last_item_at.or(x.stream_started_at()).unwrap_or(x.sent_at);
        let silence = end - last;
        if silence < ctx.stream_stall_floor_ms.min(ctx.stall_ms) {
            continue;
        }
        let frames = stream_frames(c, x, n as u32);
        let times: Vec<f64> = frames.iter().filter_map(|&i| c.frames.get(i)).map(|r| r.t).collect();
        let pace = median(times.windows(2).map(|w| w[1] - w[0]).collect());
        let threshold = match pace {
            Some(p) if x.stream_items > 0 => ctx.stream_stall_floor_ms.max(ctx.stream_stall_pace * p).min(ctx.stall_ms),
            _ => ctx.stall_ms,
        };
        if silence < threshold {
            continue;
        }
        let name = |i: u32| model.frame(FrameRef { conn: c.id, index: i }).and_then(|f| f.event).unwrap_or("message");
        let mut evidence: Vec<Evidence> = ev(model, c, x.request, format!("{} sent: the request", request_text(model, c, x))).into_iter().collect();
        let first = frames.first().copied();
        let last_frame = frames.last().copied();
        if let Some(f) = first {
            evidence.extend(ev(model, c, f, format!("{}: the stream began", name(f))));
        }
        if let Some(l) = last_frame.filter(|l| Some(*l) != first) {
            evidence.extend(ev(model, c, l, format!("{}: the last item, then silence", name(l))));
        }
        evidence.push(Evidence::Gap { conn: c.id, from: last, to: end, what: format!("no stream item for {}", human_duration(silence)) });
        let began = first.map(|f| format!(" after {} (frame #{f})", name(f))).unwrap_or_default();
        let last_text = match last_frame {
            Some(l) if x.stream_items > 0 => format!("the last, {} (frame #{l}), at {}", name(l), format_utc(last)),
            _ => format!("the start at {}", format_utc(last)),
        };
        let ends: Vec<&str> = STREAM_WORDS.iter().filter(|(p, _)| *p == StreamPart::End).flat_map(|(_, w)| w.iter().copied()).filter(|w| !w.ends_with("ed")).collect();
        let pace_text = match pace {
            Some(p) if x.stream_items > 0 => format!("items had come every {} (median), so ", human_duration(p)),
            _ => String::new(),
        };
        let until = if c.close.is_some() { "before the close" } else { "so far" };
        out.push(Diagnosis {
            rule: Rule::StreamStalled,
            severity: Severity::Warning,
            conn: Some(c.id),
            cause: format!(
                "the streamed reply to {} (frame #{}) delivered {} item(s){began}; {last_text}, then nothing for {} {until}, \
                 and no end message ({}) came: {pace_text}the stream stalled.",
                request_text(model, c, x), x.request, x.stream_items, human_duration(silence), ends.join(", ")),
            evidence,
            next_step: "The producer behind the consumer stopped mid-stream (in a Django Channels app, typically the \
                        Celery task that streams through the Redis channel layer): check the worker's logs for an \
                        exception or a hung task (`docker compose logs celery`), that Redis answers \
                        (`docker compose exec redis redis-cli ping`), and that the conversation's channel group still \
                        exists (`docker compose exec redis redis-cli keys \"asgi:*\"`)."
                .into(),
        });
    }
}

fn before_auth(model: &Model, c: &Connection, x: &Exchange, reply: u32, reason: &str, auth: &[&Exchange], ctx: &Context) -> Diagnosis {
    let op = event_name(model, x);
    let mut evidence: Vec<Evidence> = Vec::new();
    evidence.extend(ev(model, c, x.request, format!("{op} sent")));
    evidence.extend(ev(model, c, reply, format!("error {reason}")));
    let auth_name = ctx.auth_events.first().map(String::as_str).unwrap_or("the authentication message");
    let ok_before = auth.iter().find(|a| a.status == Some(Status::Ok) && a.reply.and_then(|r| c.frames.get(r)).is_some_and(|r| r.t <= x.sent_at));
    let cause = match (ok_before, auth.first()) {
        (Some(_), _) => format!("{op} (frame #{}) was rejected with \"{reason}\" although {auth_name} had been answered ok: \
                                 the server lost the authentication (a rejoin or a new channel process).", x.request),
        (None, Some(a)) => {
            evidence.extend(ev(model, c, a.request, format!("{auth_name} sent")));
            if let Some(r) = a.reply {
                evidence.extend(ev(model, c, r, format!("{auth_name} answered")));
            }
            let when = if a.sent_at > x.sent_at { "was only sent after it".to_string() } else { "had not been answered ok yet".to_string() };
            format!("{op} (frame #{}) was sent before {auth_name} was answered ok ({auth_name}, frame #{}, {when}), so the \
                     server answered \"{reason}\".", x.request, a.request)
        }
        (None, None) => format!("{op} (frame #{}) was rejected with \"{reason}\": {auth_name} was never sent on this \
                                 connection, and joining the channel does not authenticate.", x.request),
    };
    Diagnosis {
        rule: Rule::ActionBeforeAuth,
        severity: Severity::Error,
        conn: Some(c.id),
        cause,
        evidence,
        next_step: format!("Send {auth_name} with the token right after the join and wait for its ok reply before sending {op}."),
    }
}

/// The token an exchange relied on: in its own payload, else in the latest auth request before
/// it, else in the URL or subprotocols.
fn token_for(model: &Model, c: &Connection, x: &Exchange, auth: &[&Exchange], conn_tokens: &[ConnToken]) -> Option<ConnToken> {
    let own = facts::tokens_in_frame(model, FrameRef { conn: c.id, index: x.request });
    if let Some(t) = own.into_iter().next() {
        return Some(t);
    }
    for a in auth.iter().rev().filter(|a| a.sent_at <= x.sent_at) {
        if let Some(t) = facts::tokens_in_frame(model, FrameRef { conn: c.id, index: a.request }).into_iter().next() {
            return Some(t);
        }
    }
    conn_tokens.iter().find(|t| t.frame.is_none()).cloned()
}

#[allow(clippy::too_many_arguments)]
fn token_rejected(
    model: &Model,
    c: &Connection,
    x: &Exchange,
    reply: u32,
    reason: &str,
    kind: TokenError,
    auth: &[&Exchange],
    conn_tokens: &[ConnToken],
    ctx: &Context,
) -> Diagnosis {
    let op = event_name(model, x);
    let reply_t = c.frames.get(reply).map(|r| r.t).unwrap_or(x.sent_at);
    let mut evidence: Vec<Evidence> = Vec::new();
    evidence.extend(ev(model, c, x.request, format!("{op} sent")));
    evidence.extend(ev(model, c, reply, format!("error {reason}")));
    let token = token_for(model, c, x, auth, conn_tokens);
    let (detail, next) = match &token {
        None => (
            "no token was found in the request, the URL or the subprotocols".to_string(),
            "Send the token where the server reads it.".to_string(),
        ),
        Some(t) => {
            let m = Moments { now_ms: ctx.now_ms, connect_ms: Some(x.sent_at), close_ms: Some(reply_t) };
            let ins = jwt::inspect(&t.found.token, &m, &[], &ctx.inspect);
            let place = facts::token_place(t);
            let (detail, next) = match kind {
                TokenError::Expired => match ins.time(jwt::TimeClaim::Exp) {
                    Some(exp) if exp.at_ms <= x.sent_at => (
                        format!("the token in {place} expired at {}, {} before the request", format_utc(exp.at_ms), human_duration(x.sent_at - exp.at_ms)),
                        "Refresh the token before sending it (check the client's token refresh and its clock).".to_string(),
                    ),
                    Some(exp) => (
                        format!("the token in {place} expires at {}, {} after the request: the server's clock is ahead, or it \
                                 allows no leeway", format_utc(exp.at_ms), human_duration(exp.at_ms - x.sent_at)),
                        "Compare the server's clock with the issuer's, and allow a little leeway.".to_string(),
                    ),
                    None => (format!("the token in {place} has no exp claim"), "Check which token the server reads.".to_string()),
                },
                TokenError::MissingClaims => {
                    let missing: Vec<String> = ins.findings.iter().filter(|f| f.code == FindingCode::MissingClaim).map(|f| f.message.clone()).collect();
                    let present: Vec<String> = ins.decoded.claims.as_ref().map(|m| m.keys().cloned().collect()).unwrap_or_default();
                    if missing.is_empty() {
                        (format!("the token in {place} has the claims [{}]; the server requires others", present.join(", ")),
                         "Find which claims the server's verify function requires and issue tokens with them; add them to \
                          Socketscope's required claims to check earlier.".to_string())
                    } else {
                        (format!("the token in {place} has the claims [{}]: {}", present.join(", "), missing.join(" ")),
                         "Issue the token with the missing claims.".to_string())
                    }
                }
                TokenError::InvalidSignature => (
                    format!("the token in {place} (alg {}) was not signed with the key the server checks against", ins.decoded.alg().unwrap_or("?")),
                    "Verify the token in the token card with the server's secret (for a multi-tenant server, the tenant's \
                     secret): the issuer and the server disagree on the key."
                        .to_string(),
                ),
            };
            evidence.push(Evidence::Token { conn: c.id, location: t.found.location.clone(), frame: t.frame, what: detail.clone() });
            (detail, next)
        }
    };
    Diagnosis {
        rule: Rule::TokenRejected,
        severity: Severity::Error,
        conn: Some(c.id),
        cause: format!("{op} (frame #{}) was answered \"{reason}\" (frame #{reply}): {}.", x.request, detail.trim_end_matches('.')),
        evidence,
        next_step: next,
    }
}

fn missing_scope(
    model: &Model,
    c: &Connection,
    x: &Exchange,
    reply: Option<(u32, &str)>,
    auth: &[&Exchange],
    conn_tokens: &[ConnToken],
    ctx: &Context,
) -> Diagnosis {
    let op = event_name(model, x);
    let mut evidence: Vec<Evidence> = Vec::new();
    evidence.extend(ev(model, c, x.request, format!("{op} sent")));
    if let Some((r, reason)) = reply {
        evidence.extend(ev(model, c, r, format!("error {reason}")));
    }
    let required = ctx.inspect.scope_map.required_for(op).to_vec();
    let token = token_for(model, c, x, auth, conn_tokens);
    let (check, granted) = match &token {
        Some(t) => {
            let d = jwt::decode(&t.found.token);
            let (s, _) = d.claims.as_ref().map(scopes::scopes_of).unwrap_or((None, vec![]));
            let granted = s.as_ref().map(|s| s.values.join(", ")).unwrap_or_default();
            (scopes::check(s.as_ref(), op, &ctx.inspect.scope_map), granted)
        }
        None => (ScopeCheck::NotMapped, String::new()),
    };
    let said = reply.map(|(_, r)| format!(" and the server answered \"{r}\"")).unwrap_or_default();
    let (severity, cause) = match (&check, &token) {
        (ScopeCheck::Missing { missing }, Some(t)) | (ScopeCheck::NoScopeClaim { required: missing }, Some(t)) => {
            evidence.push(Evidence::Token { conn: c.id, location: t.found.location.clone(), frame: t.frame, what: format!("grants [{granted}]") });
            (Severity::Error, format!("{op} (frame #{}) needs {}; the token in {} grants [{granted}]{said}.", x.request, missing.join(", "), facts::token_place(t)))
        }
        (_, None) => (if reply.is_some() { Severity::Error } else { Severity::Info },
            format!("{op} (frame #{}) was refused for scope{said}, and no token was found to check.", x.request)),
        (_, Some(t)) => (if reply.is_some() { Severity::Warning } else { Severity::Info },
            format!("{op} (frame #{}){said}; the token in {} grants [{granted}], which covers what the scope map requires \
                     ([{}]): the server's map differs from Socketscope's.", x.request, facts::token_place(t), required.join(", "))),
    };
    Diagnosis {
        rule: Rule::MissingScope,
        severity,
        conn: Some(c.id),
        cause,
        evidence,
        next_step: format!("Issue the token with the scopes {op} needs ({}), e.g. a full-access token for writers.",
            if required.is_empty() { "see the server's scope table".to_string() } else { required.join(", ") }),
    }
}

fn error_reply(model: &Model, c: &Connection, x: &Exchange, reply: u32, reason: &str) -> Diagnosis {
    let op = event_name(model, x);
    let topic = model.name(x.topic).unwrap_or("");
    let mut evidence: Vec<Evidence> = Vec::new();
    evidence.extend(ev(model, c, x.request, format!("{op} sent")));
    evidence.extend(ev(model, c, reply, format!("error {reason}")));
    let next = if reason.to_ascii_lowercase().contains("session not found") {
        "The server-side session for this topic is not running (never started, or crashed): check the server's \
         session registry for it (e.g. Registry.lookup for the tenant and document) and its crash logs, and start it \
         before clients join."
            .to_string()
    } else {
        format!("Find where the server answers {op} with \"{reason}\" and check the request's payload against it.")
    };
    Diagnosis {
        rule: Rule::ErrorReply,
        severity: Severity::Error,
        conn: Some(c.id),
        cause: format!("{op}{} (frame #{}) was answered with error \"{reason}\" (frame #{reply}) after {}.",
            if topic.is_empty() { String::new() } else { format!(" on {topic}") }, x.request,
            human_duration(x.latency_ms.unwrap_or(0.0))),
        evidence,
        next_step: next,
    }
}
