//! `disclosure-pdf`: turns a YAML information-security disclosure document into a
//! typeset Japanese PDF.
//!
//! The pipeline is a chain of small parts, each testable alone:
//! [`model`] (YAML → types) → [`check`] (validation) → [`text`] (fonts, line
//! breaking) → [`layout`] (table and pagination into positioned boxes) → [`pdf`]
//! (printpdf). [`build`] runs the whole chain.

pub mod artifacts;
pub mod build;
pub mod check;
pub mod error;
pub mod layout;
pub mod locale;
pub mod markup;
pub mod model;
pub mod output;
pub mod pdf;
pub mod positions;
pub mod sample;
pub mod text;
pub mod units;

pub use build::{BuildOptions, Built, Input, build_pdf, load};
pub use error::{Diagnostic, Error, Severity};
