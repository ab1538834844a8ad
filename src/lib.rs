//! `disclosure-pdf`: turns a YAML information-security disclosure document into a
//! typeset Japanese PDF.
//!
//! The pipeline is a chain of small parts, each testable alone, each using only
//! the parts before it:
//! [`input`] (reading and every check: the one gate) → [`model`] (the document's
//! types and its content markup) → [`text`] (fonts, line breaking) → [`layout`]
//! (table and pagination into positioned boxes) → [`pdf`] (the file). [`build`]
//! runs layout and PDF on a checked document; [`locale`] holds the tool's own
//! phrases per language.

pub mod background;
pub mod build;
pub mod compare;
pub mod error;
pub mod input;
pub mod layout;
pub mod locale;
pub mod model;
pub mod output;
pub mod pdf;
pub mod sign;
pub mod text;
pub mod units;

pub use build::{BuildOptions, Built, build_pdf};
pub use error::{Diagnostic, Error, Severity};
pub use input::{Checked, check_text, read};
