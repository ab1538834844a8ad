//! The PDF's text layer gives back exactly what the YAML says.

use crate::common::{drawn_text, squash};
use disclosure_pdf::layout::{Orientation, Style};
use disclosure_pdf::model::Document;
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
