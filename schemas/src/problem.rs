//! What is wrong with the catalog, said with the file and the JSON pointer.

use std::fmt;
use std::path::PathBuf;

/// One thing wrong in one file, at one place.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    pub file: PathBuf,
    /// A JSON pointer into the file ("" for the whole document).
    pub pointer: String,
    pub message: String,
}

impl Problem {
    pub fn new(
        file: impl Into<PathBuf>,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Problem {
            file: file.into(),
            pointer: pointer.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}#{}: {}",
            self.file.display(),
            self.pointer,
            self.message
        )
    }
}

/// Everything wrong with a catalog that could not be loaded.
#[derive(Debug, thiserror::Error)]
#[error("{} problem(s) in the catalog, the first: {}", .0.len(), .0.first().map(ToString::to_string).unwrap_or_default())]
pub struct Problems(pub Vec<Problem>);
