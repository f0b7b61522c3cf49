//! Include files, read up front so that rendering can resolve them from many threads; a
//! path that names no include gets a suggestion.

use std::collections::HashMap;
use std::sync::Arc;

use portolan_dialect::{FileId, IncludeError, IncludeResolver, Included};

use crate::content::{CONTENT_DIR, INCLUDES_DIR};

/// Include files by path (relative to the includes folder).
#[derive(Debug, Default)]
pub struct Includes {
    pub(crate) by_path: HashMap<String, (FileId, Arc<str>)>,
}

impl IncludeResolver for Includes {
    fn exists(&self, path: &str) -> bool {
        self.by_path.contains_key(path)
    }

    fn resolve(&self, path: &str) -> Result<Included, IncludeError> {
        match self.by_path.get(path) {
            Some((file, text)) => Ok(Included {
                file: *file,
                text: text.clone(),
            }),
            None => {
                let known: Vec<&str> = self.by_path.keys().map(String::as_str).collect();
                Err(IncludeError {
                    message: format!("include `{path}` not found in {CONTENT_DIR}/{INCLUDES_DIR}/"),
                    hint: Some(
                        match portolan_dialect::diag::did_you_mean(path, known.iter().copied()) {
                            Some(s) => format!("did you mean `/{s}`?"),
                            None => format!(
                                "create {CONTENT_DIR}/{INCLUDES_DIR}/{path}, or fix the path"
                            ),
                        },
                    ),
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exists_answers_as_resolve_does() {
        let includes = Includes {
            by_path: HashMap::from([("prereqs/redis.md".to_string(), (0, Arc::from("text")))]),
        };
        for path in ["prereqs/redis.md", "prereqs/rediss.md", "", "prereqs/"] {
            assert_eq!(
                includes.exists(path),
                includes.resolve(path).is_ok(),
                "{path}"
            );
        }
        assert!(includes.exists("prereqs/redis.md"));
        // A miss still gets its suggestion from resolve.
        let miss = includes.resolve("prereqs/rediss.md").err().unwrap();
        assert_eq!(
            miss.hint.as_deref(),
            Some("did you mean `/prereqs/redis.md`?")
        );
    }
}
