//! Prints what the table of a document should read as, for checks of the PDF's text
//! layer by external tools (`.ci/check_text.py`), as JSON lines:
//!
//! * `{"kind":"geometry", ...}`: page size, margins and column edges (PDF points,
//!   origin top-left) of A4 landscape, the default build, with the columns fitted
//!   to the document as the build fits them;
//! * `{"kind":"labels", ...}`: the table header labels and the "continued" mark;
//! * `{"kind":"item", "no":N, "title":..., "control":..., "content":...}`: one per
//!   item, in document order (`control` is `null` when absent).
//!
//! Usage: `cargo run --release --example item_texts -- data/kamiless.yaml`

use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

use disclosure_pdf::layout::{Orientation, Style};

/// `s` as a JSON string literal.
fn json_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn json_opt(s: Option<&str>) -> String {
    s.map_or_else(|| "null".to_string(), json_str)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input] = args.as_slice() else {
        eprintln!("usage: item_texts INPUT.yaml");
        return ExitCode::from(2);
    };
    let doc = match disclosure_pdf::read(Path::new(input), &Default::default()) {
        Ok(input) => input.document,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(1);
        }
    };

    // The build widens the category and item columns to fit the document's
    // labels (`fit_columns`): the crop must use the fitted edges, not the house
    // style's.
    let fonts = disclosure_pdf::text::font::FontSet::bundled();
    let style = match disclosure_pdf::layout::table::fit_columns(
        &doc,
        &fonts,
        &Style::a4(Orientation::Landscape),
    ) {
        Ok(style) => style,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(1);
        }
    };
    let edges: Vec<String> = style
        .column_edges()
        .iter()
        .map(|e| e.0.to_string())
        .collect();
    println!(
        "{{\"kind\":\"geometry\",\"page_width\":{},\"page_height\":{},\"margin_top\":{},\"margin_bottom\":{},\"column_edges\":[{}]}}",
        style.page_width.0,
        style.page_height.0,
        style.margin_top.0,
        style.margin_bottom.0,
        edges.join(",")
    );

    let labels = &doc.labels;
    let phrases = disclosure_pdf::locale::phrases(&doc.document.language);
    println!(
        "{{\"kind\":\"labels\",\"category\":{},\"no\":{},\"item\":{},\"content\":{},\"continued\":{}}}",
        json_str(&labels.category),
        json_str(&labels.no),
        json_str(&labels.item),
        json_str(&labels.content),
        json_str(phrases.continued)
    );

    for (category, item) in doc.items() {
        println!(
            "{{\"kind\":\"item\",\"no\":{},\"category\":{},\"title\":{},\"control\":{},\"content\":{}}}",
            item.no,
            json_str(&category.title),
            json_str(&item.title),
            json_opt(item.control.as_deref()),
            json_str(&item.content)
        );
    }
    ExitCode::SUCCESS
}
