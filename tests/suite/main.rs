//! The integration tests, one test binary (one link of the library instead of
//! one per file). Each module tests one side of the tool from outside.

mod common;
mod pki;

mod check_rules;
mod cli;
mod diff;
mod gate;
mod hostile;
mod layout;
mod pdf_text;
mod release;
mod sign;
mod tagged;
mod typesetting;
