//! Chrome HAR with WebSocket messages: export and import.
//!
//! Chrome's DevTools write each WebSocket as an entry with `_resourceType: "websocket"` and a
//! `_webSocketMessages` array of `{type: "send"|"receive", time, opcode, data}`: `time` in epoch
//! seconds, `opcode` 1 (text) or 2 (binary, `data` in base64). The shape and the import rules
//! here follow devtools-frontend's `front_end/models/har/{HARFormat,Importer,Log}.ts`:
//! - the log needs `creator` and an `entries` array; each entry needs a valid
//!   `startedDateTime`, a numeric `time`, a `request` with numeric `headersSize` and
//!   `bodySize`, a `response` with numeric `status`, `headersSize`, `bodySize` and a `content`
//!   with a numeric `size`, and `timings` with numeric `send`, `wait`, `receive`: Chrome throws
//!   on the whole file otherwise, so the export always writes them;
//! - a message missing `time`, `opcode` or `data`, or whose `type` is not send/receive/error,
//!   is skipped (Chrome skips it silently; the import here reports each one).
//!
//! Socketscope-only facts (the close code, the socket id, the detected protocol) travel in an
//! `_socketscope` member, which Chrome ignores and the import here reads back.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::export::{export_session, import_session, model_events, ExportOptions, ImportError, ImportIssue, Imported};
use crate::protocols::Direction;
use crate::schema::{self, Event, Initiator, Opcode, ReadyState, Sequenced};
use crate::session::{Model, ModelConfig};

// ---- dates ------------------------------------------------------------------------------

/// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Epoch milliseconds as an ISO 8601 UTC timestamp with milliseconds (`toJSON()` form).
pub fn iso_from_ms(ms: f64) -> String {
    let ms = if ms.is_finite() { ms.round() as i64 } else { 0 };
    let (days, rem) = (ms.div_euclid(86_400_000), ms.rem_euclid(86_400_000));
    let (y, m, d) = civil_from_days(days);
    let (h, mi, s, milli) = (rem / 3_600_000, rem / 60_000 % 60, rem / 1000 % 60, rem % 1000);
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{milli:03}Z")
}

/// Parse an ISO 8601 date-time (`2024-05-01T12:00:00.123Z`, `+02:00` offsets, no fraction) to
/// epoch milliseconds.
pub fn ms_from_iso(s: &str) -> Option<f64> {
    let b = s.trim().as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let t = std::str::from_utf8(b.get(r)?).ok()?;
        if t.bytes().all(|c| c.is_ascii_digit()) && !t.is_empty() {
            t.parse().ok()
        } else {
            None
        }
    };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') || !matches!(b.get(10), Some(b'T' | b't' | b' ')) {
        return None;
    }
    let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    let mut i = 19;
    let mut frac = 0.0;
    if b.get(i) == Some(&b'.') {
        let start = i + 1;
        i = start;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        // Integer arithmetic on at most 9 digits (nanoseconds): parsing text as f64 would pull
        // core's float parser and its 10 KB table into the panel's wasm for this one fraction.
        let digits = &b[start..i.min(start + 9)];
        let n = digits.iter().fold(0u64, |n, d| n * 10 + u64::from(d - b'0'));
        frac = n as f64 * 1000.0 / 10u64.pow(digits.len() as u32) as f64;
    }
    let offset_min = match b.get(i) {
        Some(b'Z' | b'z') if i + 1 == b.len() => 0,
        Some(&sign @ (b'+' | b'-')) => {
            let oh = num(i + 1..i + 3)?;
            let om = if b.get(i + 3) == Some(&b':') { num(i + 4..i + 6)? } else { num(i + 3..i + 5)? };
            let v = oh * 60 + om;
            if sign == b'+' {
                v
            } else {
                -v
            }
        }
        None => 0,
        _ => return None,
    };
    let days = days_from_civil(y, mo, d);
    let secs = days * 86_400 + h * 3600 + mi * 60 + se - offset_min * 60;
    Some(secs as f64 * 1000.0 + frac)
}

// ---- export -----------------------------------------------------------------------------

fn header(name: &str, value: &str) -> Value {
    json!({ "name": name, "value": value })
}

/// Export the model as a HAR log (JSON value), one entry per connection.
pub fn export_har(model: &Model, opts: &ExportOptions) -> Value {
    // Go through the regenerated (and, by default, redacted) events: one code path decides
    // what leaves the panel.
    let pages = model_events(model, opts.redact);
    let mut har_pages = Vec::new();
    let mut entries = Vec::new();
    for (pi, p) in pages.iter().enumerate() {
        let page_ref = format!("page_{}", pi + 1);
        let mut page_t = None;
        let mut page_url = p.page.clone();
        // Per socket id: the entry being built.
        let mut order: Vec<String> = Vec::new();
        let mut by_id: std::collections::HashMap<String, SocketAcc> = std::collections::HashMap::new();
        let mut handshakes = Vec::new();
        for ev in &p.events {
            match &ev.event {
                Event::Page { t, url } => {
                    page_t = Some(*t);
                    page_url = url.clone();
                }
                Event::Handshake { t, url, status, error } => handshakes.push((*t, url.clone(), *status, error.clone())),
                Event::Dropped { .. } => {}
                other => {
                    let Some(id) = other.socket_id() else { continue };
                    let acc = by_id.entry(id.to_owned()).or_insert_with(|| {
                        order.push(id.to_owned());
                        SocketAcc { id: id.to_owned(), start: other.time(), ..Default::default() }
                    });
                    acc.add(other);
                }
            }
        }
        for id in &order {
            let acc = &by_id[id];
            let hs = handshakes.iter().filter(|h| crate::session::reconnect::endpoint_key(&h.1) == crate::session::reconnect::endpoint_key(&acc.url)).min_by(|a, b| (a.0 - acc.start).abs().total_cmp(&(b.0 - acc.start).abs()));
            entries.push(acc.entry(&page_ref, hs.map(|h| (h.2, h.3.clone()))));
            page_t = Some(page_t.map_or(acc.start, |t: f64| t.min(acc.start)));
        }
        har_pages.push(json!({
            "startedDateTime": iso_from_ms(page_t.unwrap_or(opts.now)),
            "id": page_ref,
            "title": page_url,
            "pageTimings": { "onContentLoad": -1, "onLoad": -1 },
        }));
    }
    json!({
        "log": {
            "version": "1.2",
            "creator": { "name": "Socketscope", "version": env!("CARGO_PKG_VERSION") },
            "pages": har_pages,
            "entries": entries,
        }
    })
}

#[derive(Default)]
struct SocketAcc {
    id: String,
    url: String,
    start: f64,
    protocols: Vec<String>,
    negotiated: Option<String>,
    opened: Option<f64>,
    end: Option<f64>,
    close: Option<Value>,
    messages: Vec<Value>,
}

impl SocketAcc {
    fn add(&mut self, ev: &Event) {
        match ev {
            Event::Socket { t, url, protocols, .. } => {
                self.start = *t;
                self.url = url.clone();
                self.protocols = protocols.clone();
            }
            Event::State { t, state, protocol, .. } => match state {
                ReadyState::Open => {
                    self.opened = Some(*t);
                    self.negotiated = protocol.clone().filter(|p| !p.is_empty());
                }
                ReadyState::Closed => self.end = Some(*t),
                _ => {}
            },
            Event::Frame { t, dir, op, data, .. } => {
                self.messages.push(json!({
                    "type": if *dir == Direction::Out { "send" } else { "receive" },
                    "time": t / 1000.0,
                    "opcode": if *op == Opcode::Text { 1 } else { 2 },
                    "data": data,
                }));
                self.end = Some(self.end.map_or(*t, |e| e.max(*t)));
            }
            Event::Close { t, code, reason, was_clean, initiator, .. } => {
                self.end = Some(*t);
                self.close = Some(json!({ "code": code, "reason": reason, "wasClean": was_clean, "initiator": initiator }));
            }
            _ => {}
        }
    }

    fn entry(&self, page_ref: &str, handshake: Option<(Option<u16>, Option<String>)>) -> Value {
        let mut req_headers = vec![header("Upgrade", "websocket")];
        if !self.protocols.is_empty() {
            req_headers.push(header("Sec-WebSocket-Protocol", &self.protocols.join(", ")));
        }
        let mut res_headers = Vec::new();
        if let Some(p) = &self.negotiated {
            res_headers.push(header("Sec-WebSocket-Protocol", p));
        }
        let (status, error) = match handshake {
            Some((status, error)) => (status.unwrap_or(0), error),
            None if self.opened.is_some() => (101, None),
            None => (0, None),
        };
        let status_text = if status == 101 { "Switching Protocols" } else { "" };
        let query: Vec<Value> = self
            .url
            .split_once('?')
            .map(|(_, q)| q.split('#').next().unwrap_or(""))
            .unwrap_or("")
            .split('&')
            .filter(|kv| !kv.is_empty())
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                header(k, v)
            })
            .collect();
        let wait = self.opened.map(|o| (o - self.start).max(0.0)).unwrap_or(0.0);
        let total = self.end.map(|e| (e - self.start).max(0.0)).unwrap_or(wait);
        let mut ours = Map::new();
        ours.insert("socket".into(), json!(self.id));
        if let Some(c) = &self.close {
            ours.insert("close".into(), c.clone());
        }
        let mut response = json!({
            "status": status,
            "statusText": status_text,
            "httpVersion": "HTTP/1.1",
            "headers": res_headers,
            "cookies": [],
            "content": { "size": 0, "mimeType": "x-unknown" },
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": -1,
            "_transferSize": 0,
        });
        if let Some(e) = error {
            response["_error"] = json!(e);
        }
        json!({
            "pageref": page_ref,
            "startedDateTime": iso_from_ms(self.start),
            "time": total,
            "request": {
                "method": "GET",
                "url": self.url.split('#').next().unwrap_or(""),
                "httpVersion": "HTTP/1.1",
                "headers": req_headers,
                "queryString": query,
                "cookies": [],
                "headersSize": -1,
                "bodySize": 0,
            },
            "response": response,
            "cache": {},
            "timings": { "blocked": -1, "dns": -1, "ssl": -1, "connect": -1, "send": 0, "wait": wait, "receive": 0, "_blocked_queueing": -1 },
            "_resourceType": "websocket",
            "_webSocketMessages": self.messages,
            "_socketscope": Value::Object(ours),
        })
    }
}

// ---- import -----------------------------------------------------------------------------

fn num(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        // A number written as a string: read with serde_json's number parser (JSON syntax).
        Value::String(s) => serde_json::from_str::<Value>(s.trim()).ok()?.as_f64(),
        _ => None,
    }
}

/// A HAR as a session file, with what its import reported: what the panel's HAR module
/// (`har/`, loaded on first use) hands back, so the panel itself only reads session files.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HarAsSession {
    pub session: String,
    pub issues: Vec<ImportIssue>,
}

/// Import a HAR and write it as a session file (tokens kept: nothing is exported yet).
pub fn session_from_har(text: &str, now_ms: f64) -> Result<HarAsSession, ImportError> {
    let imported = import_har(text)?;
    let session = export_session(&imported.model, &ExportOptions { redact: false, now: now_ms });
    Ok(HarAsSession { session, issues: imported.issues })
}

/// A session file as a HAR ([`export_har`] of the session it holds), pretty-printed.
pub fn har_from_session(text: &str, opts: &ExportOptions) -> Result<String, ImportError> {
    let imported = import_session(text)?;
    Ok(serde_json::to_string_pretty(&export_har(&imported.model, opts)).unwrap_or_default())
}

/// Import a HAR log: every WebSocket entry becomes a connection. Entries Chrome itself would
/// reject, and messages it would skip, are reported as issues; everything else is imported.
pub fn import_har(text: &str) -> Result<Imported, ImportError> {
    let v: Value = serde_json::from_str(text).map_err(|e| ImportError::NotJson(e.to_string()))?;
    let log = v.get("log").filter(|l| l.is_object()).ok_or(ImportError::WrongFormat("HAR file (no \"log\" object)"))?;
    let entries = log.get("entries").and_then(Value::as_array).ok_or(ImportError::WrongFormat("HAR file (log.entries is not an array)"))?;
    let mut issues = Vec::new();
    if !log.get("creator").is_some_and(Value::is_object) {
        issues.push(ImportIssue { at: "log.creator".into(), problem: "missing: Chrome would refuse this file".into() });
    }
    let mut events: Vec<(f64, Event)> = Vec::new();
    let mut sockets = 0usize;
    for (ei, e) in entries.iter().enumerate() {
        let at = format!("log.entries[{ei}]");
        let msgs = e.get("_webSocketMessages");
        let is_ws = e.get("_resourceType").and_then(Value::as_str) == Some("websocket") || msgs.is_some_and(Value::is_array);
        if !is_ws {
            continue;
        }
        let Some(start) = e.get("startedDateTime").and_then(Value::as_str).and_then(ms_from_iso) else {
            issues.push(ImportIssue { at: format!("{at}.startedDateTime"), problem: "missing or not a date: entry skipped".into() });
            continue;
        };
        let Some(url) = e.pointer("/request/url").and_then(Value::as_str) else {
            issues.push(ImportIssue { at: format!("{at}.request.url"), problem: "missing: entry skipped".into() });
            continue;
        };
        sockets += 1;
        let ours = e.get("_socketscope");
        let id = ours.and_then(|o| o.get("socket")).and_then(Value::as_str).map(str::to_owned).unwrap_or_else(|| format!("har:{sockets}"));
        let header_value = |path: &str, name: &str| -> Option<String> {
            e.pointer(path)?.as_array()?.iter().find(|h| h.get("name").and_then(Value::as_str).is_some_and(|n| n.eq_ignore_ascii_case(name)))?.get("value")?.as_str().map(str::to_owned)
        };
        let requested: Vec<String> = header_value("/request/headers", "Sec-WebSocket-Protocol").map(|p| p.split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect()).unwrap_or_default();
        let negotiated = header_value("/response/headers", "Sec-WebSocket-Protocol");
        let status = e.pointer("/response/status").and_then(num).map(|s| s as u16);
        let error = e.pointer("/response/_error").and_then(Value::as_str).map(str::to_owned);
        events.push((start, Event::Socket { id: id.clone(), t: start, url: url.to_owned(), protocols: requested, stack: String::new(), frame: String::new() }));
        if status.is_some() || error.is_some() {
            events.push((start, Event::Handshake { t: start, url: url.to_owned(), status: status.filter(|&s| s != 0), error }));
        }
        let wait = e.pointer("/timings/wait").and_then(num).filter(|w| *w >= 0.0).unwrap_or(0.0);
        if status == Some(101) {
            events.push((start + wait, Event::State { id: id.clone(), t: start + wait, state: ReadyState::Open, protocol: negotiated, extensions: None }));
        }
        let mut last = start + wait;
        if let Some(msgs) = msgs {
            let Some(list) = msgs.as_array() else {
                issues.push(ImportIssue { at: format!("{at}._webSocketMessages"), problem: "not an array: messages skipped".into() });
                continue;
            };
            for (mi, m) in list.iter().enumerate() {
                let mat = format!("{at}._webSocketMessages[{mi}]");
                let skip = |why: &str| ImportIssue { at: mat.clone(), problem: format!("skipped, as Chrome does: {why}") };
                if !m.is_object() {
                    // Chrome drops the whole list at the first non-object.
                    issues.push(ImportIssue { at: mat.clone(), problem: "not an object: Chrome drops this entry's remaining messages".into() });
                    break;
                }
                let Some(time) = m.get("time").and_then(num) else {
                    issues.push(skip("no time"));
                    continue;
                };
                let dir = match m.get("type").and_then(Value::as_str) {
                    Some("send") => Direction::Out,
                    Some("receive") => Direction::In,
                    Some("error") => {
                        issues.push(ImportIssue { at: mat.clone(), problem: "an error message (no frame)".into() });
                        continue;
                    }
                    _ => {
                        issues.push(skip("type is not send/receive"));
                        continue;
                    }
                };
                let Some(opcode) = m.get("opcode").and_then(num) else {
                    issues.push(skip("no opcode"));
                    continue;
                };
                let Some(data) = m.get("data").map(|d| match d {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                }) else {
                    issues.push(skip("no data"));
                    continue;
                };
                let op = match opcode as i64 {
                    1 => Opcode::Text,
                    2 => Opcode::Binary,
                    other => {
                        issues.push(ImportIssue { at: mat.clone(), problem: format!("opcode {other} is not a data frame; skipped") });
                        continue;
                    }
                };
                let size = match op {
                    Opcode::Text => data.len() as u64,
                    Opcode::Binary => crate::protocols::base64::decode(&data).map(|b| b.len() as u64).unwrap_or(data.len() as u64),
                };
                let t = time * 1000.0;
                last = last.max(t);
                events.push((t, Event::Frame { id: id.clone(), t, dir, op, size, data, truncated: false }));
            }
        }
        if let Some(c) = ours.and_then(|o| o.get("close")) {
            let t = e.get("time").and_then(num).map(|d| start + d).unwrap_or(last).max(last);
            let initiator = serde_json::from_value::<Initiator>(c.get("initiator").cloned().unwrap_or(Value::Null)).unwrap_or(Initiator::Server);
            events.push((t, Event::Close {
                id: id.clone(),
                t,
                code: c.get("code").and_then(num).unwrap_or(1005.0) as u16,
                reason: c.get("reason").and_then(Value::as_str).unwrap_or("").to_owned(),
                was_clean: c.get("wasClean").and_then(Value::as_bool).unwrap_or(false),
                initiator,
            }));
        }
    }
    crate::export::in_time_order(&mut events);
    let events: Vec<Sequenced> = events.into_iter().enumerate().map(|(i, (_, event))| Sequenced { seq: i as u64 + 1, event }).collect();
    let mut model = Model::new(ModelConfig::default());
    model.ingest_batch(&schema::Parsed { tab: None, page: "har".into(), events, errors: Vec::new() });
    Ok(Imported { model, issues, redacted: false })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates_round_trip() {
        for ms in [0.0, 1_700_000_000_123.0, 951_782_400_000.0 /* 2000-02-29 */, -86_400_000.0] {
            assert_eq!(ms_from_iso(&iso_from_ms(ms)), Some(ms), "{}", iso_from_ms(ms));
        }
        assert_eq!(iso_from_ms(1_700_000_000_123.0), "2023-11-14T22:13:20.123Z");
        assert_eq!(ms_from_iso("2023-11-14T23:13:20.123+01:00"), Some(1_700_000_000_123.0));
        assert_eq!(ms_from_iso("2023-11-14T22:13:20Z"), Some(1_700_000_000_000.0));
        assert_eq!(ms_from_iso("2023-11-14T22:13:20.5Z"), Some(1_700_000_000_500.0));
        // Sub-millisecond digits are kept (to nanoseconds; further digits are ignored).
        let t = ms_from_iso("2023-11-14T22:13:20.1234567891Z").unwrap();
        assert!((t - 1_700_000_000_123.457).abs() < 1e-3, "{t}");
        assert_eq!(ms_from_iso("not a date"), None);
        assert_eq!(ms_from_iso("2023-13-01T00:00:00Z"), None);
    }
}
