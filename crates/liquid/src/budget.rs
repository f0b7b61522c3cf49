//! A page's budgets, charged before the work or the allocation they allow: bytes it may
//! still build (output, captures, filter results) and work it may still do walking values.
//!
//! Filters and the renderer ask first ([`Budget::bytes`], [`Budget::work`]) or build into a
//! [`Bounded`] string that refuses to grow past what is left, so a filter that would build a
//! terabyte stops before its first megabyte too many.

use crate::limits::{MAX_RENDERED_BYTES, MAX_WALK_WORK};

/// Which budget ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exceeded {
    /// [`MAX_RENDERED_BYTES`]: too much text or too many items built.
    Bytes,
    /// [`MAX_WALK_WORK`]: too much walking over values.
    Work,
    /// [`crate::limits::MAX_VALUE_DEPTH`]: a value nests too deep.
    Depth,
}

/// What a page may still spend.
#[derive(Debug, Clone)]
pub struct Budget {
    bytes_left: usize,
    work_left: u64,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            bytes_left: MAX_RENDERED_BYTES,
            work_left: MAX_WALK_WORK,
        }
    }
}

/// What one item of an array costs (the item itself; its text is counted as text): at
/// least a `Value`'s size (checked where `Value` is defined).
pub(crate) const ITEM_BYTES: usize = 32;

impl Budget {
    /// A budget of `bytes` and `work`, for tests and for hosts with their own limits.
    pub fn new(bytes: usize, work: u64) -> Self {
        Budget {
            bytes_left: bytes,
            work_left: work,
        }
    }

    /// Takes `n` bytes, or says the page has built too much (and takes nothing).
    pub fn bytes(&mut self, n: usize) -> Result<(), Exceeded> {
        match self.bytes_left.checked_sub(n) {
            Some(left) => {
                self.bytes_left = left;
                Ok(())
            }
            None => {
                self.bytes_left = 0;
                Err(Exceeded::Bytes)
            }
        }
    }

    /// Takes the bytes of `n` array items.
    pub fn items(&mut self, n: usize) -> Result<(), Exceeded> {
        self.bytes(n.saturating_mul(ITEM_BYTES))
    }

    /// Takes `n` units of work, or says the page has done too much.
    pub fn work(&mut self, n: u64) -> Result<(), Exceeded> {
        match self.work_left.checked_sub(n) {
            Some(left) => {
                self.work_left = left;
                Ok(())
            }
            None => {
                self.work_left = 0;
                Err(Exceeded::Work)
            }
        }
    }

    /// Bytes left.
    pub fn bytes_left(&self) -> usize {
        self.bytes_left
    }
}

/// A string that takes its bytes from a [`Budget`] as it grows.
pub struct Bounded<'b> {
    text: String,
    budget: &'b mut Budget,
}

impl<'b> Bounded<'b> {
    /// An empty string drawing on `budget`.
    pub fn new(budget: &'b mut Budget) -> Self {
        Bounded {
            text: String::new(),
            budget,
        }
    }

    /// Appends `s`, once its bytes are taken.
    pub fn push_str(&mut self, s: &str) -> Result<(), Exceeded> {
        self.budget.bytes(s.len())?;
        self.text.push_str(s);
        Ok(())
    }

    /// Appends `c`, once its bytes are taken.
    pub fn push(&mut self, c: char) -> Result<(), Exceeded> {
        self.budget.bytes(c.len_utf8())?;
        self.text.push(c);
        Ok(())
    }

    /// The budget it draws on.
    pub fn budget(&mut self) -> &mut Budget {
        self.budget
    }

    /// The text.
    pub fn finish(self) -> String {
        self.text
    }
}

/// Bytes written through `io::Write` (a serializer's output), taken from a [`Budget`] as
/// they come: the writer fails instead of growing past what is left.
pub struct BoundedWriter<'b> {
    bytes: Vec<u8>,
    budget: &'b mut Budget,
}

impl<'b> BoundedWriter<'b> {
    /// An empty writer drawing on `budget`.
    pub fn new(budget: &'b mut Budget) -> Self {
        BoundedWriter {
            bytes: Vec::new(),
            budget,
        }
    }

    /// What was written, as text (invalid UTF-8 replaced).
    pub fn into_string(self) -> String {
        String::from_utf8(self.bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }
}

impl std::io::Write for BoundedWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.budget
            .bytes(buf.len())
            .map_err(|_| std::io::Error::other("the page's budget is spent"))?;
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charges_before_and_refuses_past_the_limit() {
        let mut b = Budget::new(10, 5);
        assert!(b.bytes(6).is_ok());
        assert_eq!(b.bytes(5), Err(Exceeded::Bytes));
        assert_eq!(b.bytes_left(), 0);
        assert!(b.work(5).is_ok());
        assert_eq!(b.work(1), Err(Exceeded::Work));
        let mut b = Budget::new(4, 0);
        let mut s = Bounded::new(&mut b);
        s.push_str("abc").unwrap();
        assert_eq!(s.push_str("de"), Err(Exceeded::Bytes));
        assert_eq!(s.finish(), "abc");
    }
}
