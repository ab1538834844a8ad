//! The PDF's text layer gives back exactly what the YAML says.

use crate::common::{drawn_text, squash};
use disclosure_pdf::layout::{Orientation, Style};
use disclosure_pdf::model::{Column, ColumnKey, Document};
use disclosure_pdf::{BuildOptions, build_pdf};
use std::path::Path;

const DEFAULT: &str = "data/kamiless.yaml";

fn default_doc() -> (Document, Vec<u8>) {
    let input = disclosure_pdf::read(Path::new(DEFAULT), &Default::default()).unwrap();
    let pdf = build_pdf(&input, &BuildOptions::default()).unwrap().bytes;
    (input.document, pdf)
}

/// Text of one table column over all pages, in reading order, header labels removed.
fn column_text(doc: &Document, pdf: &[u8], column: usize, label: &str) -> String {
    let fonts = disclosure_pdf::text::font::FontSet::bundled();
    let style =
        disclosure_pdf::layout::table::fit_columns(doc, &fonts, &Style::a4(Orientation::Landscape))
            .unwrap();
    let edges = style.column_edges();
    let (lo, hi) = (edges[column].0, edges[column + 1].0);
    let mut out = String::new();
    let mut in_table_on = None;
    for d in drawn_text(pdf) {
        // Outside the column, or in the footer below the table area.
        if d.x < lo || d.x >= hi || d.y < style.margin_bottom.0 {
            continue;
        }
        let text = squash(&d.text);
        // The table starts on each page with the header label; what is above it
        // (the first page's heading) is not part of the column.
        if in_table_on != Some(d.page) {
            if text == squash(label) {
                in_table_on = Some(d.page);
            }
            continue;
        }
        out.push_str(&text);
    }
    out
}

#[test]
fn content_column_reads_back_as_the_yaml_content() {
    let (doc, pdf) = default_doc();
    let expected: String = doc.items().map(|(_, i)| squash(&i.content)).collect();
    assert_eq!(column_text(&doc, &pdf, 3, &doc.labels.content), expected);
}

#[test]
fn titles_read_back_with_continuations_marked() {
    let (doc, pdf) = default_doc();
    let titles = column_text(&doc, &pdf, 2, &doc.labels.item);
    let mut rest = titles.as_str();
    for (_, item) in doc.items() {
        let t = squash(&item.title);
        rest = rest
            .strip_prefix(&t)
            .unwrap_or_else(|| panic!("title {t} missing at {rest:.40}"));
        while let Some(r) = rest.strip_prefix(&format!("{t}（続き）")) {
            rest = r;
        }
    }
    assert!(rest.is_empty(), "left over: {rest}");
}

#[test]
fn kanji_do_not_turn_into_radicals() {
    let (_, pdf) = default_doc();
    let all: String = drawn_text(&pdf).into_iter().map(|d| d.text).collect();
    assert!(all.contains("利用") && all.contains("長時間"));
    assert!(!all.chars().any(|c| ('\u{2E80}'..='\u{2FDF}').contains(&c)));
}

#[test]
fn every_item_title_and_category_is_on_some_page() {
    let (doc, pdf) = default_doc();
    let all = squash(
        &drawn_text(&pdf)
            .into_iter()
            .map(|d| d.text)
            .collect::<String>(),
    );
    for c in &doc.categories {
        assert!(all.contains(&squash(&c.title)), "{}", c.title);
    }
    assert_eq!(doc.items().count(), 38);
    assert_eq!(doc.categories.len(), 11);
}

#[test]
fn fonts_are_embedded_subsets_with_tagged_names() {
    let (_, pdf) = default_doc();
    let lo = lopdf::Document::load_mem(&pdf).unwrap();
    let mut names = Vec::new();
    for (_, obj) in lo.objects.iter() {
        if let Ok(d) = obj.as_dict()
            && d.get(b"Type").and_then(|t| t.as_name()).ok() == Some(b"FontDescriptor")
        {
            let name =
                String::from_utf8(d.get(b"FontName").unwrap().as_name().unwrap().to_vec()).unwrap();
            assert!(d.has(b"FontFile2"), "{name} embedded");
            names.push(name);
        }
    }
    names.sort();
    assert_eq!(names.len(), 2);
    for n in &names {
        let (tag, base) = n.split_once('+').unwrap();
        assert!(
            tag.len() == 6 && tag.chars().all(|c| c.is_ascii_uppercase()),
            "{n}"
        );
        assert!(base.starts_with("BIZUDPGothic"), "{n}");
    }
    assert!(pdf.len() < 300_000, "{} bytes", pdf.len());
}

#[test]
fn variation_selectors_and_latin_spacing_survive_the_text_layer() {
    // Two ways of writing a run: glyph by glyph (the selector has no glyph of its
    // own and rides on 葛) and as plain text with 和欧間 offsets.
    let yaml =
        crate::common::MINIMAL.replace("content: 本文", "content: 葛\u{E0100}飾区のSalesforce環境");
    let pdf = crate::common::build_yaml(&yaml);
    let all: String = drawn_text(&pdf).into_iter().map(|d| d.text).collect();
    assert!(all.contains("葛\u{E0100}飾区のSalesforce環境"), "{all}");
}

/// The text of each column of `pdf` as drawn (our own reader, through the
/// ToUnicode maps), on each page from after its header label, footer left out,
/// joined with whitespace removed.
fn columns_as_drawn(doc: &Document, pdf: &[u8]) -> Vec<(Column, String)> {
    let fonts = disclosure_pdf::text::font::FontSet::bundled();
    let style =
        disclosure_pdf::layout::table::fit_columns(doc, &fonts, &Style::a4(Orientation::Landscape))
            .unwrap();
    let plan = disclosure_pdf::layout::columns::plan_columns(doc, &fonts, &style).unwrap();
    let edges = plan.edges();
    let drawn = drawn_text(pdf);
    let pages = drawn.iter().map(|d| d.page + 1).max().unwrap_or(0);
    let columns = doc.columns();
    plan.columns
        .iter()
        .enumerate()
        .map(|(c, placed)| {
            let column = columns
                .iter()
                .find(|k| k.key == placed.key)
                .unwrap()
                .clone();
            let mut out = String::new();
            for page in 0..pages {
                let runs: Vec<String> = drawn
                    .iter()
                    .filter(|d| d.page == page && d.x >= edges[c].0 && d.x < edges[c + 1].0)
                    .filter(|d| d.y >= style.margin_bottom.0)
                    .map(|d| squash(&d.text))
                    .collect();
                // The header label: the first runs that spell it (it may wrap).
                let label = squash(&placed.label);
                let start = (0..runs.len()).find_map(|j| {
                    let mut got = String::new();
                    for (i, run) in runs.iter().enumerate().skip(j) {
                        got.push_str(run);
                        if got == label {
                            return Some(i + 1);
                        }
                        if !label.starts_with(&got) {
                            return None;
                        }
                    }
                    None
                });
                if let Some(start) = start {
                    out.extend(runs[start..].iter().cloned());
                }
            }
            (column, out)
        })
        .collect()
}

/// Whether `got` is `cells` in order, each text followed by any number of its
/// repeat (a label or number repeated on a later page), then only a
/// subsequence of `after` (pieces of what is printed below the table).
fn reads_as(got: &str, cells: &[(String, Option<String>)], after: &str) -> bool {
    let mut at = vec![0usize];
    for (text, again) in cells {
        let mut next: Vec<usize> = at
            .iter()
            .filter(|&&p| got[p..].starts_with(text.as_str()))
            .map(|p| p + text.len())
            .collect();
        if let Some(again) = again {
            let mut i = 0;
            while i < next.len() {
                let p = next[i];
                if got[p..].starts_with(again.as_str()) && !next.contains(&(p + again.len())) {
                    next.push(p + again.len());
                }
                i += 1;
            }
        }
        if next.is_empty() {
            return false;
        }
        at = next;
    }
    at.iter().any(|&p| {
        let mut rest = after.chars();
        got[p..].chars().all(|c| rest.any(|a| a == c))
    })
}

/// Every character of every cell of every column, in order, for the default
/// document and each example: own columns, merged columns, identifiers, flat
/// lists, cell tables and named links included (content as it prints).
#[test]
fn every_cell_of_every_document_reads_back_in_order() {
    use disclosure_pdf::model::markup::printed_text;
    for path in [
        DEFAULT,
        "examples/guideline.yaml",
        "examples/whitepaper.yaml",
        "examples/caiq.yaml",
    ] {
        let input = disclosure_pdf::read(Path::new(path), &Default::default()).unwrap();
        let pdf = build_pdf(&input, &BuildOptions::default()).unwrap().bytes;
        let doc = &input.document;
        let continued = "（続き）";
        let after = squash(
            &doc.document
                .closing
                .as_deref()
                .map(printed_text)
                .unwrap_or_default(),
        ) + &doc
            .revisions
            .iter()
            .map(|r| squash(&printed_text(&r.changes)))
            .collect::<String>();
        for (column, got) in columns_as_drawn(doc, &pdf) {
            let mut cells: Vec<(String, Option<String>)> = Vec::new();
            for (category, item) in doc.items() {
                let (text, again) = match &column.key {
                    ColumnKey::Content => (squash(&printed_text(&item.content)), None),
                    ColumnKey::Title => {
                        let title = squash(&printed_text(&item.title));
                        let control = squash(item.control.as_deref().unwrap_or(""));
                        (
                            format!("{title}{control}"),
                            Some(format!("{title}{continued}")),
                        )
                    }
                    key => {
                        let value = match key {
                            ColumnKey::Category => squash(&category.title),
                            ColumnKey::No => item.no.to_string(),
                            _ => squash(&printed_text(
                                item.cells.get(key.name()).map_or("", String::as_str),
                            )),
                        };
                        (value.clone(), Some(value))
                    }
                };
                let merged = column.merge && cells.last().is_some_and(|(t, _)| *t == text);
                if !text.is_empty() && !merged {
                    cells.push((text, again));
                }
            }
            assert!(
                !cells.is_empty(),
                "{path}: column {:?} expects nothing",
                column.key
            );
            let total: usize = cells.iter().map(|(t, _)| t.chars().count()).sum();
            assert!(
                reads_as(&got, &cells, &after),
                "{path}: column {:?} ({} characters expected) reads as:\n{got}",
                column.key,
                total
            );
        }
    }
}

#[test]
fn reading_order_matcher_refuses_what_is_missing_or_out_of_order() {
    let cells = |v: &[&str]| -> Vec<(String, Option<String>)> {
        v.iter()
            .map(|t| (t.to_string(), Some(t.to_string())))
            .collect()
    };
    assert!(
        reads_as("1111", &cells(&["1", "11"]), ""),
        "1 repeated, then 11"
    );
    assert!(reads_as("12以上", &cells(&["1", "2"]), "（注）以上"));
    assert!(!reads_as("21", &cells(&["1", "2"]), ""));
    assert!(!reads_as("1", &cells(&["1", "2"]), ""));
    assert!(!reads_as("12X", &cells(&["1", "2"]), "以上"));
}
