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
