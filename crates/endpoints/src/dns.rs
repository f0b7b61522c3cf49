//! DNS label and hostname rules (RFC 1123, as used for hostnames on the internet).

/// The longest DNS label, in bytes.
pub const MAX_LABEL_LEN: usize = 63;
/// The longest hostname in its dotted text form, in bytes.
pub const MAX_HOSTNAME_LEN: usize = 253;

/// Why a string is not a valid DNS label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelProblem {
    /// The string is empty.
    Empty,
    /// Longer than [`MAX_LABEL_LEN`]; carries the length in characters.
    TooLong(usize),
    /// A character other than `a-z`, `0-9` or `-` (uppercase counts as invalid here:
    /// callers fold case first).
    BadChar(char),
    /// A dot: the string looks like a whole hostname rather than one label.
    Dot,
    /// Starts or ends with a hyphen.
    HyphenAtEdge,
}

/// Checks that `s` is one lowercase DNS label: 1-63 characters from `a-z`, `0-9` and `-`,
/// not starting or ending with `-`.
pub fn check_label(s: &str) -> Result<(), LabelProblem> {
    if s.is_empty() {
        return Err(LabelProblem::Empty);
    }
    // Characters first: a hostile string should be reported by its first bad character.
    if let Some(c) = s.chars().find(|c| !is_label_char(*c)) {
        return Err(if c == '.' {
            LabelProblem::Dot
        } else {
            LabelProblem::BadChar(c)
        });
    }
    if s.len() > MAX_LABEL_LEN {
        return Err(LabelProblem::TooLong(s.len()));
    }
    if s.starts_with('-') || s.ends_with('-') {
        return Err(LabelProblem::HyphenAtEdge);
    }
    Ok(())
}

/// True when `s` is one lowercase DNS label (see [`check_label`]).
pub fn is_valid_label(s: &str) -> bool {
    check_label(s).is_ok()
}

/// True when `s` is a lowercase hostname: dot-separated valid labels, at most 253 characters,
/// no trailing dot, and a last label that is not all digits (so it is not an IP address).
pub fn is_valid_hostname(s: &str) -> bool {
    if s.is_empty() || s.len() > MAX_HOSTNAME_LEN {
        return false;
    }
    let mut last = "";
    for label in s.split('.') {
        if !is_valid_label(label) {
            return false;
        }
        last = label;
    }
    !last.bytes().all(|b| b.is_ascii_digit())
}

fn is_label_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert!(is_valid_label("a"));
        assert!(is_valid_label("abc-123"));
        assert!(is_valid_label(&"a".repeat(63)));
        assert_eq!(check_label(&"a".repeat(64)), Err(LabelProblem::TooLong(64)));
        assert_eq!(check_label(""), Err(LabelProblem::Empty));
        assert_eq!(check_label("-a"), Err(LabelProblem::HyphenAtEdge));
        assert_eq!(check_label("a-"), Err(LabelProblem::HyphenAtEdge));
        assert_eq!(check_label("A"), Err(LabelProblem::BadChar('A')));
        assert_eq!(check_label("a_b"), Err(LabelProblem::BadChar('_')));
        assert_eq!(check_label("a.b"), Err(LabelProblem::Dot));
        assert_eq!(check_label("é"), Err(LabelProblem::BadChar('é')));
    }

    #[test]
    fn hostnames() {
        assert!(is_valid_hostname("cloud.konghq.com"));
        assert!(is_valid_hostname("abc.eu.cp0.konghq.com"));
        assert!(!is_valid_hostname("cloud.konghq.com."));
        assert!(!is_valid_hostname(".konghq.com"));
        assert!(!is_valid_hostname("a..b"));
        assert!(!is_valid_hostname("10.0.0.1"));
        assert!(!is_valid_hostname(&format!("{}.com", "a.".repeat(130))));
    }
}
