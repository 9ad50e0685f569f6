//! The frame filter: text or regex (with negation), direction, topic, event, protocol and
//! "hide heartbeats". A parsed [`Filter`] is matched against a borrowed [`FrameFacts`], so one
//! pass over 100k frames allocates nothing per frame.
//!
//! Regexes run on an engine the caller passes in ([`RegexCompiler`]): the panel uses the
//! browser's own RegExp (JIT-compiled, and no regex engine in the panel's wasm), native builds
//! regex-lite ([`lite_regex`], feature `regex-lite`). Everything else, including which frames a
//! regex is even asked about (a literal every match must contain, [`required_literal`]), is here.

use crate::schema::Direction;
use std::sync::Arc;

/// A compiled `/regex/`.
pub trait Regex: Send + Sync + std::fmt::Debug {
    fn is_match(&self, text: &str) -> bool;
    /// `is_match` for each text, in order. Engines across a language boundary override it to
    /// cross once per batch instead of once per frame.
    fn is_match_many(&self, texts: &[&str]) -> Vec<bool> {
        texts.iter().map(|t| self.is_match(t)).collect()
    }
}

/// Compiles `pattern` (case-insensitive if asked); `Err` is the engine's own explanation.
pub type RegexCompiler = fn(pattern: &str, case_insensitive: bool) -> Result<Box<dyn Regex>, String>;

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
    Regex {
        re: Arc<dyn Regex>,
        /// Text every match contains (lower-cased if the regex ignores case): frames without it
        /// are not handed to the engine.
        literal: Option<Literal>,
    },
}

#[derive(Debug, Clone)]
struct Literal {
    text: String,
    ignore_case: bool,
}

impl Literal {
    fn found_in(&self, hay: &str) -> bool {
        if self.ignore_case {
            contains_ignore_case(hay, &self.text)
        } else {
            hay.contains(self.text.as_str())
        }
    }
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
    /// A filter whose regexes run on regex-lite (native builds and tests).
    #[cfg(feature = "regex-lite")]
    pub fn new(spec: FilterSpec) -> Result<Filter, FilterError> {
        Filter::with_regex(spec, lite_regex)
    }

    /// A filter whose `/regex/`s are compiled by `compile`.
    pub fn with_regex(spec: FilterSpec, compile: RegexCompiler) -> Result<Filter, FilterError> {
        let raw = spec.text.trim();
        let (negate, raw) = match raw.strip_prefix('-') {
            Some(rest) if !rest.is_empty() => (true, rest),
            _ => (false, raw),
        };
        let text = if raw.is_empty() {
            TextMatch::Any
        } else if let Some((pattern, flags)) = regex_literal(raw) {
            let ignore_case = flags.contains('i');
            let re = compile(pattern, ignore_case).map_err(|e| {
                FilterError(format!("the regex /{pattern}/ does not compile: {e}. Fix it, or drop the slashes to search as plain text."))
            })?;
            let literal = required_literal(pattern, ignore_case).map(|text| Literal { text, ignore_case });
            TextMatch::Regex { re: Arc::from(re), literal }
        } else if raw.is_ascii() {
            TextMatch::Substring(raw.to_ascii_lowercase())
        } else {
            // Non-ASCII text is searched by the engine, as an escaped literal that ignores case: the
            // browser's RegExp (`iu`) folds Unicode case itself, and folding here would bring core's
            // Unicode case tables into the panel's wasm (18 KB, 8 KB gzipped). regex-lite (native
            // builds) folds ASCII only.
            let pattern = escape(raw);
            let re = compile(&pattern, true).map_err(|e| FilterError(format!("the text \"{raw}\" cannot be searched: {e}")))?;
            let literal = required_literal(&pattern, true).map(|text| Literal { text, ignore_case: true });
            TextMatch::Regex { re: Arc::from(re), literal }
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

    /// Whether [`Filter::matches`] looks at [`FrameFacts::text`] (callers may skip decoding it).
    pub fn reads_text(&self) -> bool {
        !matches!(self.text, TextMatch::Any)
    }

    pub fn matches(&self, f: &FrameFacts<'_>) -> bool {
        if !self.structure_matches(f) {
            return false;
        }
        let hit = match &self.text {
            TextMatch::Any => return true,
            TextMatch::Substring(needle) => contains_ignore_case(f.text, needle),
            TextMatch::Regex { re, literal } => literal.as_ref().is_none_or(|l| l.found_in(f.text)) && re.is_match(f.text),
        };
        hit != self.negate
    }

    /// The numbers of the frames that match, in order: [`Filter::matches`] over many frames, with
    /// the regex engine asked once for all frames the cheaper criteria left undecided.
    pub fn select<'a>(&self, frames: impl IntoIterator<Item = (u32, FrameFacts<'a>)>) -> Vec<u32> {
        let TextMatch::Regex { re, literal } = &self.text else {
            return frames.into_iter().filter(|(_, f)| self.matches(f)).map(|(i, _)| i).collect();
        };
        // Frames still in the running, in the order given: `(i, true)` is kept already, `(i, false)`
        // waits for the engine's answer. Nothing is reordered, so the result needs no sort.
        let (mut pending, mut texts) = (Vec::new(), Vec::new());
        for (i, f) in frames {
            if !self.structure_matches(&f) {
                continue;
            }
            if literal.as_ref().is_some_and(|l| !l.found_in(f.text)) {
                if self.negate {
                    pending.push((i, true));
                }
                continue;
            }
            pending.push((i, false));
            texts.push(f.text);
        }
        let mut hits = re.is_match_many(&texts).into_iter();
        pending.into_iter().filter(|&(_, decided)| decided || hits.next().is_some_and(|hit| hit != self.negate)).map(|(i, _)| i).collect()
    }

    /// Every criterion but the text.
    fn structure_matches(&self, f: &FrameFacts<'_>) -> bool {
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
        true
    }
}

/// `text` as a regex that matches exactly it, in both dialects (JavaScript with `u`, regex-lite):
/// only syntax characters are escaped, since the `u` flag rejects escapes of anything else.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if "\\^$.|?*+()[]{}".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `/pattern/flags` -> (pattern, flags).
fn regex_literal(s: &str) -> Option<(&str, &str)> {
    let rest = s.strip_prefix('/')?;
    let end = rest.rfind('/')?;
    let (pattern, flags) = (&rest[..end], &rest[end + 1..]);
    (!pattern.is_empty() && flags.chars().all(|c| c == 'i')).then_some((pattern, flags))
}

/// The longest run of plain characters that every match of `pattern` contains, if one can be told
/// for sure from the text alone, in both dialects the engines speak (JavaScript with the `u` flag,
/// regex-lite). Conservative: only ASCII letters, digits and punctuation that is literal in both,
/// outside groups and classes, in a pattern with no top-level `|` and no inline flags. A character
/// followed by a quantifier is left out (it may repeat zero times). With `ignore_case` the run is
/// lower-cased and stops at `k` and `s`, which Unicode case folding also matches to non-ASCII
/// characters (the Kelvin sign, the long s).
pub fn required_literal(pattern: &str, ignore_case: bool) -> Option<String> {
    let plain = |c: char| c.is_ascii_alphanumeric() || "\"'`:;,=<>@#%&~_!/ -".contains(c);
    let chars: Vec<char> = pattern.chars().collect();
    let (mut best, mut run) = (String::new(), String::new());
    let mut depth = 0usize;
    let mut i = 0;
    let end_run = |run: &mut String, best: &mut String| {
        if run.len() > best.len() {
            *best = std::mem::take(run);
        }
        run.clear();
    };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        match c {
            '\\' => {
                // An escape and, after a letter, what it may take along (`\u0041`, `\x41`, `\cJ`).
                end_run(&mut run, &mut best);
                match next {
                    Some('k') => return None, // `\k<name>`
                    Some(e) if e.is_ascii_alphanumeric() => {
                        i += 2;
                        while i < chars.len() && chars[i].is_ascii_alphanumeric() {
                            i += 1;
                        }
                    }
                    _ => i += 2,
                }
                continue;
            }
            '{' => {
                // A counted repetition `{n,m}` (or `\p{..}`, `\u{..}` after an escape): no literal inside.
                end_run(&mut run, &mut best);
                while i < chars.len() && chars[i] != '}' {
                    i += 1;
                }
                i += 1;
                continue;
            }
            '[' => {
                // Skip the class; a `]` right after `[` or `[^` reads differently in the two dialects.
                end_run(&mut run, &mut best);
                let mut j = i + 1;
                if chars.get(j) == Some(&'^') {
                    j += 1;
                }
                if chars.get(j) == Some(&']') {
                    return None;
                }
                while j < chars.len() && chars[j] != ']' {
                    j += if chars[j] == '\\' { 2 } else { 1 };
                }
                i = j + 1;
                continue;
            }
            '(' => {
                if next == Some('?') && !matches!(chars.get(i + 2), Some(':' | '=' | '!' | '<')) {
                    return None; // inline flags such as (?i) change what follows
                }
                end_run(&mut run, &mut best);
                depth += 1;
            }
            ')' => {
                end_run(&mut run, &mut best);
                depth = depth.saturating_sub(1);
            }
            '|' if depth == 0 => return None,
            _ if depth == 0 && plain(c) && !(ignore_case && matches!(c.to_ascii_lowercase(), 'k' | 's')) => {
                if matches!(next, Some('?' | '*' | '+' | '{')) {
                    end_run(&mut run, &mut best); // `c` may be absent or repeated
                } else {
                    run.push(if ignore_case { c.to_ascii_lowercase() } else { c });
                }
            }
            _ => end_run(&mut run, &mut best),
        }
        i += 1;
    }
    end_run(&mut run, &mut best);
    (!best.is_empty()).then_some(best)
}

/// regex-lite behind [`Regex`]: the engine of native builds and of this crate's tests.
#[cfg(feature = "regex-lite")]
pub fn lite_regex(pattern: &str, case_insensitive: bool) -> Result<Box<dyn Regex>, String> {
    #[derive(Debug)]
    struct Lite(regex_lite::Regex);
    impl Regex for Lite {
        fn is_match(&self, text: &str) -> bool {
            self.0.is_match(text)
        }
    }
    let re = regex_lite::RegexBuilder::new(pattern).case_insensitive(case_insensitive).build().map_err(|e| e.to_string())?;
    Ok(Box::new(Lite(re)))
}

/// ASCII case-insensitive search; `needle` is ASCII and already lower-case (non-ASCII text goes to
/// the engine). Bytes of multi-byte characters never equal an ASCII byte, so any `hay` works.
fn contains_ignore_case(hay: &str, needle: &str) -> bool {
    debug_assert!(needle.is_ascii());
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    let Some((&first, rest)) = n.split_first() else { return true };
    if n.len() > h.len() {
        return false;
    }
    // Find the first byte (either case) with a tight loop, then compare the rest there.
    let last_start = h.len() - n.len();
    let mut i = 0;
    while i <= last_start {
        match h[i..=last_start].iter().position(|b| b.to_ascii_lowercase() == first) {
            None => return false,
            Some(p) => {
                let at = i + p;
                if h[at + 1..at + n.len()].iter().zip(rest).all(|(a, b)| a.to_ascii_lowercase() == *b) {
                    return true;
                }
                i = at + 1;
            }
        }
    }
    false
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

    /// Non-ASCII plain text goes to the engine as a literal that ignores case (the browser's RegExp
    /// then folds Unicode case: tests/render.rs checks that in Chromium). Syntax characters are
    /// escaped, so the text is never read as a pattern.
    #[test]
    fn non_ascii_text_is_an_escaped_case_insensitive_literal_for_the_engine() {
        fn expect_literal(pattern: &str, case_insensitive: bool) -> Result<Box<dyn Regex>, String> {
            assert!(case_insensitive, "plain text ignores case");
            assert_eq!(pattern, r"café\.\(\$\)\[x\]\{2\}\|\?\*\+\^\\/");
            lite_regex(pattern, case_insensitive)
        }
        let text = r"café.($)[x]{2}|?*+^\/";
        let f = Filter::with_regex(FilterSpec { text: text.into(), ..Default::default() }, expect_literal).unwrap();
        assert!(f.matches(&facts(&format!("say {text}!"))));
        assert!(f.matches(&facts(&format!("SAY {}", text.replace("caf", "CAF")))), "ASCII letters in either case");
        assert!(!f.matches(&facts("café-($)[x]xx|?*+^\\/")), "a '.' in the text is not a wildcard");
        let negated = filter("-né");
        assert!(negated.matches(&facts("ne")) && !negated.matches(&facts("un né")));
    }

    #[test]
    fn plain_text_is_found_in_either_case_anywhere() {
        for (hay, needle, want) in [
            ("needle", "needle", true), ("a NeEdLe b", "needle", true), ("needl", "needle", false), ("neeneedle", "needle", true),
            ("xx", "", true), ("", "a", false), ("ab", "b", true), ("ab", "ab", true), ("ba", "ab", false), ("Straße", "strasse", false),
        ] {
            assert_eq!(contains_ignore_case(hay, needle), want, "{needle:?} in {hay:?}");
        }
    }

    #[test]
    fn bad_regex_says_what_to_do() {
        let err = Filter::new(FilterSpec { text: "/(/".into(), ..Default::default() }).unwrap_err();
        assert!(err.0.contains("does not compile") && err.0.contains("plain text"), "{err}");
    }

    #[test]
    fn required_literals_are_only_what_every_match_contains() {
        let lit = |p: &str| required_literal(p, false);
        assert_eq!(lit(r#""id":1\d{3},"#).as_deref(), Some(r#""id":1"#));
        assert_eq!(lit("needle").as_deref(), Some("needle"));
        assert_eq!(lit("ab*cd").as_deref(), Some("cd"), "b may repeat zero times, so `a` stands alone");
        assert_eq!(lit(r"x\d{123}y").as_deref(), Some("x"), "no digits from inside a count");
        assert_eq!(lit(r"\u0041\x42-zz").as_deref(), Some("-zz"), "no digits from an escape");
        assert_eq!(lit(r"\p{Lu}q").as_deref(), Some("q"));
        assert_eq!(lit("a|needle"), None, "an alternative needs neither");
        assert_eq!(lit("(?i)needle"), None, "inline flags change what follows");
        assert_eq!(lit(r"(a|b)c(?:long)?").as_deref(), Some("c"), "nothing from inside groups");
        assert_eq!(lit("[]x]yy"), None, "a class opening with ] reads differently per dialect");
        assert_eq!(lit(r"[abc\]]zz").as_deref(), Some("zz"));
        assert_eq!(lit(r"(?<n>a)\k<n>"), None);
        assert_eq!(lit(".*"), None);
        assert_eq!(required_literal("TasKing", true).as_deref(), Some("ing"), "k and s fold to non-ASCII letters too");
    }

    /// The prefilter only skips frames the regex would reject: same answers with and without it.
    #[test]
    fn prefilter_never_changes_an_answer() {
        let patterns = [
            r#""id":1\d{3},"#, "needle", "ab*c", "x{2}y", r"\bword\b", "^start", "end$", "(?:ab)+cd", r"a\.b", "[a-z]+@ex",
            "ROOM:7", "room:7", r"\d{2}-\d{2}", "a|b", "k9", "s1", "é", "-x-", "😀+",
        ];
        let texts = [
            r#"[null,null,"room:7","new_msg",{"id":1234,"body":"x"}]"#, r#"{"id":12345,}"#, "needle in a haystack", "NEEDLE",
            "abbbc", "ac", "xxy", "a word here", "start end", "ababcd", "a.b", "axb", "me@ex.com", "ROOM:7", "12-34",
            "\u{212A}9 \u{17F}1", "k9 s1", "é", "-x-", "😀😀", "",
        ];
        for p in patterns {
            for ci in [false, true] {
                let spec = FilterSpec { text: format!("/{p}/{}", if ci { "i" } else { "" }), ..Default::default() };
                let f = Filter::new(spec).unwrap();
                let plain = regex_lite::RegexBuilder::new(p).case_insensitive(ci).build().unwrap();
                for t in texts {
                    assert_eq!(f.matches(&facts(t)), plain.is_match(t), "/{p}/ ci={ci} on {t:?}");
                }
            }
        }
    }

    #[test]
    fn select_agrees_with_matches_frame_by_frame() {
        let texts = ["needle 1", "x", r#""id":1234,"#, "NEEDLE", r#""id":12,"#, "", "needle"];
        for text in ["/needle/", "-/needle/i", r#"/"id":1\d{3},/"#, r#"-/"id":1\d{3},/"#, "needle", "-x", "", "/^$/"] {
            for direction in [None, Some(Direction::Out)] {
                let f = Filter::new(FilterSpec { text: text.into(), direction, ..Default::default() }).unwrap();
                let want: Vec<u32> = (0..texts.len() as u32).filter(|&i| f.matches(&facts(texts[i as usize]))).collect();
                assert_eq!(f.select((0..texts.len() as u32).map(|i| (i, facts(texts[i as usize])))), want, "{text} {direction:?}");
            }
        }
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
