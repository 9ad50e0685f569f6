//! Explaining one close with the profiles active for a connection, and spotting profiles that
//! disagree about a code.

use super::profile::{library_profile, Library, Profile, ProfileEntry, ProfileOrigin, Trigger};
use super::{CloseCode, CodeInfo, CodeRange};
use crate::diagnostics::Severity;
use serde::Serialize;

/// The profiles that apply to one connection: the detected libraries' first, then the user's
/// project profiles in the order loaded.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProfileSet {
    profiles: Vec<Profile>,
}

/// A profile entry that matched, with the profile it came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProfileMatch {
    pub profile: String,
    pub origin: ProfileOrigin,
    pub entry: ProfileEntry,
}

/// Everything the table knows about one close.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CloseExplanation {
    pub code: u16,
    pub range: CodeRange,
    pub reason: String,
    /// The IANA entry, when the registry has one.
    pub standard: Option<&'static CodeInfo>,
    /// Matching profile entries: project profiles first (the application knows its own codes best),
    /// then library profiles.
    pub matches: Vec<ProfileMatch>,
    pub notes: Vec<CloseNote>,
}

/// Remarks about a close that change how to read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "note")]
pub enum CloseNote {
    /// 1005, 1006 or 1015: the browser made the number up to describe what happened; no close
    /// frame carried it.
    LocalOnly,
    /// The number can never be sent (outside 1000-4999, 1004, 1016-2999): a broken peer or proxy.
    InvalidOnWire,
    /// A registered or private code that no active profile explains.
    Unexplained,
    /// More than one active profile claims this code, with different meanings.
    Ambiguous { profiles: Vec<String> },
}

/// Two active profiles that give the same code different meanings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Collision {
    pub code: u16,
    pub first_profile: String,
    pub first_name: String,
    pub second_profile: String,
    pub second_name: String,
}

impl Collision {
    pub fn severity(&self) -> Severity {
        Severity::Warning
    }
}

impl std::fmt::Display for Collision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "close code {code} means \"{a}\" in {ap} but \"{b}\" in {bp}; a {code} on this connection could \
             be either: check who closed it and its reason text, and consider moving the project's code to an \
             unused number",
            code = self.code,
            a = self.first_name,
            ap = self.first_profile,
            b = self.second_name,
            bp = self.second_profile,
        )
    }
}

fn overlaps(a: &Trigger, b: &Trigger) -> bool {
    match (a, b) {
        (Trigger::DisconnectMessage { reason: x }, Trigger::DisconnectMessage { reason: y }) => {
            x.trim().eq_ignore_ascii_case(y.trim())
        }
        (Trigger::DisconnectMessage { .. }, _) | (_, Trigger::DisconnectMessage { .. }) => false,
        (Trigger::CodeAndReason { code: c1, reason: r1 }, Trigger::CodeAndReason { code: c2, reason: r2 }) => {
            c1 == c2 && r1.trim().eq_ignore_ascii_case(r2.trim())
        }
        _ => a.code() == b.code(),
    }
}

impl ProfileSet {
    pub fn new() -> Self {
        Self::default()
    }

    /// The profiles for a connection: the library named by the negotiated subprotocol, the library
    /// the protocol decoders detected (if different), then the project profiles.
    pub fn for_connection(subprotocol: Option<&str>, detected: Option<Library>, projects: &[Profile]) -> Self {
        let mut set = ProfileSet::new();
        for lib in [subprotocol.and_then(Library::from_subprotocol), detected].into_iter().flatten() {
            set.add_library(lib);
        }
        for p in projects {
            set.push(p.clone());
        }
        set
    }

    /// Add a library's profile once.
    pub fn add_library(&mut self, library: Library) {
        let already = self.profiles.iter().any(|p| p.origin == ProfileOrigin::Library(library));
        if !already {
            self.profiles.push(library_profile(library));
        }
    }

    pub fn push(&mut self, profile: Profile) {
        self.profiles.push(profile);
    }

    pub fn profiles(&self) -> &[Profile] {
        &self.profiles
    }

    fn matches_where(&self, pred: impl Fn(&Trigger) -> bool) -> Vec<ProfileMatch> {
        let mut out: Vec<ProfileMatch> = Vec::new();
        // Project profiles first, then libraries, each in load order.
        for project_first in [true, false] {
            for p in &self.profiles {
                if (p.origin == ProfileOrigin::Project) != project_first {
                    continue;
                }
                for e in p.entries.iter().filter(|e| pred(&e.trigger)) {
                    out.push(ProfileMatch { profile: p.name.clone(), origin: p.origin.clone(), entry: e.clone() });
                }
            }
        }
        out
    }

    /// Explain a close (`code` and `reason` from the `close` event).
    pub fn explain(&self, code: u16, reason: &str) -> CloseExplanation {
        let cc = CloseCode::from(code);
        let standard = cc.info();
        let matches = self.matches_where(|t| t.matches_close(code, reason));
        let mut notes = Vec::new();
        match standard {
            Some(info) if !info.on_wire && info.sent_by == super::SentBy::LocalOnly => notes.push(CloseNote::LocalOnly),
            _ if !cc.valid_on_wire() => notes.push(CloseNote::InvalidOnWire),
            _ => {}
        }
        if standard.is_none() && matches.is_empty() && cc.valid_on_wire() {
            notes.push(CloseNote::Unexplained);
        }
        let mut names: Vec<String> = Vec::new();
        for m in &matches {
            if !names.contains(&m.profile) {
                names.push(m.profile.clone());
            }
        }
        let distinct_meanings = matches.windows(2).any(|w| w[0].entry.name != w[1].entry.name);
        if names.len() > 1 && distinct_meanings {
            notes.push(CloseNote::Ambiguous { profiles: names });
        }
        CloseExplanation { code, range: cc.range(), reason: reason.to_string(), standard, matches, notes }
    }

    /// Explain an in-band disconnect message (ActionCable's `{"type":"disconnect","reason":...}`).
    pub fn explain_disconnect(&self, reason: &str) -> Vec<ProfileMatch> {
        self.matches_where(|t| t.matches_disconnect(reason))
    }

    /// Every pair of active profiles that give one code two meanings, e.g. a project 4004
    /// ("rate limited") on a graphql-ws connection, where 4004 is "bad response".
    pub fn collisions(&self) -> Vec<Collision> {
        let mut out = Vec::new();
        for (i, a) in self.profiles.iter().enumerate() {
            for b in &self.profiles[i + 1..] {
                for ea in &a.entries {
                    for eb in &b.entries {
                        if overlaps(&ea.trigger, &eb.trigger) && ea.name != eb.name {
                            out.push(Collision {
                                code: ea.trigger.code().or(eb.trigger.code()).unwrap_or(0),
                                first_profile: a.name.clone(),
                                first_name: ea.name.clone(),
                                second_profile: b.name.clone(),
                                second_name: eb.name.clone(),
                            });
                        }
                    }
                }
            }
        }
        out
    }
}

impl CloseExplanation {
    /// One line for a list: "4001 Authentication failed (Django Channels example)".
    pub fn title(&self) -> String {
        if let Some(m) = self.matches.first() {
            format!("{} {} ({})", self.code, m.entry.name, m.profile)
        } else if let Some(s) = self.standard {
            format!("{} {}", s.code, s.name)
        } else {
            format!("{} ({})", self.code, self.range.label())
        }
    }

    /// What the close means, most specific source first.
    pub fn meaning(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        for m in &self.matches {
            parts.push(format!("{}: {}", m.profile, if m.entry.meaning.is_empty() { &m.entry.name } else { &m.entry.meaning }));
        }
        match self.standard {
            Some(s) => parts.push(s.meaning.to_string()),
            None if self.matches.is_empty() => parts.push(self.range.meaning().to_string()),
            None => {}
        }
        for n in &self.notes {
            if let CloseNote::Ambiguous { profiles } = n {
                parts.push(format!(
                    "Ambiguous: {} all define this code; check who closed and the reason text.",
                    profiles.join(", ")
                ));
            }
        }
        parts.join(" ")
    }

    /// What to check next, most specific source first.
    pub fn next_step(&self) -> String {
        self.matches
            .iter()
            .map(|m| m.entry.next_step.as_str())
            .find(|s| !s.is_empty())
            .or(self.standard.map(|s| s.next_step))
            .unwrap_or_else(|| self.range.meaning())
            .to_string()
    }
}
