//! Small string helpers that avoid `core::fmt`, so the WASM bundle does not carry the
//! formatting machinery (`format!` alone costs several kilobytes there).

/// Concatenates the pieces.
pub(crate) fn cat(parts: &[&str]) -> String {
    let mut s = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        s.push_str(p);
    }
    s
}

/// Joins the pieces with `sep`.
pub(crate) fn join<S: AsRef<str>>(parts: &[S], sep: &str) -> String {
    let mut s = String::new();
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            s.push_str(sep);
        }
        s.push_str(p.as_ref());
    }
    s
}

/// A number in decimal.
pub(crate) fn decimal(mut n: usize) -> String {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    digits[i..].iter().map(|d| *d as char).collect()
}

/// Names a character for a message without echoing markup or invisible characters verbatim:
/// "a space", "`<`", "U+202E".
pub(crate) fn describe_char(c: char) -> String {
    if c == ' ' {
        return "a space".to_string();
    }
    if c.is_ascii_graphic() {
        let mut buf = [0u8; 4];
        return cat(&["`", c.encode_utf8(&mut buf), "`"]);
    }
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let n = c as u32;
    let mut s = String::from("U+");
    let width = if n > 0xFFFF {
        if n > 0xFFFFF {
            6
        } else {
            5
        }
    } else {
        4
    };
    for i in (0..width).rev() {
        s.push(HEX[((n >> (4 * i)) & 0xF) as usize] as char);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers() {
        assert_eq!(decimal(0), "0");
        assert_eq!(decimal(65535), "65535");
        assert_eq!(decimal(usize::MAX), usize::MAX.to_string());
        assert_eq!(join(&["a", "b", "c"], ", "), "a, b, c");
        assert_eq!(join::<&str>(&[], ", "), "");
        assert_eq!(cat(&["a", "", "bc"]), "abc");
        assert_eq!(describe_char(' '), "a space");
        assert_eq!(describe_char('<'), "`<`");
        assert_eq!(describe_char('\u{202e}'), "U+202E");
        assert_eq!(describe_char('\u{1F600}'), "U+1F600");
        assert_eq!(describe_char('\0'), "U+0000");
    }
}
