//! Terms: what the index and `search.js` split text into, and which shard file holds each.

use std::borrow::Cow;
use std::fmt::Write as _;

use super::MAX_TERM_CHARS;

/// The terms of a text, in order: split at non-alphanumeric characters, lower cased,
/// too-long ones dropped. `search.js` does the same (`[\p{Alphabetic}\p{N}]+`).
pub fn terms(text: &str) -> impl Iterator<Item = Cow<'_, str>> {
    Words { text, at: 0 }.filter_map(|(word, plain)| {
        let term: Cow<'_, str> = if plain {
            Cow::Borrowed(word)
        } else {
            Cow::Owned(word.to_lowercase())
        };
        let short = term.len() <= MAX_TERM_CHARS || term.chars().count() <= MAX_TERM_CHARS;
        short.then_some(term)
    })
}

/// Each two neighbouring terms of a title or alias, as one term with a space
/// (`hybrid mode`): the client finds a query's words written together there (a phrase)
/// in the shard of the first, which it fetches anyway.
pub fn phrase_terms(text: &str) -> impl Iterator<Item = String> + '_ {
    let mut previous: Option<Cow<'_, str>> = None;
    terms(text).filter_map(move |t| {
        let pair = previous.as_ref().map(|p| format!("{p} {t}"));
        previous = Some(t);
        pair
    })
}

/// Words joined by hyphens, written together: `db-less` also gives `dbless`, `key-auth`
/// `keyauth`, so a reader who writes them as one word finds them (ASCII, two to four
/// parts, within [`MAX_TERM_CHARS`]).
pub fn joined_terms(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .filter(|w| {
            let parts = w.split('-');
            let n = parts.clone().count();
            w.is_ascii()
                && (2..=4).contains(&n)
                && parts.clone().all(|p| !p.is_empty())
                && w.len() - (n - 1) <= MAX_TERM_CHARS
        })
        .map(|w| {
            w.bytes()
                .filter(|&b| b != b'-')
                .map(|b| b.to_ascii_lowercase() as char)
                .collect()
        })
}

/// Runs of alphanumeric characters, each with whether it is lower-case ASCII already.
/// (`str::split` with a closure decodes every character; this stays on bytes for ASCII.)
struct Words<'a> {
    text: &'a str,
    at: usize,
}

impl Words<'_> {
    /// Whether the character at `i` is alphanumeric, its length in bytes, and whether it
    /// is ASCII that lower casing leaves as it is.
    #[inline]
    fn at(&self, i: usize) -> (bool, usize, bool) {
        let b = self.text.as_bytes()[i];
        if b < 0x80 {
            return (b.is_ascii_alphanumeric(), 1, !b.is_ascii_uppercase());
        }
        let c = self.text[i..].chars().next().unwrap_or(' ');
        (c.is_alphanumeric(), c.len_utf8(), false)
    }
}

impl<'a> Iterator for Words<'a> {
    type Item = (&'a str, bool);

    fn next(&mut self) -> Option<(&'a str, bool)> {
        let len = self.text.len();
        while self.at < len {
            let (alnum, n, _) = self.at(self.at);
            if alnum {
                break;
            }
            self.at += n;
        }
        if self.at >= len {
            return None;
        }
        let start = self.at;
        let mut plain = true;
        while self.at < len {
            let (alnum, n, lower_ascii) = self.at(self.at);
            if !alnum {
                break;
            }
            plain &= lower_ascii;
            self.at += n;
        }
        Some((&self.text[start..self.at], plain))
    }
}

/// The first two characters of a term.
pub(super) fn shard_prefix(term: &str) -> &str {
    let b = term.as_bytes();
    if b.len() >= 2 && b[0] < 0x80 && b[1] < 0x80 {
        return &term[..2];
    }
    &term[..term.char_indices().nth(2).map_or(term.len(), |(i, _)| i)]
}

/// The shard file name of a term (without `.json`): its first two characters when they
/// are `[a-z0-9]`, else `_` + the hex of their UTF-8 bytes.
pub fn shard_name(term: &str) -> String {
    let key = shard_prefix(term);
    if key
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        key.to_string()
    } else {
        let mut s = String::from("_");
        for b in key.bytes() {
            let _ = write!(s, "{b:02x}");
        }
        s
    }
}
