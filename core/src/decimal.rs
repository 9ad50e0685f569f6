//! Decimal text for fractional numbers (`2.4 s`, `1.5 KiB`, `33.33%`) without `core::fmt`'s float
//! printing: `{:.1}` or `{}` on an `f64` anywhere in the panel pulls in Rust's shortest-round-trip
//! and exact float printers, 14 KB of its startup wasm, for a handful of labels.

/// `x` with exactly `places` digits after the point (at most 9), rounded half away from zero.
/// (`{:.N}` rounds exact binary ties to even: 0.125 at 2 places is 0.12 there, 0.13 here.)
/// Non-finite values read `NaN`, `inf` and `-inf`, as Rust prints them. Magnitudes beyond 64 bits
/// after scaling saturate; nothing the panel shows comes near that.
pub fn fixed(x: f64, places: u32) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let places = places.min(9);
    let scale = 10u64.pow(places);
    let scaled = (x.abs() * scale as f64).round() as u64; // `as` saturates
    let sign = if x < 0.0 && scaled != 0 { "-" } else { "" };
    let (whole, frac) = (scaled / scale, scaled % scale);
    if places == 0 {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{frac:0width$}", width = places as usize)
    }
}

/// `x` as `{}` prints it in the ranges a panel shows (a claim's seconds, say): whole numbers
/// without a point, others with the shortest digits that read back the same. Through serde_json's
/// number printer, which the panel has anyway. Beyond 1e16, or below 1e-5, it may use an exponent
/// (`1e21`) where `{}` would not.
pub fn plain(x: f64) -> String {
    if x.is_finite() && x.fract() == 0.0 && x.abs() < 1e16 {
        return format!("{}", x as i64);
    }
    match serde_json::Number::from_f64(x) {
        Some(n) => n.to_string(),
        None => fixed(x, 0), // NaN, inf, -inf
    }
}

#[cfg(test)]
mod tests {
    use super::{fixed, plain};

    #[test]
    fn plain_matches_rust_display() {
        for &x in &[0.0, 1_763_900_000.0, 1_763_900_000.25, -42.0, 0.1, 2.5e-3, 123_456.789, 9.9e15, f64::NAN, f64::INFINITY] {
            assert_eq!(plain(x), format!("{x}"), "{x}");
        }
    }

    #[test]
    fn matches_rust_formatting_away_from_ties() {
        for &x in &[0.0, 2.4, 1.05e3, 99.96, 0.049, 1234.5678, -3.14159, 1e-9, 4.0e9, 7.0, 65_536.0 / 1024.0] {
            for places in 0..=3 {
                assert_eq!(fixed(x, places), format!("{x:.p$}", p = places as usize), "{x} at {places}");
            }
        }
    }

    #[test]
    fn rounds_ties_away_from_zero_and_names_non_finite_values() {
        assert_eq!(fixed(0.125, 2), "0.13");
        assert_eq!(fixed(2.5, 0), "3");
        assert_eq!(fixed(-0.04, 1), "0.0"); // not "-0.0"
        assert_eq!(fixed(f64::NAN, 1), "NaN");
        assert_eq!(fixed(f64::INFINITY, 2), "inf");
        assert_eq!(fixed(f64::NEG_INFINITY, 0), "-inf");
        assert_eq!(fixed(1e300, 1), format!("{}.{}", u64::MAX / 10, u64::MAX % 10));
    }
}
