//! A YAML problem and where it is: a byte offset into the text that was read.

use std::fmt;

/// What kind of problem it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The text is not YAML.
    Syntax,
    /// Collections nest deeper than the limit.
    TooDeep,
    /// The document (aliases expanded) holds more nodes than the limit.
    TooLarge,
    /// A node does not read as the type asked for.
    Type,
}

/// What is wrong with a YAML text, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// What kind of problem.
    pub kind: ErrorKind,
    /// What is wrong, in the reader's words.
    pub message: String,
    /// The byte offset it is at.
    pub offset: usize,
    /// Whether `offset` was set by the reader (a deserializer's own errors get the offset of
    /// the node they are about once they leave it).
    placed: bool,
    /// Where in the document a typed read failed (`rows[0].key`), as serde_yaml said it.
    path: String,
}

impl Error {
    /// `message` at byte `offset`.
    pub fn at(offset: usize, message: impl Into<String>) -> Self {
        Error::of(ErrorKind::Syntax, offset, message)
    }

    /// A problem of `kind` at byte `offset`.
    pub fn of(kind: ErrorKind, offset: usize, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            offset,
            placed: true,
            path: String::new(),
        }
    }

    /// This error, inside map entry `key`.
    pub(crate) fn in_key(mut self, key: &str) -> Self {
        self.path = match self.path.as_str() {
            "" => key.to_string(),
            p if p.starts_with('[') => format!("{key}{p}"),
            p => format!("{key}.{p}"),
        };
        self
    }

    /// This error, inside sequence item `i`.
    pub(crate) fn in_item(mut self, i: usize) -> Self {
        self.path = match self.path.as_str() {
            "" => format!("[{i}]"),
            p if p.starts_with('[') => format!("[{i}]{p}"),
            p => format!("[{i}].{p}"),
        };
        self
    }

    /// The message with where it is in the document in front (`rows[0].key: ...`), as a
    /// typed read's errors are shown.
    pub(crate) fn with_path(mut self) -> Self {
        if !self.path.is_empty() {
            self.message = format!("{}: {}", self.path, self.message);
            self.path.clear();
        }
        self
    }

    /// This error, placed at `offset` unless it has a place already.
    pub(crate) fn within(mut self, offset: usize) -> Self {
        if !self.placed {
            self.offset = offset;
            self.placed = true;
        }
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl serde::de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error {
            kind: ErrorKind::Type,
            message: msg.to_string(),
            offset: 0,
            placed: false,
            path: String::new(),
        }
    }
}
