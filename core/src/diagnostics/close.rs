//! Rules about how a connection ended: refused handshakes, 1006, auth/origin/rate/format closes
//! with their evidence, idle drops, heartbeat timeouts, and the explanation every close gets.

use super::facts::{self, ConnToken};
use super::{Context, Diagnosis, Evidence, Rule, Severity};
use crate::close_codes::{CloseCode, CloseExplanation};
use crate::jwt::times::{format_utc, human_duration, relative};
use crate::jwt::{self, FindingCode, Moments};
use crate::protocols::{Direction, Kind, Protocol};
use crate::schema::{Initiator, ReadyState};
use crate::session::{ConnId, Connection, FrameRef, Handshake, Model};

/// What kind of close, judged from the explanation's names (so a user's profile entry
/// "4010 Token expired" is treated as an auth close too).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Category {
    Auth,
    Origin,
    RateLimit,
    BadMessage,
    Other,
}

fn category(ex: &CloseExplanation) -> Category {
    let mut words: Vec<String> = ex.matches.iter().map(|m| m.entry.name.to_ascii_lowercase()).collect();
    if let Some(s) = ex.standard {
        words.push(s.name.to_ascii_lowercase());
    }
    let any = |keys: &[&str]| words.iter().any(|w| keys.iter().any(|k| w.contains(k)));
    if any(&["origin", "cors"]) {
        Category::Origin
    } else if any(&["auth", "forbidden", "token", "credential"]) {
        Category::Auth
    } else if any(&["rate", "too many", "throttl"]) {
        Category::RateLimit
    } else if any(&["invalid message", "format", "bad request", "unsupported data", "invalid frame payload", "too big"]) {
        Category::BadMessage
    } else {
        Category::Other
    }
}

fn frame_ev(model: &Model, conn: ConnId, index: u32, what: impl Into<String>) -> Option<Evidence> {
    let at = FrameRef { conn, index };
    let f = model.frame(at)?;
    Some(Evidence::Frame { at, t: f.record.t, what: what.into() })
}

fn describe_frame(model: &Model, conn: ConnId, index: u32) -> String {
    let at = FrameRef { conn, index };
    let Some(f) = model.frame(at) else { return String::new() };
    let dir = if f.record.dir() == Direction::Out { "sent" } else { "received" };
    let body = match f.text() {
        Some(t) => format!("`{}`", facts::shorten(t, 80)),
        None => format!("{} binary bytes", f.record.size),
    };
    match f.event {
        Some(e) => format!("{dir} {e} {body}"),
        None => format!("{dir} {body}"),
    }
}

/// A refused or failed handshake, as its own finding.
/// Chromium's error for a handshake that got an HTTP response other than 101: the connection was
/// made and the server answered, but net fails the request before extensions see the status.
/// Refused, unresolved, reset or timed-out connections have their own codes.
fn answered_without_status(error: &str) -> bool {
    matches!(error.trim(), "net::ERR_FAILED" | "net::ERR_INVALID_HTTP_RESPONSE" | "net::ERR_INVALID_RESPONSE")
}

pub(super) fn refused_handshake(conn: Option<ConnId>, h: &Handshake) -> Option<Diagnosis> {
    let (cause, next) = match (h.status, &h.error) {
        (Some(101), _) => return None,
        (Some(s), _) => (
            format!("the server answered the WebSocket upgrade for {} with HTTP {s} instead of 101: it refused \
                     before accepting, so no frame was exchanged and the browser reports close code 1006.", h.url),
            match s {
                401 | 403 => "The server's auth or origin check rejected the upgrade: check the token in the URL and \
                              the page's Origin against the server's allowed origins (a Django consumer that closes \
                              before accept() answers 403).".to_string(),
                404 => "No WebSocket route matches this path: check the URL path against the server's routing.".into(),
                400 => "The server did not accept the upgrade request (bad headers, unsupported version or \
                        subprotocol): check the server logs.".into(),
                _ => format!("Look up HTTP {s} in the server's or proxy's logs for this request."),
            },
        ),
        (None, Some(e)) if answered_without_status(e) => (
            format!(
                "the server answered the WebSocket upgrade for {} but not with 101 ({e}): it refused before \
                 accepting, so the browser reports close code 1006. Chromium does not tell extensions the HTTP \
                 status of a refused upgrade (Firefox does).",
                h.url
            ),
            "Typical causes: HTTP 403 from an auth or origin check (a Django Channels consumer that closes before \
             accept() answers 403), 404 for a path with no WebSocket route. The status is in the server's log and \
             in DevTools' Network panel for this request."
                .into(),
        ),
        (None, Some(e)) => (
            format!("the WebSocket handshake for {} failed without an HTTP response ({e}).", h.url),
            "Nothing answered at that address: check that the server is running and reachable on that host and \
             port, and that any proxy forwards WebSocket upgrades."
                .into(),
        ),
        (None, None) => (
            format!("the WebSocket handshake for {} got no HTTP response.", h.url),
            "Check that the server is running and reachable.".into(),
        ),
    };
    Some(Diagnosis {
        rule: Rule::HandshakeRefused,
        severity: Severity::Error,
        conn,
        cause,
        evidence: vec![Evidence::Handshake { conn, t: h.t, status: h.status, error: h.error.clone() }],
        next_step: next,
    })
}

pub(super) fn rules(model: &Model, c: &Connection, ctx: &Context, out: &mut Vec<Diagnosis>) {
    let handshake_refused = c.handshake.as_ref().and_then(|h| refused_handshake(Some(c.id), h));
    let refused = handshake_refused.is_some();
    if let Some(mut d) = handshake_refused {
        if let Some(cl) = &c.close {
            d.evidence.push(Evidence::Close { conn: c.id, t: cl.t, code: cl.code, reason: cl.reason.clone() });
        }
        out.push(d);
    }
    let profiles = facts::profiles_for(c, &ctx.project_profiles);
    for col in profiles.collisions() {
        out.push(Diagnosis {
            rule: Rule::CloseCodeCollision,
            severity: Severity::Warning,
            conn: Some(c.id),
            cause: col.to_string(),
            evidence: vec![],
            next_step: "Give the project's code a number the library does not use, or check who closed (client or \
                        server) and the reason text before trusting either meaning."
                .into(),
        });
    }
    disconnect_messages(model, c, &profiles, out);
    let Some(cl) = &c.close else { return };
    let ex = profiles.explain(cl.code, &cl.reason);
    let close_ev = Evidence::Close { conn: c.id, t: cl.t, code: cl.code, reason: cl.reason.clone() };
    let opened = c.opened_at();
    let tokens = facts::tokens(model, c);
    let moments = Moments { now_ms: ctx.now_ms, connect_ms: Some(opened.unwrap_or(c.created)), close_ms: Some(cl.t) };

    if cl.code == 1006 && !refused {
        out.push(abnormal(model, c, cl.t, &close_ev));
    }
    match category(&ex) {
        Category::Auth => out.push(auth_close(c, &ex, &close_ev, &tokens, &moments, ctx)),
        Category::Origin => out.push(origin_close(model, c, &ex, &close_ev)),
        Category::RateLimit => out.push(rate_close(model, c, &ex, &close_ev, &cl.t, ctx)),
        Category::BadMessage => out.push(bad_message_close(model, c, &ex, &close_ev, &cl.t)),
        Category::Other => {}
    }
    idle_or_heartbeat(model, c, cl.t, &cl.reason, cl.code, &close_ev, ctx, out);
    out.push(explained(model, c, &ex, &close_ev, cl.t, &tokens, &moments));
}

fn abnormal(model: &Model, c: &Connection, t: f64, close_ev: &Evidence) -> Diagnosis {
    let mut evidence = vec![close_ev.clone()];
    let cause = match c.opened_at() {
        None => {
            "the connection closed with 1006 before it ever opened and no handshake status was captured (the \
             standalone page and HAR imports can't see it): the server refused the upgrade or was unreachable."
                .to_string()
        }
        Some(open) => {
            let last = c.last_frame_at().unwrap_or(open);
            if let Some(i) = c.frames.len().checked_sub(1) {
                evidence.extend(frame_ev(model, c.id, i as u32, "last frame before the drop"));
            }
            format!("the connection dropped without a close frame (1006) {} after it opened, {} after the last frame: \
                     the TCP connection was cut (server crash, proxy timeout, network change).",
                human_duration(t - open), human_duration(t - last))
        }
    };
    Diagnosis {
        rule: Rule::AbnormalClosure,
        severity: Severity::Error,
        conn: Some(c.id),
        cause,
        evidence,
        next_step: "Check the upgrade's HTTP status in the browser's network panel, the server's logs at the close \
                    time, and any proxy's idle timeout."
            .into(),
    }
}

/// Token findings that explain an auth rejection, most telling first.
const TOKEN_PROBLEMS: [FindingCode; 10] = [
    FindingCode::ExpiredAtConnect,
    FindingCode::ExpiredBeforeClose,
    FindingCode::NotYetValid,
    FindingCode::AlgNone,
    FindingCode::MissingClaim,
    FindingCode::WrongPartCount,
    FindingCode::BadBase64,
    FindingCode::NotJson,
    FindingCode::BadTimeClaim,
    FindingCode::IssuedInFuture,
];

fn auth_close(
    c: &Connection,
    ex: &CloseExplanation,
    close_ev: &Evidence,
    tokens: &[ConnToken],
    moments: &Moments,
    ctx: &Context,
) -> Diagnosis {
    let before_close: Vec<&ConnToken> = tokens.iter().filter(|t| t.t.is_none_or(|t| t <= moments.close_ms.unwrap_or(f64::MAX))).collect();
    let mut evidence = vec![close_ev.clone()];
    let title = ex.title();
    let (cause, severity) = if before_close.is_empty() {
        (format!("closed with {title}, and no token was sent: none in the URL query, the subprotocols or the messages \
                  before the close."), Severity::Error)
    } else {
        let mut found = None;
        for t in &before_close {
            let ins = jwt::inspect(&t.found.token, moments, &[], &ctx.inspect);
            if let Some(f) = TOKEN_PROBLEMS.iter().find_map(|code| ins.findings.iter().find(|f| f.code == *code)) {
                found = Some((*t, f.clone()));
                break;
            }
        }
        match found {
            Some((t, f)) => {
                evidence.push(Evidence::Token { conn: c.id, location: t.found.location.clone(), frame: t.frame, what: f.message.clone() });
                (format!("closed with {title} because of the token in {}: {}", facts::token_place(t), f.message), Severity::Error)
            }
            None => {
                let t = before_close[0];
                evidence.push(Evidence::Token {
                    conn: c.id,
                    location: t.found.location.clone(),
                    frame: t.frame,
                    what: "well-formed and within its validity times".into(),
                });
                (format!("closed with {title}, but the token in {} is well-formed and within its validity times: the \
                          server likely rejected its signature or its issuer/audience.", facts::token_place(t)), Severity::Warning)
            }
        }
    };
    Diagnosis { rule: Rule::AuthRejected, severity, conn: Some(c.id), cause, evidence, next_step: with_profile_step(ex,
        "Verify the token with the server's secret or key in the token card, and send a fresh token when reconnecting.") }
}

fn with_profile_step(ex: &CloseExplanation, fallback: &str) -> String {
    ex.matches.iter().map(|m| m.entry.next_step.as_str()).find(|s| !s.is_empty()).unwrap_or(fallback).to_string()
}

fn origin_close(model: &Model, c: &Connection, ex: &CloseExplanation, close_ev: &Evidence) -> Diagnosis {
    let page_url = if !c.frame_url.is_empty() { Some(c.frame_url.as_str()) } else { model.pages().get(c.page).and_then(|p| p.url.as_deref()) };
    let page_origin = page_url.and_then(facts::origin_of);
    let socket_origin = facts::origin_of(&c.url).unwrap_or_else(|| c.url.clone());
    let cause = match &page_origin {
        Some(o) => format!("closed with {}: the browser sent Origin {o} (the page that opened the socket) to {socket_origin}, \
                            and the server's allowed origins do not include it.", ex.title()),
        None => format!("closed with {}: the server rejected the page's Origin; the page's URL was not recorded, so the \
                         Origin can't be shown.", ex.title()),
    };
    let mut evidence = vec![close_ev.clone()];
    if let Some(o) = page_origin {
        evidence.push(Evidence::Gap { conn: c.id, from: c.created, to: c.created, what: format!("page Origin {o}, socket {socket_origin}") });
    }
    Diagnosis { rule: Rule::OriginRejected, severity: Severity::Error, conn: Some(c.id), cause, evidence, next_step: with_profile_step(ex,
        "Add the page's Origin to the server's allowed origins; it must match exactly, scheme and port included.") }
}

fn rate_close(model: &Model, c: &Connection, ex: &CloseExplanation, close_ev: &Evidence, t: &f64, ctx: &Context) -> Diagnosis {
    let (n, first, last, peak) = facts::send_rate(c, *t, ctx.rate_window_ms);
    let mut evidence = vec![close_ev.clone()];
    if let Some(f) = first {
        evidence.extend(frame_ev(model, c.id, f, "first message in the window"));
    }
    if let Some(l) = last.filter(|l| Some(*l) != first) {
        evidence.extend(frame_ev(model, c.id, l, "last message before the close"));
    }
    let secs = ctx.rate_window_ms / 1000.0;
    let cause = format!("closed with {}: the page sent {n} message(s) in the {} before the close ({}/s on average, \
                         peak {peak} within one second).", ex.title(), human_duration(ctx.rate_window_ms), crate::decimal::fixed(n as f64 / secs, 1));
    Diagnosis { rule: Rule::RateLimited, severity: Severity::Error, conn: Some(c.id), cause, evidence, next_step: with_profile_step(ex,
        "Throttle or batch sends on the client, and back off when the server closes for rate.") }
}

fn bad_message_close(model: &Model, c: &Connection, ex: &CloseExplanation, close_ev: &Evidence, t: &f64) -> Diagnosis {
    let mut evidence = vec![close_ev.clone()];
    let cause = match facts::last_sent_before(c, *t) {
        Some(i) => {
            let at = FrameRef { conn: c.id, index: i };
            let f = model.frame(at);
            let text = f.and_then(|f| f.text());
            let shape = match (text, f.map(|f| f.record.size)) {
                (Some(s), _) if serde_json::from_str::<serde_json::Value>(s).is_err() => " It is not JSON.",
                (Some(_), _) => " It is JSON; compare its fields with what the server expects.",
                (None, _) => " It is binary.",
            };
            evidence.extend(frame_ev(model, c.id, i, "the offending message: the last one sent before the close"));
            format!("closed with {}: the last message the page sent before it, frame #{i}, was {}.{shape}",
                ex.title(), describe_frame(model, c.id, i))
        }
        None => format!("closed with {}, but the page sent no message before it.", ex.title()),
    };
    Diagnosis { rule: Rule::InvalidMessage, severity: Severity::Error, conn: Some(c.id), cause, evidence, next_step: with_profile_step(ex,
        "Fix the message the client builds: the server expects JSON in its own format.") }
}

#[allow(clippy::too_many_arguments)]
fn idle_or_heartbeat(model: &Model, c: &Connection, t: f64, reason: &str, code: u16, close_ev: &Evidence, ctx: &Context, out: &mut Vec<Diagnosis>) {
    let Some(open) = c.opened_at() else { return };
    if reason.trim().eq_ignore_ascii_case("heartbeat timeout") {
        let mut evidence = vec![close_ev.clone()];
        let unanswered = c.correlation.exchanges.iter().rev().find(|x| x.is_heartbeat() && !x.answered());
        if let Some(x) = unanswered {
            evidence.extend(frame_ev(model, c.id, x.request, "heartbeat with no reply"));
        }
        out.push(Diagnosis {
            rule: Rule::HeartbeatTimeout,
            severity: Severity::Error,
            conn: Some(c.id),
            cause: format!("the client closed the socket itself ({code} \"heartbeat timeout\"): {}", match unanswered {
                Some(x) => format!("its heartbeat (frame #{}) got no reply within the heartbeat interval.", x.request),
                None => "a heartbeat went unanswered.".into(),
            }),
            evidence,
            next_step: "The server or a proxy stopped answering: check server load and proxy timeouts at that time; \
                        the client reconnects on its own."
                .into(),
        });
        return;
    }
    let closed_by_page = c.close.as_ref().is_some_and(|cl| matches!(cl.initiator, Initiator::Page | Initiator::Panel));
    if closed_by_page {
        return;
    }
    if let Some(d) = idle_notice(model, c, open, t, reason, code, close_ev, ctx) {
        out.push(d);
        return;
    }
    let last = c.last_frame_at().unwrap_or(open);
    let idle = t - last;
    if idle < ctx.idle_ms {
        return;
    }
    let heartbeats = c.counters.heartbeats[0] + c.counters.heartbeats[1];
    if heartbeats > 0 && c.heartbeats.last().and_then(|&i| c.frames.get(i)).is_some_and(|r| t - r.t < ctx.idle_ms) {
        return;
    }
    let mut evidence = vec![close_ev.clone()];
    evidence.push(Evidence::Gap { conn: c.id, from: last, to: t, what: format!("no frame for {}", human_duration(idle)) });
    if let Some(i) = c.frames.len().checked_sub(1) {
        evidence.extend(frame_ev(model, c.id, i as u32, "last frame before the silence"));
    }
    let hb = if heartbeats == 0 { "no heartbeat seen".to_string() } else { format!("{heartbeats} heartbeats earlier, none in the silence") };
    out.push(Diagnosis {
        rule: Rule::IdleDrop,
        severity: Severity::Warning,
        conn: Some(c.id),
        cause: format!("no frame for {} before the close ({code}), {hb}: an idle connection was dropped, typically by a \
                        proxy or load balancer timeout.", human_duration(idle)),
        evidence,
        next_step: "Send a heartbeat (ping/pong message) more often than the proxy's idle timeout (nginx's \
                    proxy_read_timeout defaults to 60 s), or raise that timeout."
            .into(),
    });
}

/// Words that make a server notice (its type, or its reason/message text) or a close reason an
/// idle-timeout announcement, matched case-insensitively as substrings.
const IDLE_WORDS: [&str; 5] = ["idle", "timeout", "timed out", "timed_out", "inactiv"];

/// A JSON message's own top-level reason text (`reason`, `message`, `detail`, `error`), not any
/// text in its payload: a chat message saying "timeout" is not a notice.
fn notice_reason(model: &Model, at: FrameRef) -> Option<String> {
    let v = facts::payload_json(model, at)?;
    ["reason", "message", "detail", "error"].iter().find_map(|k| v.get(*k).and_then(|x| x.as_str()).map(str::to_owned))
}

fn names_idleness(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    IDLE_WORDS.iter().any(|w| t.contains(w))
}

/// IdleDrop announced by the server: its close comes right after (within
/// `idle_notice_window_ms`) a message whose type or reason names idleness or a timeout (the
/// Django consumer's `{"type":"idle_timeout"}`), or its close reason does. Unlike the silent
/// proxy case this needs no long silence: the server said why. What matters is how long the
/// page itself had been quiet, and whether it sent heartbeats.
#[allow(clippy::too_many_arguments)]
fn idle_notice(model: &Model, c: &Connection, open: f64, t: f64, reason: &str, code: u16, close_ev: &Evidence, ctx: &Context) -> Option<Diagnosis> {
    let last_traffic = c.traffic.last().and_then(|&i| c.frames.get(i).map(|r| (i, r)));
    let notice = last_traffic.filter(|(i, r)| {
        r.dir() == Direction::In && t - r.t <= ctx.idle_notice_window_ms && {
            let at = FrameRef { conn: c.id, index: *i };
            model.frame(at).and_then(|f| f.event).is_some_and(names_idleness)
                || notice_reason(model, at).is_some_and(|x| names_idleness(&x))
        }
    });
    let by_reason = !reason.trim().is_empty() && names_idleness(reason);
    if notice.is_none() && !by_reason {
        return None;
    }
    let said_at = notice.map(|(_, r)| r.t).unwrap_or(t);
    // The page's own last frame (heartbeats included) before the notice.
    let page_last = facts::last_sent_before(c, said_at).and_then(|i| c.frames.get(i)).map(|r| r.t);
    let silence = said_at - page_last.unwrap_or(open);
    let sent_hb = c.counters.heartbeats[1];
    let last_hb = c.heartbeats.iter().rev().filter_map(|&i| c.frames.get(i)).find(|r| r.dir() == Direction::Out).map(|r| r.t);
    let quiet = match page_last {
        Some(_) => format!("no frame from the page for {}", human_duration(silence)),
        None => format!("no frame from the page at all in the {} since the open", human_duration(silence)),
    };
    let hb = match last_hb {
        None => "no heartbeat sent".to_string(),
        Some(h) => format!("{sent_hb} heartbeat(s) sent, the last {} before it (the server did not count them as activity)", human_duration(said_at - h)),
    };
    let mut evidence = vec![close_ev.clone()];
    let what = match notice {
        Some((i, _)) => {
            let text = describe_frame(model, c.id, i);
            evidence.extend(frame_ev(model, c.id, i, format!("the server's idle notice: {text}")));
            format!("right after its notice, frame #{i} ({}, {} before the close)", model.frame(FrameRef { conn: c.id, index: i }).and_then(|f| f.event).unwrap_or("a message"), human_duration(t - said_at))
        }
        None => format!("with the reason \"{reason}\""),
    };
    evidence.push(Evidence::Gap { conn: c.id, from: page_last.unwrap_or(open), to: said_at, what: format!("{quiet}, {hb}") });
    if let Some(i) = facts::last_sent_before(c, said_at) {
        evidence.extend(frame_ev(model, c.id, i, "the page's last frame before the silence"));
    }
    Some(Diagnosis {
        rule: Rule::IdleDrop,
        severity: Severity::Warning,
        conn: Some(c.id),
        cause: format!("the server closed the connection ({code}) for idleness, {what}: {quiet}, {hb}. The server (or a proxy in \
                        front of it) drops a connection that stays quiet that long."),
        evidence,
        next_step: "Send a heartbeat (a ping/pong message) more often than the server's idle timeout, and check proxy \
                    timeouts (nginx's proxy_read_timeout defaults to 60 s; load balancers have their own): the guide's \
                    \"Connection drops after 60s: implement heartbeat/ping-pong; check for proxy timeouts (nginx, load balancer)\"."
            .into(),
    })
}

fn explained(model: &Model, c: &Connection, ex: &CloseExplanation, close_ev: &Evidence, t: f64, tokens: &[ConnToken], m: &Moments) -> Diagnosis {
    let mut evidence = vec![close_ev.clone()];
    let mut facts_text: Vec<String> = Vec::new();
    if let Some(cl) = &c.close {
        let who = match cl.initiator {
            Initiator::Page => "the page closed it",
            Initiator::Panel => "Socketscope's panel closed it",
            Initiator::Server => "the server closed it (or the connection failed)",
        };
        facts_text.push(format!("{who}{}", if cl.was_clean { ", cleanly" } else { ", not cleanly" }));
    }
    if let Some(h) = &c.handshake {
        facts_text.push(match (h.status, &h.error) {
            (Some(s), _) => format!("handshake HTTP {s}"),
            (None, Some(e)) => format!("handshake failed: {e}"),
            (None, None) => "no handshake response".into(),
        });
        evidence.push(Evidence::Handshake { conn: Some(c.id), t: h.t, status: h.status, error: h.error.clone() });
    }
    if let Some((i, tr)) = c.transitions.iter().enumerate().find(|(_, tr)| tr.state == ReadyState::Open) {
        evidence.push(Evidence::Transition { conn: c.id, index: i, t: tr.t, state: tr.state });
        facts_text.push(format!("open for {}", human_duration(t - tr.t)));
    }
    match c.last_frame_at() {
        Some(last) => facts_text.push(format!("last frame {}", relative(last - t, "the close"))),
        None => facts_text.push("no frame was exchanged".into()),
    }
    for i in facts::last_frames_before(c, t, 3) {
        let what = describe_frame(model, c.id, i);
        evidence.extend(frame_ev(model, c.id, i, what));
    }
    if let Some(tok) = tokens.first() {
        let ins = jwt::inspect(&tok.found.token, m, &[], &Default::default());
        if let Some(exp) = ins.time(jwt::TimeClaim::Exp) {
            let rel = relative(exp.from_close_ms.unwrap_or(0.0), "the close");
            facts_text.push(format!("token exp {} is {rel}", format_utc(exp.at_ms)));
            evidence.push(Evidence::Token { conn: c.id, location: tok.found.location.clone(), frame: tok.frame, what: format!("exp {rel}") });
        }
    }
    let severity = match CloseCode::from(ex.code) {
        CloseCode::Normal | CloseCode::GoingAway if ex.matches.is_empty() => Severity::Info,
        _ => Severity::Warning,
    };
    let protocol = c.protocol().map(|(p, _)| p).filter(|p| *p != Protocol::Raw);
    Diagnosis {
        rule: Rule::CloseExplained,
        severity,
        conn: Some(c.id),
        cause: format!("{}: {} ({}{}).", ex.title(), ex.meaning(), facts_text.join("; "),
            protocol.map(|p| format!("; protocol {}", p.label())).unwrap_or_default()),
        evidence,
        next_step: ex.next_step(),
    }
}

/// ActionCable-style in-band disconnect messages, explained by the active profiles.
fn disconnect_messages(model: &Model, c: &Connection, profiles: &crate::close_codes::ProfileSet, out: &mut Vec<Diagnosis>) {
    if c.protocol().map(|(p, _)| p) != Some(Protocol::ActionCable) {
        return;
    }
    for (i, r) in c.frames.records().iter().enumerate() {
        if r.dir() != Direction::In || r.kind() != Kind::Close {
            continue;
        }
        let at = FrameRef { conn: c.id, index: i as u32 };
        let Some(v) = facts::payload_json(model, at) else { continue };
        let Some(reason) = v.get("reason").and_then(|r| r.as_str()) else { continue };
        let reconnect = v.get("reconnect").and_then(|r| r.as_bool());
        let m = profiles.explain_disconnect(reason);
        let (meaning, next) = match m.first() {
            Some(m) => (m.entry.meaning.clone(), m.entry.next_step.clone()),
            None => ("an application-specific reason".to_string(), "Find where the server disconnects with this reason.".to_string()),
        };
        out.push(Diagnosis {
            rule: Rule::Disconnect,
            severity: if reason == "server_restart" { Severity::Info } else { Severity::Error },
            conn: Some(c.id),
            cause: format!("the server sent disconnect \"{reason}\"{} in frame #{i}: {meaning}",
                match reconnect { Some(true) => " (the client will reconnect)", Some(false) => " (the client will not reconnect)", None => "" }),
            evidence: vec![Evidence::Frame { at, t: r.t, what: format!("disconnect {reason}") }],
            next_step: next,
        });
    }
}
