//! The frame filter: text or regex (with negation), direction, topic, event, protocol and
//! "hide heartbeats". A parsed [`Filter`] is matched against a borrowed [`FrameFacts`], so one
//! pass over 100k frames allocates nothing per frame.

use crate::schema::Direction;

/// What the filter box and the toggles say, as typed by the user.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilterSpec {
    /// Plain text (case-insensitive substring), or `/regex/` (with optional `i` flag).
    /// A leading `-` negates: `-heartbeat` hides frames containing "heartbeat".
    pub text: String,
    pub direction: Option<Direction>,
    pub topic: Option<String>,
    pub event: Option<String>,
    pub protocol: Option<String>,
    pub hide_heartbeats: bool,
}

/// The facts about one frame that a filter looks at.
#[derive(Debug, Clone, Copy)]
pub struct FrameFacts<'a> {
    pub direction: Direction,
    pub text: &'a str,
    pub topic: Option<&'a str>,
    pub event: Option<&'a str>,
    pub protocol: &'a str,
    pub heartbeat: bool,
}

#[derive(Debug, Clone)]
enum TextMatch {
    Any,
    /// Lower-cased needle; compared case-insensitively.
    Substring(String),
    Regex(regex_lite::Regex),
}

/// A ready-to-run filter.
#[derive(Debug, Clone)]
pub struct Filter {
    text: TextMatch,
    negate: bool,
    spec: FilterSpec,
}

/// Why the filter text could not be used. The UI shows it next to the box.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterError(pub String);

impl std::fmt::Display for FilterError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Two filters are equal when they were made from the same spec (the compiled parts follow from it).
impl PartialEq for Filter {
    fn eq(&self, other: &Self) -> bool {
        self.spec == other.spec
    }
}

impl Filter {
    pub fn new(spec: FilterSpec) -> Result<Filter, FilterError> {
        let raw = spec.text.trim();
        let (negate, raw) = match raw.strip_prefix('-') {
            Some(rest) if !rest.is_empty() => (true, rest),
            _ => (false, raw),
        };
        let text = if raw.is_empty() {
            TextMatch::Any
        } else if let Some((pattern, flags)) = regex_literal(raw) {
            let mut builder = regex_lite::RegexBuilder::new(pattern);
            builder.case_insensitive(flags.contains('i'));
            let re = builder.build().map_err(|e| {
                FilterError(format!("the regex /{pattern}/ does not compile: {e}. Fix it, or drop the slashes to search as plain text."))
            })?;
            TextMatch::Regex(re)
        } else {
            TextMatch::Substring(raw.to_lowercase())
        };
        Ok(Filter { text, negate, spec })
    }

    /// A filter that keeps everything.
    pub fn all() -> Filter {
        Filter { text: TextMatch::Any, negate: false, spec: FilterSpec::default() }
    }

    pub fn spec(&self) -> &FilterSpec {
        &self.spec
    }

    pub fn matches(&self, f: &FrameFacts<'_>) -> bool {
        if self.spec.hide_heartbeats && f.heartbeat {
            return false;
        }
        if self.spec.direction.is_some_and(|d| d != f.direction) {
            return false;
        }
        if let Some(topic) = &self.spec.topic {
            if f.topic != Some(topic.as_str()) {
                return false;
            }
        }
        if let Some(event) = &self.spec.event {
            if f.event != Some(event.as_str()) {
                return false;
            }
        }
        if let Some(protocol) = &self.spec.protocol {
            if !f.protocol.eq_ignore_ascii_case(protocol) {
                return false;
            }
        }
        let hit = match &self.text {
            TextMatch::Any => return true,
            TextMatch::Substring(needle) => contains_ignore_case(f.text, needle),
            TextMatch::Regex(re) => re.is_match(f.text),
        };
        hit != self.negate
    }
}

/// `/pattern/flags` -> (pattern, flags).
fn regex_literal(s: &str) -> Option<(&str, &str)> {
    let rest = s.strip_prefix('/')?;
    let end = rest.rfind('/')?;
    let (pattern, flags) = (&rest[..end], &rest[end + 1..]);
    (!pattern.is_empty() && flags.chars().all(|c| c == 'i')).then_some((pattern, flags))
}

/// ASCII-fast case-insensitive search; `needle` is already lower-case.
fn contains_ignore_case(hay: &str, needle: &str) -> bool {
    if needle.is_ascii() {
        let (h, n) = (hay.as_bytes(), needle.as_bytes());
        if n.len() > h.len() {
            return false;
        }
        h.windows(n.len()).any(|w| w.iter().zip(n).all(|(a, b)| a.to_ascii_lowercase() == *b))
    } else {
        hay.to_lowercase().contains(needle)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(text: &str) -> FrameFacts<'_> {
        FrameFacts { direction: Direction::In, text, topic: Some("room:1"), event: Some("msg"), protocol: "Phoenix v2", heartbeat: false }
    }

    fn filter(text: &str) -> Filter {
        Filter::new(FilterSpec { text: text.into(), ..Default::default() }).unwrap()
    }

    #[test]
    fn text_regex_and_negation() {
        assert!(filter("HELLO").matches(&facts("say hello")));
        assert!(!filter("-hello").matches(&facts("say hello")));
        assert!(filter("-hello").matches(&facts("bye")));
        assert!(filter(r"/\d{4}/").matches(&facts("code 4001")));
        assert!(!filter(r"/^code$/").matches(&facts("code 4001")));
        assert!(filter("/CODE/i").matches(&facts("code 4001")));
        assert!(filter("/unterminated").matches(&facts("x /unterminated y")));
    }

    #[test]
    fn bad_regex_says_what_to_do() {
        let err = Filter::new(FilterSpec { text: "/(/".into(), ..Default::default() }).unwrap_err();
        assert!(err.0.contains("does not compile") && err.0.contains("plain text"), "{err}");
    }

    #[test]
    fn structured_criteria() {
        let spec = |f: fn(&mut FilterSpec)| {
            let mut s = FilterSpec::default();
            f(&mut s);
            Filter::new(s).unwrap()
        };
        assert!(!spec(|s| s.direction = Some(Direction::Out)).matches(&facts("x")));
        assert!(spec(|s| s.topic = Some("room:1".into())).matches(&facts("x")));
        assert!(!spec(|s| s.topic = Some("room:2".into())).matches(&facts("x")));
        assert!(!spec(|s| s.event = Some("join".into())).matches(&facts("x")));
        assert!(spec(|s| s.protocol = Some("phoenix v2".into())).matches(&facts("x")));
        let mut hb = facts("x");
        hb.heartbeat = true;
        assert!(!spec(|s| s.hide_heartbeats = true).matches(&hb));
        assert!(Filter::all().matches(&hb));
    }
}
