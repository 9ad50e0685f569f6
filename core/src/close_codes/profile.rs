//! Close-code profiles: what a library or a project means by its codes.
//!
//! Library profiles are built in (graphql-ws, Phoenix, ActionCable). Project profiles are JSON
//! files that users load; the format is documented in `docs/close-code-profiles.md` and parsed by
//! [`parse_project_profile`], which never fails as a whole: it keeps every good entry and reports
//! one [`ProfileProblem`] per bad one.

use super::{CloseCode, CodeRange, SentBy};
use crate::diagnostics::Severity;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The value of `"socketscope_close_codes"` this version reads.
pub const PROFILE_FORMAT_VERSION: u64 = 1;

/// A library whose close behaviour Socketscope knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Library {
    /// `graphql-ws` (subprotocol `graphql-transport-ws`). Not the legacy subscriptions-transport-ws,
    /// whose subprotocol is confusingly named `graphql-ws` and whose codes differ.
    GraphqlWs,
    /// Phoenix Channels (phoenix.js).
    Phoenix,
    /// Rails ActionCable (`@rails/actioncable`).
    ActionCable,
}

impl Library {
    pub const ALL: [Library; 3] = [Library::GraphqlWs, Library::Phoenix, Library::ActionCable];

    /// The library a negotiated (or requested) subprotocol names, if any.
    ///
    /// `graphql-ws` as a *subprotocol* belongs to the legacy subscriptions-transport-ws, so it maps
    /// to nothing here: applying graphql-ws's 44xx table to it would mislabel its closes.
    pub fn from_subprotocol(protocol: &str) -> Option<Library> {
        match protocol.trim() {
            "graphql-transport-ws" => Some(Library::GraphqlWs),
            "phoenix" => Some(Library::Phoenix),
            p if p.starts_with("actioncable-") => Some(Library::ActionCable),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Library::GraphqlWs => "graphql-ws",
            Library::Phoenix => "Phoenix Channels",
            Library::ActionCable => "ActionCable",
        }
    }
}

/// Where a profile came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "library")]
pub enum ProfileOrigin {
    Library(Library),
    /// Loaded by the user from a JSON file.
    Project,
}

/// What makes an entry apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    /// Any close with this code.
    Code(u16),
    /// A close with this code and this reason text (compared trimmed, case-insensitively). Phoenix
    /// closes with 1000 for both a normal close and a heartbeat timeout; only the reason tells.
    CodeAndReason { code: u16, reason: String },
    /// An in-band disconnect message (ActionCable's `{"type":"disconnect","reason":...}`) that the
    /// server sends before it closes; the close code itself says little.
    DisconnectMessage { reason: String },
}

impl Trigger {
    pub fn code(&self) -> Option<u16> {
        match self {
            Trigger::Code(c) | Trigger::CodeAndReason { code: c, .. } => Some(*c),
            Trigger::DisconnectMessage { .. } => None,
        }
    }

    /// Whether a close with `code` and `reason` matches.
    pub fn matches_close(&self, code: u16, reason: &str) -> bool {
        match self {
            Trigger::Code(c) => *c == code,
            Trigger::CodeAndReason { code: c, reason: r } => *c == code && same_reason(r, reason),
            Trigger::DisconnectMessage { .. } => false,
        }
    }

    /// Whether an in-band disconnect message with `reason` matches.
    pub fn matches_disconnect(&self, reason: &str) -> bool {
        matches!(self, Trigger::DisconnectMessage { reason: r } if same_reason(r, reason))
    }
}

fn same_reason(expected: &str, got: &str) -> bool {
    expected.trim().eq_ignore_ascii_case(got.trim())
}

/// One meaning in a profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProfileEntry {
    pub trigger: Trigger,
    /// Short name, e.g. "Authentication failed".
    pub name: String,
    /// What it means.
    pub meaning: String,
    pub sent_by: SentBy,
    /// What to check next.
    pub next_step: String,
}

/// A named set of entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Profile {
    pub name: String,
    pub description: String,
    pub origin: ProfileOrigin,
    pub entries: Vec<ProfileEntry>,
}

fn lib_entry(code: u16, name: &str, meaning: &str, sent_by: SentBy, next_step: &str) -> ProfileEntry {
    ProfileEntry {
        trigger: Trigger::Code(code),
        name: name.into(),
        meaning: meaning.into(),
        sent_by,
        next_step: next_step.into(),
    }
}

fn disconnect_entry(reason: &str, meaning: &str, next_step: &str) -> ProfileEntry {
    ProfileEntry {
        trigger: Trigger::DisconnectMessage { reason: reason.into() },
        name: format!("disconnect: {reason}"),
        meaning: meaning.into(),
        sent_by: SentBy::Server,
        next_step: next_step.into(),
    }
}

/// The built-in profile of a library.
pub fn library_profile(library: Library) -> Profile {
    let (description, entries) = match library {
        Library::GraphqlWs => ("Close codes of the GraphQL over WebSocket protocol (graphql-ws, subprotocol \
             graphql-transport-ws).", graphql_ws_entries()),
        Library::Phoenix => ("phoenix.js closes with 1000 for its own failures; the reason tells them apart.",
            phoenix_entries()),
        Library::ActionCable => ("ActionCable sends {\"type\":\"disconnect\",\"reason\":...} before the server \
             closes; the reason is the explanation.", actioncable_entries()),
    };
    Profile {
        name: library.name().into(),
        description: description.into(),
        origin: ProfileOrigin::Library(library),
        entries,
    }
}

fn graphql_ws_entries() -> Vec<ProfileEntry> {
    use SentBy::*;
    vec![
        lib_entry(4400, "Bad Request", "The server could not parse or validate a message the client sent \
            (unknown type, missing id, invalid payload).", Either,
            "Look at the last message sent before the close: its `type` and shape must follow the \
             graphql-transport-ws protocol."),
        lib_entry(4401, "Unauthorized", "The client subscribed before the server acknowledged \
            connection_init.", Server,
            "Wait for `connection_ack` before sending `subscribe`; check that connection_init was sent \
             first."),
        lib_entry(4403, "Forbidden", "The server's onConnect rejected connection_init (typically bad or \
            missing credentials in its payload).", Server,
            "Check the connection_init payload: the token in it, its expiry and scopes."),
        lib_entry(4406, "Subprotocol Not Acceptable", "The server does not speak the requested \
            subprotocol.", Server,
            "Request `graphql-transport-ws`; a server on the legacy `graphql-ws` subprotocol needs \
             subscriptions-transport-ws on the client."),
        lib_entry(4408, "Connection Initialisation Timeout", "The client did not send connection_init \
            within the server's timeout.", Server,
            "Check that connection_init is the first message and is sent right after open."),
        lib_entry(4409, "Subscriber Already Exists", "The client started a subscription with an id that \
            is already in use.", Server,
            "Each `subscribe` needs a unique id; look for a reused id among the last messages sent."),
        lib_entry(4429, "Too Many Initialisation Requests", "The client sent connection_init more than \
            once.", Server, "Send connection_init once per connection."),
        lib_entry(4500, "Internal Server Error", "The server failed while handling a message (an \
            exception in onConnect, onSubscribe or the schema).", Server,
            "Look for the exception in the server's logs at the close time; the reason text often \
             carries its message."),
        lib_entry(4504, "Connection Acknowledgement Timeout", "The server did not answer connection_init \
            with connection_ack in time; the client closed.", Client,
            "Check the server's onConnect: it must return promptly. Look for a connection_init with no \
             connection_ack after it."),
        lib_entry(4004, "Bad Response", "The client received a message from the server it could not \
            parse or that broke the protocol.", Client,
            "Look at the last message received before the close: it is not valid graphql-transport-ws."),
        lib_entry(4005, "Internal Client Error", "The client failed internally (an exception in its own \
            callbacks, e.g. connectionParams).", Client,
            "Check the browser console for the exception thrown by the client's callbacks."),
    ]
}

fn phoenix_entries() -> Vec<ProfileEntry> {
    vec![ProfileEntry {
        trigger: Trigger::CodeAndReason { code: 1000, reason: "heartbeat timeout".into() },
        name: "Heartbeat timeout".into(),
        meaning: "phoenix.js sent a heartbeat and got no phx_reply before the next one was due, so it \
                  closed the socket itself (code 1000 with this reason) and will reconnect."
            .into(),
        sent_by: SentBy::Client,
        next_step: "Look at the heartbeat frames before the close: a heartbeat without a reply means the \
                    server (or a proxy) stopped answering. Check server load and proxy timeouts."
            .into(),
    }]
}

fn actioncable_entries() -> Vec<ProfileEntry> {
    vec![
        disconnect_entry("unauthorized", "The connection's `connect` rejected the client \
            (reject_unauthorized_connection); the client does not reconnect.",
            "Check the credentials the connection reads (cookies, the token in the URL) and the \
             server's log line for the rejected connection."),
        disconnect_entry("invalid_request", "The request was not a valid WebSocket upgrade for ActionCable \
            (e.g. a forbidden Origin or an unsupported subprotocol).",
            "Check `config.action_cable.allowed_request_origins` against the page's Origin, and the \
             requested subprotocols."),
        disconnect_entry("server_restart", "The server is restarting; the client reconnects.",
            "Expected during deploys: check that a reconnect follows."),
        disconnect_entry("remote", "The server disconnected this client on purpose \
            (ActionCable.server.remote_connections...disconnect), e.g. on logout.",
            "Find the server code that calls remote_connections disconnect for this user."),
    ]
}

/// The result of loading a project profile: the profile (unless the file was unusable) plus every
/// problem found, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileLoad {
    pub profile: Option<Profile>,
    pub problems: Vec<ProfileProblem>,
}

/// One problem in a project profile file. `Display` says what happened and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProfileProblem {
    NotJson { line: usize, column: usize, detail: String },
    NotAnObject,
    /// `socketscope_close_codes` is missing or names another version.
    Version { found: Option<String> },
    /// `codes` is missing or not an array.
    NoCodes,
    /// An entry was skipped.
    Skipped { index: usize, why: EntryProblem },
    /// An entry was kept but looks wrong.
    Suspicious { index: usize, code: u16, why: EntrySuspicion },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryProblem {
    NotAnObject,
    /// `code` is missing, not an integer, or above 65535.
    BadCode(String),
    MissingName,
    /// Same code and reason as an earlier entry.
    Duplicate { first_index: usize },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntrySuspicion {
    /// The code can never be sent (outside 1000-4999, 1004-1006, 1015, 1016-2999).
    NeverOnWire,
    /// The code is a standard one (1000-1015) whose meaning the profile overrides.
    ShadowsStandard,
    /// `sent_by` was not one of the known words; "either" was assumed.
    UnknownSentBy,
}

impl ProfileProblem {
    pub fn severity(&self) -> Severity {
        match self {
            ProfileProblem::NotJson { .. }
            | ProfileProblem::NotAnObject
            | ProfileProblem::Version { .. }
            | ProfileProblem::NoCodes => Severity::Error,
            ProfileProblem::Skipped { .. } | ProfileProblem::Suspicious { .. } => Severity::Warning,
        }
    }
}

impl std::fmt::Display for ProfileProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProfileProblem::NotJson { line, column, detail } => write!(
                f,
                "the profile is not valid JSON (line {line}, column {column}: {detail}); fix the file and load it again"
            ),
            ProfileProblem::NotAnObject => {
                write!(f, "the profile must be a JSON object with `socketscope_close_codes` and `codes`; see docs/close-code-profiles.md")
            }
            ProfileProblem::Version { found: None } => write!(
                f,
                "the profile has no `\"socketscope_close_codes\": {PROFILE_FORMAT_VERSION}`; add it so Socketscope knows the format"
            ),
            ProfileProblem::Version { found: Some(v) } => write!(
                f,
                "the profile is format {v}, this Socketscope reads format {PROFILE_FORMAT_VERSION}; upgrade Socketscope or rewrite the file"
            ),
            ProfileProblem::NoCodes => {
                write!(f, "the profile has no `codes` array; list the codes as `[{{\"code\": 4001, \"name\": ...}}]`")
            }
            ProfileProblem::Skipped { index, why } => {
                write!(f, "codes[{index}] was skipped: ")?;
                match why {
                    EntryProblem::NotAnObject => write!(f, "it is not an object"),
                    EntryProblem::BadCode(v) => {
                        write!(f, "`code` must be an integer from 0 to 65535, found {v}")
                    }
                    EntryProblem::MissingName => write!(f, "it has no `name`; give it a short name"),
                    EntryProblem::Duplicate { first_index } => write!(
                        f,
                        "codes[{first_index}] already defines the same code and reason; keep one of them"
                    ),
                }
            }
            ProfileProblem::Suspicious { index, code, why } => {
                write!(f, "codes[{index}] ({code}): ")?;
                match why {
                    EntrySuspicion::NeverOnWire => write!(
                        f,
                        "no endpoint may send this code ({}), so this entry will only match what the browser reports; use 4000-4999 for application codes",
                        CodeRange::of(*code).label()
                    ),
                    EntrySuspicion::ShadowsStandard => write!(
                        f,
                        "this is the standard code \"{}\"; the profile's meaning is shown next to the standard one. Prefer 4000-4999 for application codes",
                        CloseCode::from(*code).info().map(|i| i.name).unwrap_or("?")
                    ),
                    EntrySuspicion::UnknownSentBy => write!(
                        f,
                        "`sent_by` must be one of server, client, either; assumed either"
                    ),
                }
            }
        }
    }
}

/// Parse a project profile (format in `docs/close-code-profiles.md`). Never fails as a whole.
pub fn parse_project_profile(text: &str) -> ProfileLoad {
    let mut problems = Vec::new();
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            problems.push(ProfileProblem::NotJson {
                line: e.line(),
                column: e.column(),
                detail: e.to_string(),
            });
            return ProfileLoad { profile: None, problems };
        }
    };
    let Some(obj) = value.as_object() else {
        problems.push(ProfileProblem::NotAnObject);
        return ProfileLoad { profile: None, problems };
    };
    match obj.get("socketscope_close_codes") {
        Some(v) if v.as_u64() == Some(PROFILE_FORMAT_VERSION) => {}
        other => {
            problems.push(ProfileProblem::Version { found: other.map(|v| v.to_string()) });
            return ProfileLoad { profile: None, problems };
        }
    }
    let Some(codes) = obj.get("codes").and_then(Value::as_array) else {
        problems.push(ProfileProblem::NoCodes);
        return ProfileLoad { profile: None, problems };
    };
    let text_of = |o: &serde_json::Map<String, Value>, k: &str| {
        o.get(k).and_then(Value::as_str).map(str::trim).unwrap_or("").to_string()
    };
    let mut entries: Vec<ProfileEntry> = Vec::with_capacity(codes.len());
    let mut indices: Vec<usize> = Vec::with_capacity(codes.len());
    for (index, raw) in codes.iter().enumerate() {
        match parse_entry(raw, &text_of) {
            Err(why) => problems.push(ProfileProblem::Skipped { index, why }),
            Ok((entry, sent_by_known)) => {
                if let Some(pos) = entries.iter().position(|e| e.trigger == entry.trigger) {
                    let first_index = indices[pos];
                    problems.push(ProfileProblem::Skipped { index, why: EntryProblem::Duplicate { first_index } });
                    continue;
                }
                let code = entry.trigger.code().unwrap_or(0);
                let cc = CloseCode::from(code);
                if !cc.valid_on_wire() {
                    problems.push(ProfileProblem::Suspicious { index, code, why: EntrySuspicion::NeverOnWire });
                } else if cc.range() == CodeRange::Standard {
                    problems.push(ProfileProblem::Suspicious { index, code, why: EntrySuspicion::ShadowsStandard });
                }
                if !sent_by_known {
                    problems.push(ProfileProblem::Suspicious { index, code, why: EntrySuspicion::UnknownSentBy });
                }
                entries.push(entry);
                indices.push(index);
            }
        }
    }
    let name = match text_of(obj, "name") {
        n if n.is_empty() => "project profile".to_string(),
        n => n,
    };
    let profile = Profile {
        name,
        description: text_of(obj, "description"),
        origin: ProfileOrigin::Project,
        entries,
    };
    ProfileLoad { profile: Some(profile), problems }
}

/// One entry; the bool says whether `sent_by` was absent or known.
fn parse_entry(
    raw: &Value,
    text_of: &dyn Fn(&serde_json::Map<String, Value>, &str) -> String,
) -> Result<(ProfileEntry, bool), EntryProblem> {
    let o = raw.as_object().ok_or(EntryProblem::NotAnObject)?;
    let code = match o.get("code") {
        Some(v) => v
            .as_u64()
            .and_then(|n| u16::try_from(n).ok())
            .ok_or_else(|| EntryProblem::BadCode(v.to_string()))?,
        None => return Err(EntryProblem::BadCode("nothing".into())),
    };
    let name = text_of(o, "name");
    if name.is_empty() {
        return Err(EntryProblem::MissingName);
    }
    let (sent_by, known) = match o.get("sent_by").and_then(Value::as_str).map(str::trim) {
        None => (SentBy::Either, true),
        Some("server") => (SentBy::Server, true),
        Some("client") => (SentBy::Client, true),
        Some("either") => (SentBy::Either, true),
        Some(_) => (SentBy::Either, false),
    };
    let reason = text_of(o, "reason");
    let trigger = if reason.is_empty() {
        Trigger::Code(code)
    } else {
        Trigger::CodeAndReason { code, reason }
    };
    Ok((
        ProfileEntry { trigger, name, meaning: text_of(o, "meaning"), sent_by, next_step: text_of(o, "next_step") },
        known,
    ))
}
