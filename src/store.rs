//! The panel's state: the core's session model plus what only the UI needs (selection, filter,
//! pause). Plain data in [`Store`]; [`PanelState`] is the reactive handle on top. Ingest writes the
//! store at once but bumps the `tick` at most once per animation frame, so 1,000 frames/s cost
//! one redraw per frame, not one per message.

use leptos::prelude::*;
use socketscope_core::{
    filter::{Filter, FrameFacts},
    jwt,
    schema,
    diagnostics::{diagnose_connection, Context, Severity},
    session::{ConnId, Connection, IngestReport, Model as Session, ModelConfig},
    settings::Settings,
};

/// How many problem messages to keep for the status line (older ones are counted only).
const MAX_PROBLEMS: usize = 50;

#[derive(Debug, Default)]
pub struct Store {
    pub session: Session,
    /// Human-readable problems with what arrived (schema errors, version mismatch).
    pub problems: Vec<String>,
    pub schema_errors: u64,
    /// Connections created before this time are hidden unless "preserve log" is on.
    pub navigated_at: Option<f64>,
    /// The attached tab's last status (`loading`, `complete`, `closed`).
    pub tab_status: Option<String>,
    /// What the diagnostics rules run with (profiles, token checks); kept in step with settings.
    pub ctx: Option<Context>,
    /// Closed connections whose diagnostics found an error. A closed connection no longer
    /// changes, so its rules run once, not on every redraw.
    closed_with_error: std::collections::HashMap<ConnId, bool>,
}

impl Store {
    pub fn new(config: ModelConfig) -> Self {
        Store { session: Session::new(config), ..Default::default() }
    }

    fn problem(&mut self, text: String) {
        if self.problems.len() == MAX_PROBLEMS {
            self.problems.remove(0);
        }
        self.problems.push(text);
    }

    /// Validate and ingest one batch (JSON text from the transport or an import).
    pub fn ingest_text(&mut self, text: &str) -> IngestReport {
        match schema::parse_batch(text) {
            Ok(parsed) => {
                self.schema_errors += parsed.errors.len() as u64;
                for e in &parsed.errors {
                    self.problem(e.to_string());
                }
                let report = self.session.ingest_batch(&parsed);
                self.refresh_problems();
                report
            }
            Err(e) => {
                self.schema_errors += 1;
                self.problem(e.to_string());
                IngestReport { schema_errors: 1, ..Default::default() }
            }
        }
    }

    /// A notice from the background, e.g. `{"v":1,"notice":"tab","status":"loading","url":...}`.
    pub fn notice(&mut self, text: &str, now: f64) {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(text) else { return };
        let status = v.get("status").and_then(|s| s.as_str()).unwrap_or_default().to_string();
        if status == "loading" {
            self.navigated_at = Some(now);
        }
        self.tab_status = Some(status);
    }

    /// Run the rules for connections that closed since the last call.
    pub fn refresh_problems(&mut self) {
        let Some(ctx) = &self.ctx else { return };
        for c in self.session.connections() {
            if c.close.is_some() && !self.closed_with_error.contains_key(&c.id) {
                let error = diagnose_connection(&self.session, c.id, ctx).iter().any(|d| d.severity == Severity::Error);
                self.closed_with_error.insert(c.id, error);
            }
        }
    }

    /// Something went wrong on this connection: a failed handshake, an error, a bad close, or an
    /// error-level diagnosis once it closed (e.g. a token that had expired).
    pub fn has_problem(&self, c: &Connection) -> bool {
        has_problem(c) || self.closed_with_error.get(&c.id).copied().unwrap_or(false)
    }

    pub fn clear(&mut self) {
        let config = self.session.config.clone();
        *self = Store { session: Session::new(config), tab_status: self.tab_status.take(), ctx: self.ctx.take(), ..Default::default() };
    }

    /// Connections to list: all of them with "preserve log", else those since the last navigation.
    pub fn visible_connections(&self, preserve_log: bool) -> impl Iterator<Item = &Connection> {
        let cut = if preserve_log { None } else { self.navigated_at };
        self.session.connections().iter().filter(move |c| cut.is_none_or(|t| c.created >= t || c.state() != schema::ReadyState::Closed))
    }

    /// The connection a user most likely wants: the latest one with a problem, else the latest.
    pub fn most_relevant(&self, preserve_log: bool) -> Option<ConnId> {
        let visible: Vec<&Connection> = self.visible_connections(preserve_log).collect();
        visible.iter().rev().find(|c| self.has_problem(c)).or(visible.last()).map(|c| c.id)
    }

    /// Indices of the frames of `conn` that pass `filter`, in order.
    pub fn filtered(&self, conn: ConnId, filter: &Filter) -> Vec<u32> {
        self.filtered_range(conn, filter, 0..u32::MAX)
    }

    /// Like [`Store::filtered`], over frame indices in `range` only (for incremental filtering).
    pub fn filtered_range(&self, conn: ConnId, filter: &Filter, range: std::ops::Range<u32>) -> Vec<u32> {
        let Some(c) = self.session.connection(conn) else { return Vec::new() };
        let protocol = c.protocol().map(|(p, _)| p.label()).unwrap_or("");
        // Straight over the connection's records (this runs over every frame on each keystroke),
        // reading the text only for frames it can still decide.
        let records = c.frames.records();
        let end = range.end.min(records.len() as u32);
        let reads_text = filter.reads_text();
        filter.select((range.start.min(end)..end).map(|i| {
            let r = &records[i as usize];
            let text = || (r.op() == socketscope_core::protocols::Opcode::Text).then(|| std::str::from_utf8(c.frames.payload(i)).ok()).flatten().unwrap_or("");
            let facts = FrameFacts {
                direction: r.dir(),
                text: if reads_text { text() } else { "" },
                topic: self.session.name(r.topic),
                event: self.session.name(r.event),
                protocol,
                heartbeat: r.kind() == socketscope_core::protocols::Kind::Heartbeat,
            };
            (i, facts)
        }))
    }
}

/// Something went wrong on this connection (used to pick what to show first).
pub fn has_problem(c: &Connection) -> bool {
    let bad_close = c.close.as_ref().is_some_and(|cl| !matches!(cl.code, 1000 | 1001));
    let bad_handshake = c.handshake.as_ref().is_some_and(|h| h.status.is_some_and(|s| s != 101) || h.error.is_some());
    bad_close || bad_handshake || !c.errors.is_empty() || !c.send_errors.is_empty()
}

/// The URL with every JWT replaced, for lists and titles (tokens are shown only in the token card).
pub fn mask_tokens_in_url(url: &str) -> String {
    let mut out = url.to_string();
    for found in jwt::find_in_url(url) {
        out = out.replace(&found.token, &mask(&found.token));
    }
    out
}

fn mask(token: &str) -> String {
    let head: String = token.chars().take(6).collect();
    format!("{head}…(JWT, {} chars)", token.len())
}

/// The reactive handle every component gets from context.
#[derive(Clone, Copy)]
pub struct PanelState {
    pub store: StoredValue<Store>,
    tick: RwSignal<u64>,
    /// Bumped at most twice a second while data streams in: for work too heavy for every frame
    /// (diagnostics, token inspection).
    slow_tick: RwSignal<u64>,
    slow_pending: StoredValue<bool>,
    scheduled: StoredValue<bool>,
    pub selected: RwSignal<Option<ConnId>>,
    /// The user picked a connection; stop auto-selecting.
    pub pinned: RwSignal<bool>,
    pub selected_frame: RwSignal<Option<u32>>,
    pub paused: RwSignal<bool>,
    pub settings: RwSignal<Settings>,
    pub filter_text: RwSignal<String>,
    /// The frame list's topic filter ("" for all): the list's own select, or a diagnosis' topic
    /// evidence. Cleared when the list is drawn for another connection.
    pub filter_topic: RwSignal<String>,
    pub status: RwSignal<String>,
}

impl PanelState {
    pub fn new(store: Store, settings: Settings) -> Self {
        PanelState {
            store: StoredValue::new(store),
            tick: RwSignal::new(0),
            slow_tick: RwSignal::new(0),
            slow_pending: StoredValue::new(false),
            scheduled: StoredValue::new(false),
            selected: RwSignal::new(None),
            pinned: RwSignal::new(false),
            selected_frame: RwSignal::new(None),
            paused: RwSignal::new(false),
            settings: RwSignal::new(settings),
            filter_text: RwSignal::new(String::new()),
            filter_topic: RwSignal::new(String::new()),
            status: RwSignal::new(String::new()),
        }
    }

    /// Read the store and re-run when it changes.
    pub fn read<T>(&self, f: impl FnOnce(&Store) -> T) -> T {
        self.tick.track();
        self.store.with_value(f)
    }

    /// Read the store and re-run at most twice a second while it changes.
    pub fn read_slow<T>(&self, f: impl FnOnce(&Store) -> T) -> T {
        self.slow_tick.track();
        self.store.with_value(f)
    }

    /// Change the store and redraw on the next animation frame.
    pub fn write<T>(&self, f: impl FnOnce(&mut Store) -> T) -> T {
        let out = self.store.try_update_value(f).expect("store is alive for the page's lifetime");
        self.schedule();
        out
    }

    /// Change the store and redraw now (user actions, tests).
    pub fn write_now<T>(&self, f: impl FnOnce(&mut Store) -> T) -> T {
        let out = self.store.try_update_value(f).expect("store is alive for the page's lifetime");
        self.tick.update(|t| *t += 1);
        self.slow_tick.update(|t| *t += 1);
        out
    }

    fn schedule(&self) {
        if self.scheduled.get_value() {
            return;
        }
        self.scheduled.set_value(true);
        let this = *self;
        request_animation_frame(move || {
            this.scheduled.set_value(false);
            this.tick.update(|t| *t += 1);
        });
        if !self.slow_pending.get_value() {
            self.slow_pending.set_value(true);
            set_timeout(
                move || {
                    this.slow_pending.set_value(false);
                    this.slow_tick.update(|t| *t += 1);
                },
                std::time::Duration::from_millis(500),
            );
        }
    }

    /// The connection on screen: the user's pick, else the most relevant.
    pub fn current(&self) -> Option<ConnId> {
        let preserve = self.settings.with(|s| s.preserve_log);
        let auto = self.read(|s| s.most_relevant(preserve));
        if self.pinned.get() {
            self.selected.get().or(auto)
        } else {
            auto
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BATCH: &str = r#"{"v":1,"page":"p","events":[
        {"seq":1,"type":"socket","id":"p:1","t":1,"url":"ws://h/ok"},
        {"seq":2,"type":"frame","id":"p:1","t":2,"dir":"out","op":"text","size":5,"data":"hello"},
        {"seq":3,"type":"socket","id":"p:2","t":3,"url":"ws://h/bad"},
        {"seq":4,"type":"close","id":"p:2","t":4,"code":4001,"reason":"auth","was_clean":true,"initiator":"server"},
        {"seq":5,"type":"socket","id":"p:3","t":5,"url":"ws://h/later"}]}"#;

    #[test]
    fn resent_batches_change_nothing_and_problems_are_kept() {
        let mut s = Store::default();
        s.ingest_text(BATCH);
        let again = s.ingest_text(BATCH);
        assert_eq!(again.applied, 0);
        assert_eq!(s.session.connections().len(), 3);
        s.ingest_text(r#"{"v":9,"page":"p","events":[]}"#);
        assert_eq!(s.schema_errors, 1);
        assert!(s.problems[0].contains("v9"));
    }

    #[test]
    fn filtering_reads_the_frames_of_one_connection_incrementally() {
        let mut s = Store::default();
        s.ingest_text(BATCH);
        s.ingest_text(r#"{"v":1,"page":"p","events":[
            {"seq":6,"type":"frame","id":"p:1","t":6,"dir":"in","op":"text","size":11,"data":"HELLO again"},
            {"seq":7,"type":"frame","id":"p:1","t":7,"dir":"in","op":"binary","size":5,"data":"aGVsbG8="}]}"#);
        let conn = s.session.connection_by_socket("p:1").unwrap().id;
        let f = |text: &str| crate::regex::filter(socketscope_core::filter::FilterSpec { text: text.into(), ..Default::default() }).unwrap();
        // Binary payloads are not text: "hello" in base64'd bytes does not match.
        assert_eq!(s.filtered(conn, &f("hello")), vec![0, 1]);
        assert_eq!(s.filtered(conn, &f("/^HEL+O a/")), vec![1]);
        assert_eq!(s.filtered(conn, &f("-hello")), vec![2]);
        assert_eq!(s.filtered(conn, &f("")), vec![0, 1, 2]);
        assert_eq!(s.filtered_range(conn, &f("hello"), 1..3), vec![1]);
        assert_eq!(s.filtered_range(conn, &f("hello"), 5..9), Vec::<u32>::new());
    }

    #[test]
    fn most_relevant_is_latest_with_a_problem() {
        let mut s = Store::default();
        s.ingest_text(BATCH);
        let c = s.most_relevant(false).unwrap();
        assert_eq!(s.session.connection(c).unwrap().url, "ws://h/bad");
    }

    #[test]
    fn urls_are_listed_with_tokens_masked() {
        let token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ";
        let masked = mask_tokens_in_url(&format!("ws://h/ws/chat/1/?token={token}&x=1"));
        assert!(!masked.contains(token), "{masked}");
        assert!(masked.starts_with("ws://h/ws/chat/1/?token=eyJhbG…(JWT"), "{masked}");
        assert!(masked.ends_with("&x=1"));
    }
}
