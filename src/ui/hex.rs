//! Hex dump for binary frames: offset, 16 bytes, and printable ASCII.

pub fn hex_dump(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 4 + 16);
    for (line, chunk) in bytes.chunks(16).enumerate() {
        out.push_str(&format!("{:08x}  ", line * 16));
        for i in 0..16 {
            match chunk.get(i) {
                Some(b) => out.push_str(&format!("{b:02x} ")),
                None => out.push_str("   "),
            }
            if i == 7 {
                out.push(' ');
            }
        }
        out.push_str(" |");
        out.extend(chunk.iter().map(|&b| if (0x20..0x7f).contains(&b) { b as char } else { '.' }));
        out.push_str("|\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dumps_offsets_bytes_and_ascii() {
        let bytes: Vec<u8> = (0u8..=17).collect();
        let dump = hex_dump(&bytes);
        let lines: Vec<&str> = dump.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(lines[0].starts_with("00000000  00 01 02 03 04 05 06 07  08 09"));
        assert!(lines[1].starts_with("00000010  10 11 "));
        assert_eq!(hex_dump(b"Hi!"), format!("00000000  48 69 21 {}  |Hi!|\n", " ".repeat(3 * 13)));
    }
}
