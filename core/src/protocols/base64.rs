//! Standard base64 (RFC 4648 §4), as the schema uses for binary frames and HAR uses for binary
//! messages. Hand-written to keep the wasm bundle small. Decoding is lenient about missing
//! padding and whitespace, strict about the alphabet.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Why base64 text did not decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base64Error {
    /// A byte outside the alphabet, at this offset.
    InvalidByte(usize),
    /// A dangling single character at the end.
    BadLength,
}

impl std::fmt::Display for Base64Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Base64Error::InvalidByte(i) => write!(f, "not base64: invalid character at offset {i}"),
            Base64Error::BadLength => write!(f, "not base64: the length is not a whole number of bytes"),
        }
    }
}

const fn table() -> [u8; 256] {
    let mut t = [0xffu8; 256];
    let mut i = 0;
    while i < 64 {
        t[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    // Accept the URL-safe alphabet too: it costs nothing and HAR files in the wild use both.
    t[b'-' as usize] = 62;
    t[b'_' as usize] = 63;
    t
}
static DECODE: [u8; 256] = table();

pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * k) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

pub fn decode(text: &str) -> Result<Vec<u8>, Base64Error> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 2);
    decode_into(text, &mut out)?;
    Ok(out)
}

/// Decode appending to `out` (lets the session model decode straight into its arena).
pub fn decode_into(text: &str, out: &mut Vec<u8>) -> Result<(), Base64Error> {
    let mut acc = 0u32;
    let mut n = 0u8;
    let mut padding = false;
    for (i, &c) in text.as_bytes().iter().enumerate() {
        if c == b'=' {
            padding = true;
            continue;
        }
        if c == b'\n' || c == b'\r' || c == b' ' {
            continue;
        }
        let v = DECODE[c as usize];
        if v == 0xff || padding {
            return Err(Base64Error::InvalidByte(i));
        }
        acc = acc << 6 | v as u32;
        n += 1;
        if n == 4 {
            out.extend_from_slice(&[(acc >> 16) as u8, (acc >> 8) as u8, acc as u8]);
            acc = 0;
            n = 0;
        }
    }
    match n {
        0 => {}
        2 => out.push((acc >> 4) as u8),
        3 => out.extend_from_slice(&[(acc >> 10) as u8, (acc >> 2) as u8]),
        _ => return Err(Base64Error::BadLength),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4648_vectors() {
        for (plain, enc) in [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy")] {
            assert_eq!(encode(plain.as_bytes()), enc);
            assert_eq!(decode(enc).unwrap(), plain.as_bytes());
        }
        assert_eq!(decode("Zm9vYg").unwrap(), b"foob");
        assert_eq!(decode("Zm9v!"), Err(Base64Error::InvalidByte(4)));
        assert_eq!(decode("Z"), Err(Base64Error::BadLength));
    }

    #[test]
    fn round_trips_all_byte_values() {
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(decode(&encode(&all)).unwrap(), all);
    }
}
