//! Base64 decoding that says exactly where it failed.
//!
//! Written here rather than taken from a crate because an inspector needs more than "invalid":
//! the offset of the first bad byte, whether the input used the wrong alphabet (`+`/`/` in a
//! base64url token), and whether padding was present. Accepts both alphabets when asked to, so a
//! token mangled by a standard-base64 encoder is still decoded, with a warning.

/// Which alphabet to accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alphabet {
    /// RFC 4648 section 5 (`-` and `_`), what JWS uses.
    Url,
    /// RFC 4648 section 4 (`+` and `/`).
    Standard,
    /// Either, mixed freely (Phoenix's subprotocol token, secrets pasted by users).
    Either,
}

/// Why decoding failed. Offsets are byte offsets in the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum B64Error {
    /// A byte outside the alphabet.
    InvalidByte { offset: usize, byte: u8 },
    /// After removing padding, the length leaves one lone character (length % 4 == 1), which can't
    /// encode a whole byte: the text was cut.
    Truncated { len: usize },
}

/// What a successful decode noticed along the way.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Decoded {
    pub bytes: Vec<u8>,
    /// `=` padding was present (JWS forbids it; most decoders accept it).
    pub padded: bool,
    /// Offset of the first character from the other alphabet, when `Alphabet::Either` accepted it.
    pub mixed_alphabet_at: Option<usize>,
}

fn value(byte: u8, alphabet: Alphabet) -> Option<(u8, bool)> {
    // The bool says "this byte belongs to the non-URL alphabet".
    let v = match byte {
        b'A'..=b'Z' => byte - b'A',
        b'a'..=b'z' => byte - b'a' + 26,
        b'0'..=b'9' => byte - b'0' + 52,
        b'-' if alphabet != Alphabet::Standard => 62,
        b'_' if alphabet != Alphabet::Standard => 63,
        b'+' if alphabet != Alphabet::Url => return Some((62, true)),
        b'/' if alphabet != Alphabet::Url => return Some((63, true)),
        _ => return None,
    };
    Some((v, false))
}

/// Decode `input`. Trailing `=` padding is accepted and reported; stray bits in the last
/// character are ignored (they carry no data).
pub fn decode(input: &str, alphabet: Alphabet) -> Result<Decoded, B64Error> {
    let raw = input.as_bytes();
    let trimmed_len = raw.iter().rposition(|&b| b != b'=').map_or(0, |p| p + 1);
    let padded = trimmed_len < raw.len();
    let body = &raw[..trimmed_len];
    if body.len() % 4 == 1 {
        // Report a bad byte before the length problem: it is the more precise diagnosis.
        if let Some(offset) = body.iter().position(|&b| value(b, alphabet).is_none()) {
            return Err(B64Error::InvalidByte { offset, byte: body[offset] });
        }
        return Err(B64Error::Truncated { len: body.len() });
    }
    let mut bytes = Vec::with_capacity(body.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    let mut mixed_alphabet_at = None;
    for (offset, &b) in body.iter().enumerate() {
        let (v, other) = value(b, alphabet).ok_or(B64Error::InvalidByte { offset, byte: b })?;
        if other && alphabet == Alphabet::Either && mixed_alphabet_at.is_none() {
            mixed_alphabet_at = Some(offset);
        }
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            bytes.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    // '=' inside the body (not only at the end) is an invalid byte, caught above by `value`.
    Ok(Decoded { bytes, padded, mixed_alphabet_at })
}

/// Encode as base64url without padding (used by tests and by the redaction helpers).
pub fn encode_url(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
        let chars = chunk.len() + 1;
        for i in 0..chars {
            out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_length() {
        let data: Vec<u8> = (0..=255u8).collect();
        for n in 0..64 {
            let enc = encode_url(&data[..n]);
            assert_eq!(decode(&enc, Alphabet::Url).unwrap().bytes, &data[..n]);
        }
    }

    #[test]
    fn reports_the_offset_of_the_first_bad_byte() {
        assert_eq!(decode("eyJh*GciOi", Alphabet::Url), Err(B64Error::InvalidByte { offset: 4, byte: b'*' }));
        assert_eq!(decode("ab+c", Alphabet::Url), Err(B64Error::InvalidByte { offset: 2, byte: b'+' }));
        assert_eq!(decode("abcde", Alphabet::Url), Err(B64Error::Truncated { len: 5 }));
        assert_eq!(decode("ab=c", Alphabet::Url), Err(B64Error::InvalidByte { offset: 2, byte: b'=' }));
    }

    #[test]
    fn notes_padding_and_mixed_alphabets() {
        let d = decode("YQ==", Alphabet::Url).unwrap();
        assert_eq!((d.bytes.as_slice(), d.padded), (&b"a"[..], true));
        let d = decode("-_+/", Alphabet::Either).unwrap();
        assert_eq!(d.mixed_alphabet_at, Some(2));
        assert_eq!(d.bytes, vec![0xfb, 0xff, 0xbf]);
    }
}
