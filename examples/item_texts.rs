//! Prints what the table of a document should read as, for checks of the PDF's text
//! layer by external tools (`.ci/check_text.py`), as JSON lines:
//!
//! * `{"kind":"geometry", ...}`: page size, margins, column edges (PDF points,
//!   origin top-left) of A4 landscape, the default build, with the columns placed
//!   as the build places them, and each column's key, header label and merging;
//! * `{"kind":"labels", "continued": ..., "after": ...}`: the "continued" mark,
//!   and the text printed after the table (closing text, revision history);
//! * `{"kind":"item", "no":..., "category":..., "title":..., "control":...,
//!   "content":..., "cells":{key: text}}`: one per item, in document order, each
//!   text as it prints (content markup resolved: no `**`, link targets or table
//!   pipes; `control` is `null` when absent; `cells` holds the own columns);
//! * `{"kind":"lines", "page":P, "column":KEY, "lines":[...]}`: the column's
//!   lines on page P as laid out, each line's runs joined left to right.
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
    let plan = match disclosure_pdf::layout::columns::plan_columns(&doc, &fonts, &style) {
        Ok(plan) => plan,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(1);
        }
    };
    let edges: Vec<String> = plan.edges().iter().map(|e| e.0.to_string()).collect();
    let columns: Vec<String> = plan
        .columns
        .iter()
        .map(|c| {
            format!(
                "{{\"key\":{},\"label\":{},\"merge\":{}}}",
                json_str(c.key.name()),
                json_str(&c.label),
                c.merge
            )
        })
        .collect();
    println!(
        "{{\"kind\":\"geometry\",\"page_width\":{},\"page_height\":{},\"margin_top\":{},\"margin_bottom\":{},\"column_edges\":[{}],\"columns\":[{}]}}",
        style.page_width.0,
        style.page_height.0,
        style.margin_top.0,
        style.margin_bottom.0,
        edges.join(","),
        columns.join(",")
    );

    let phrases = disclosure_pdf::locale::phrases(&doc.document.language);
    let printed = disclosure_pdf::model::markup::printed_text;
    // What the document prints after the table: the closing text and the
    // revision history, in order.
    let mut after = doc
        .document
        .closing
        .as_deref()
        .map(printed)
        .unwrap_or_default();
    if !doc.revisions.is_empty() {
        after.push_str(phrases.revisions);
        after.extend(phrases.revision_columns.iter().copied());
        for r in &doc.revisions {
            let date = disclosure_pdf::model::Date::parse(&r.date)
                .map_or_else(|| r.date.clone(), |d| phrases.date(&d));
            after.push_str(&phrases.version(&r.version));
            after.push_str(&date);
            after.push_str(&printed(&r.changes));
        }
    }
    println!(
        "{{\"kind\":\"labels\",\"continued\":{},\"after\":{}}}",
        json_str(phrases.continued),
        json_str(&after)
    );

    for (category, item) in doc.items() {
        let own: Vec<String> = item
            .cells
            .iter()
            .map(|(k, v)| format!("{}:{}", json_str(k), json_str(&printed(v))))
            .collect();
        println!(
            "{{\"kind\":\"item\",\"no\":{},\"category\":{},\"title\":{},\"control\":{},\"content\":{},\"cells\":{{{}}}}}",
            json_str(&item.no.to_string()),
            json_str(&category.title),
            json_str(&printed(&item.title)),
            json_opt(item.control.as_deref()),
            json_str(&printed(&item.content)),
            own.join(",")
        );
    }
    // The lines of each column as laid out (runs on one baseline joined, left
    // to right): what a reader that joins a page's cells line by line (pypdf)
    // must give back whole.
    let layout = match disclosure_pdf::layout::layout_document(
        &doc,
        &fonts,
        &Style::a4(Orientation::Landscape),
    ) {
        Ok(layout) => layout,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(1);
        }
    };
    let edges = plan.edges();
    for (p, page) in layout.pages.iter().enumerate() {
        for (c, column) in plan.columns.iter().enumerate() {
            let (lo, hi) = (edges[c], edges[c + 1]);
            let mut runs: Vec<&disclosure_pdf::layout::TextRun> = page
                .runs()
                .filter(|r| r.x >= lo && r.x < hi && r.baseline < style.body_bottom())
                .collect();
            runs.sort_by(|a, b| {
                a.baseline
                    .0
                    .total_cmp(&b.baseline.0)
                    .then(a.x.0.total_cmp(&b.x.0))
            });
            let mut lines: Vec<String> = Vec::new();
            let mut last: Option<(f32, f32)> = None;
            for r in runs {
                match last {
                    Some((baseline, end)) if baseline == r.baseline.0 => {
                        // Runs apart by more than half an em stand in different
                        // cells of a table in the text: a reader puts a space.
                        if r.x.0 - end > r.size.0 * 0.6
                            && let Some(line) = lines.last_mut()
                        {
                            line.push(' ');
                        }
                    }
                    _ => lines.push(String::new()),
                }
                last = Some((r.baseline.0, r.x.0 + r.width.0));
                if let Some(line) = lines.last_mut() {
                    line.push_str(&r.text());
                }
            }
            let lines: Vec<String> = lines.iter().map(|l| json_str(l)).collect();
            println!(
                "{{\"kind\":\"lines\",\"page\":{p},\"column\":{},\"lines\":[{}]}}",
                json_str(column.key.name()),
                lines.join(",")
            );
        }
    }
    ExitCode::SUCCESS
}
