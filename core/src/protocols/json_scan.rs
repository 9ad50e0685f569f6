//! A small JSON cursor that validates and skips values without building a tree.
//!
//! Decoders need a few fields (topic, event, ref, type, id) and the *position* of the payload;
//! building a `serde_json::Value` for every frame would cost more than the whole ingest budget.
//! Strings without escapes are borrowed from the frame. Nesting is tracked in a fixed bit stack
//! (no recursion), so hostile input cannot overflow the stack.

use std::borrow::Cow;
use std::ops::Range;

use super::Reason;

/// Deepest nesting `skip` follows.
pub const MAX_DEPTH: usize = 128;

pub struct Scan<'a> {
    pub b: &'a [u8],
    pub i: usize,
}

/// A scalar or container peeked at without consuming.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token {
    Object,
    Array,
    String,
    Number,
    True,
    False,
    Null,
    End,
    Other,
}

impl<'a> Scan<'a> {
    pub fn new(b: &'a [u8]) -> Self {
        Scan { b, i: 0 }
    }

    pub fn ws(&mut self) {
        while let Some(&c) = self.b.get(self.i) {
            if c == b' ' || c == b'\n' || c == b'\r' || c == b'\t' {
                self.i += 1;
            } else {
                break;
            }
        }
    }

    pub fn peek(&mut self) -> Token {
        self.ws();
        match self.b.get(self.i) {
            None => Token::End,
            Some(b'{') => Token::Object,
            Some(b'[') => Token::Array,
            Some(b'"') => Token::String,
            Some(b'-' | b'0'..=b'9') => Token::Number,
            Some(b't') => Token::True,
            Some(b'f') => Token::False,
            Some(b'n') => Token::Null,
            Some(_) => Token::Other,
        }
    }

    /// Consume `c` (after whitespace) if it is next.
    pub fn eat(&mut self, c: u8) -> bool {
        self.ws();
        if self.b.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    pub fn expect(&mut self, c: u8) -> Result<(), Reason> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(Reason::NotJson)
        }
    }

    pub fn at_end(&mut self) -> bool {
        self.ws();
        self.i >= self.b.len()
    }

    /// A string, borrowed when it has no escapes.
    pub fn string(&mut self) -> Result<Cow<'a, str>, Reason> {
        self.ws();
        if self.b.get(self.i) != Some(&b'"') {
            return Err(Reason::ExpectedString);
        }
        let start = self.i + 1;
        let mut j = start;
        loop {
            match self.b.get(j) {
                None => return Err(Reason::NotJson),
                Some(b'"') => {
                    self.i = j + 1;
                    return std::str::from_utf8(&self.b[start..j]).map(Cow::Borrowed).map_err(|_| Reason::NotUtf8);
                }
                Some(b'\\') => break,
                Some(c) if *c < 0x20 => return Err(Reason::NotJson),
                Some(_) => j += 1,
            }
        }
        // Slow path: unescape.
        let mut out: Vec<u8> = self.b[start..j].to_vec();
        loop {
            match self.b.get(j) {
                None => return Err(Reason::NotJson),
                Some(b'"') => {
                    self.i = j + 1;
                    return String::from_utf8(out).map(Cow::Owned).map_err(|_| Reason::NotUtf8);
                }
                Some(b'\\') => {
                    let e = *self.b.get(j + 1).ok_or(Reason::NotJson)?;
                    j += 2;
                    let ch = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hi = self.hex4(j)?;
                            j += 4;
                            if (0xD800..0xDC00).contains(&hi) {
                                if self.b.get(j) == Some(&b'\\') && self.b.get(j + 1) == Some(&b'u') {
                                    let lo = self.hex4(j + 2)?;
                                    if (0xDC00..0xE000).contains(&lo) {
                                        j += 6;
                                        let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                                        char::from_u32(c).unwrap_or('\u{FFFD}')
                                    } else {
                                        '\u{FFFD}'
                                    }
                                } else {
                                    '\u{FFFD}'
                                }
                            } else {
                                char::from_u32(hi).unwrap_or('\u{FFFD}')
                            }
                        }
                        _ => return Err(Reason::BadEscape),
                    };
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                }
                Some(c) if *c < 0x20 => return Err(Reason::NotJson),
                Some(c) => {
                    out.push(*c);
                    j += 1;
                }
            }
        }
    }

    fn hex4(&self, at: usize) -> Result<u32, Reason> {
        let s = self.b.get(at..at + 4).ok_or(Reason::BadEscape)?;
        let mut v = 0u32;
        for &c in s {
            let d = (c as char).to_digit(16).ok_or(Reason::BadEscape)?;
            v = v * 16 + d;
        }
        Ok(v)
    }

    /// `"text"` or `null`.
    pub fn string_or_null(&mut self) -> Result<Option<Cow<'a, str>>, Reason> {
        match self.peek() {
            Token::Null => {
                self.literal(b"null")?;
                Ok(None)
            }
            Token::String => self.string().map(Some),
            _ => Err(Reason::ExpectedString),
        }
    }

    /// A string, a number (kept as its text) or null: ids in JSON-RPC and friends.
    pub fn id_like(&mut self) -> Result<Option<Cow<'a, str>>, Reason> {
        match self.peek() {
            Token::Number => {
                let r = self.number()?;
                Ok(Some(Cow::Borrowed(std::str::from_utf8(&self.b[r]).map_err(|_| Reason::NotUtf8)?)))
            }
            _ => self.string_or_null(),
        }
    }

    fn literal(&mut self, lit: &[u8]) -> Result<(), Reason> {
        if self.b.get(self.i..self.i + lit.len()) == Some(lit) {
            self.i += lit.len();
            Ok(())
        } else {
            Err(Reason::NotJson)
        }
    }

    pub fn number(&mut self) -> Result<Range<usize>, Reason> {
        self.ws();
        let start = self.i;
        let b = self.b;
        let mut j = self.i;
        if b.get(j) == Some(&b'-') {
            j += 1;
        }
        let digits = |j: &mut usize| {
            let s = *j;
            while matches!(b.get(*j), Some(b'0'..=b'9')) {
                *j += 1;
            }
            *j > s
        };
        // Integer part: `0` alone, or a non-zero digit and more (JSON has no leading zeros).
        if b.get(j) == Some(&b'0') {
            j += 1;
        } else if !digits(&mut j) {
            return Err(Reason::BadNumber);
        }
        if b.get(j) == Some(&b'.') {
            j += 1;
            if !digits(&mut j) {
                return Err(Reason::BadNumber);
            }
        }
        if matches!(b.get(j), Some(b'e' | b'E')) {
            j += 1;
            if matches!(b.get(j), Some(b'+' | b'-')) {
                j += 1;
            }
            if !digits(&mut j) {
                return Err(Reason::BadNumber);
            }
        }
        self.i = j;
        Ok(start..j)
    }

    /// Skip one value of any type, validating it; returns its byte range.
    pub fn skip(&mut self) -> Result<Range<usize>, Reason> {
        self.ws();
        let start = self.i;
        // Bit stack of open containers: 1 = object, 0 = array.
        let mut stack = [0u64; MAX_DEPTH / 64];
        let mut depth = 0usize;
        // After an opening bracket or a comma we expect a value (or a close right after opening).
        loop {
            // Parse one value start.
            match self.peek() {
                Token::Object | Token::Array => {
                    let is_obj = self.b[self.i] == b'{';
                    self.i += 1;
                    if depth >= MAX_DEPTH {
                        return Err(Reason::TooDeep);
                    }
                    if is_obj {
                        stack[depth / 64] |= 1 << (depth % 64);
                    } else {
                        stack[depth / 64] &= !(1 << (depth % 64));
                    }
                    depth += 1;
                    let close = if is_obj { b'}' } else { b']' };
                    if self.eat(close) {
                        depth -= 1;
                    } else {
                        if is_obj {
                            self.string()?;
                            self.expect(b':')?;
                        }
                        continue;
                    }
                }
                Token::String => {
                    self.string()?;
                }
                Token::Number => {
                    self.number()?;
                }
                Token::True => self.literal(b"true")?,
                Token::False => self.literal(b"false")?,
                Token::Null => self.literal(b"null")?,
                Token::End | Token::Other => return Err(Reason::NotJson),
            }
            // After a value: close containers or continue with a comma.
            loop {
                if depth == 0 {
                    return Ok(start..self.i);
                }
                let top_is_obj = stack[(depth - 1) / 64] & (1 << ((depth - 1) % 64)) != 0;
                if self.eat(b',') {
                    if top_is_obj {
                        self.string()?;
                        self.expect(b':')?;
                    }
                    break;
                }
                let close = if top_is_obj { b'}' } else { b']' };
                if self.eat(close) {
                    depth -= 1;
                    continue;
                }
                return Err(Reason::NotJson);
            }
        }
    }

    /// Walk the members of an object; `f` gets each key and must consume the value (or
    /// return without consuming, in which case the value is skipped).
    pub fn object<F>(&mut self, mut f: F) -> Result<(), Reason>
    where
        F: FnMut(&str, &mut Scan<'a>) -> Result<(), Reason>,
    {
        if !self.eat(b'{') {
            return Err(Reason::NotAnObject);
        }
        if self.eat(b'}') {
            return Ok(());
        }
        loop {
            let key = self.string()?;
            self.expect(b':')?;
            let before = self.i;
            f(&key, self)?;
            if self.i == before {
                self.skip()?;
            }
            if self.eat(b',') {
                continue;
            }
            self.expect(b'}')?;
            return Ok(());
        }
    }
}

/// The byte range of the value at a dotted key path (`meta.channel`, `items.0.id`), or `None`.
pub fn find_path(bytes: &[u8], path: &str) -> Option<Range<usize>> {
    let mut s = Scan::new(bytes);
    let mut range = None;
    for seg in path.split('.') {
        match s.peek() {
            Token::Object => {
                let mut found = None;
                s.object(|k, v| {
                    if found.is_none() && k == seg {
                        found = Some(v.skip()?);
                    }
                    Ok(())
                })
                .ok()?;
                let r = found?;
                s = Scan::new(bytes);
                s.i = r.start;
                range = Some(r);
            }
            Token::Array => {
                let want: usize = seg.parse().ok()?;
                s.eat(b'[');
                let mut n = 0;
                loop {
                    let r = s.skip().ok()?;
                    if n == want {
                        s.i = r.start;
                        range = Some(r);
                        break;
                    }
                    n += 1;
                    if !s.eat(b',') {
                        return None;
                    }
                }
            }
            _ => return None,
        }
    }
    range
}

/// The value at a key path rendered as a topic: strings as-is, numbers and other values as
/// their JSON text.
pub fn path_as_str<'a>(bytes: &'a [u8], path: &str) -> Option<Cow<'a, str>> {
    let r = find_path(bytes, path)?;
    let mut s = Scan::new(bytes);
    s.i = r.start;
    match s.peek() {
        Token::String => s.string().ok(),
        _ => std::str::from_utf8(&bytes[r]).ok().map(Cow::Borrowed),
    }
}

/// Validate that `bytes` hold exactly one JSON value.
pub fn is_json(bytes: &[u8]) -> Result<Range<usize>, Reason> {
    let mut s = Scan::new(bytes);
    let r = s.skip()?;
    if !s.at_end() {
        return Err(Reason::TrailingData);
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skip_agrees_with_serde_json_on_samples() {
        let good = [r#"{"a":[1,2,{"b":null}],"c":"x\"y","d":-1.5e3}"#, "[]", "{}", r#""\ud83d\ude00""#, "true"];
        for g in good {
            assert!(is_json(g.as_bytes()).is_ok(), "{g}");
            assert!(serde_json::from_str::<serde_json::Value>(g).is_ok());
        }
        let bad = ["{", "[1,]", "01", "-", "1.", "1e", r#"{"a" 1}"#, "01x", "[1 2]", r#"{"a":1,}"#, "nul", "\"\\x\""];
        for b in bad {
            assert!(is_json(b.as_bytes()).is_err(), "{b}");
        }
    }

    #[test]
    fn depth_is_bounded_not_recursive() {
        let deep = "[".repeat(100_000);
        assert_eq!(is_json(deep.as_bytes()), Err(Reason::TooDeep));
    }

    #[test]
    fn unescapes_and_borrows() {
        let mut s = Scan::new(br#""plain" "a\nb\u00e9""#);
        assert!(matches!(s.string().unwrap(), Cow::Borrowed("plain")));
        assert_eq!(s.string().unwrap(), "a\nb\u{e9}");
    }

    #[test]
    fn key_paths() {
        let doc = br#"{"meta":{"channel":"prices.BTC","seq":1},"items":[{"id":7}]}"#;
        assert_eq!(path_as_str(doc, "meta.channel").as_deref(), Some("prices.BTC"));
        assert_eq!(path_as_str(doc, "meta.seq").as_deref(), Some("1"));
        assert_eq!(path_as_str(doc, "items.0.id").as_deref(), Some("7"));
        assert_eq!(path_as_str(doc, "meta.nope"), None);
        assert_eq!(path_as_str(doc, "items.3"), None);
    }
}
