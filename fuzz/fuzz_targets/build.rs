//! Fuzzes the whole pipeline: YAML text -> parse -> check -> layout -> PDF.
//! Errors are fine; only panics, hangs and running out of memory are bugs.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The CLI reads with `read_to_string`, which rejects invalid UTF-8; the library
    // takes any `&str`, so invalid bytes go through the lossy path (U+FFFD).
    let text = String::from_utf8_lossy(data);
    let Ok(input) = disclosure_pdf::check_text(Path::new("fuzz.yaml"), &text, &Default::default())
    else {
        return;
    };
    let _ = disclosure_pdf::build_pdf(&input, &disclosure_pdf::BuildOptions::default());
});
