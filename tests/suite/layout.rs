//! Table layout and pagination, checked on the laid-out pages (no PDF involved).

use disclosure_pdf::layout::{Element, Orientation, Page, Style, layout_document};
use disclosure_pdf::model::Document;
use disclosure_pdf::text::font::FontSet;
use disclosure_pdf::text::linebreak::NO_LINE_START;
use disclosure_pdf::units::Pt;

/// The minimal document's facts with the given `categories:` body.
fn yaml(items: &str) -> String {
    let head = crate::common::MINIMAL.split("categories:").next().unwrap();
    format!("{head}categories:\n{items}\n")
}

fn lay_out(text: &str) -> (Vec<Page>, Style) {
    let doc = Document::from_yaml(text).unwrap();
    let style = Style::a4(Orientation::Landscape);
    let layout = layout_document(&doc, &FontSet::bundled(), &style).unwrap();
    (layout.pages, layout.style)
}

/// Content lines of the long item: "行NNNN" numbered so order can be checked.
fn long_item(no: u32, lines: usize) -> String {
    let body: String = (0..lines)
        .map(|i| format!("          行{i:04}：内容の一行です。\n"))
        .collect();
    format!("      - no: {no}\n        title: 長い項目\n        content: |\n{body}")
}

/// Runs in the column `col` of `page`, as (baseline, text).
fn column(page: &Page, style: &Style, col: usize) -> Vec<(f32, String)> {
    let e = style.column_edges();
    page.runs()
        .filter(|r| r.x >= e[col] && r.x < e[col + 1] && r.baseline < style.body_bottom())
        .map(|r| (r.baseline.0, r.text()))
        .collect()
}

#[test]
fn item_longer_than_a_page_splits_over_pages_in_order() {
    let items = format!(
        "  - title: 運用のセキュリティ\n    items:\n{}",
        long_item(1, 150)
    );
    let (pages, style) = lay_out(&yaml(&items));
    assert!(pages.len() >= 4, "{} pages", pages.len());
    let mut seen = Vec::new();
    for (p, page) in pages.iter().enumerate() {
        let content: Vec<String> = column(page, &style, 3)
            .into_iter()
            .map(|(_, t)| t)
            .filter(|t| t.starts_with('行'))
            .collect();
        assert!(
            content.len() >= 2,
            "page {p}: at least two lines each side of a split"
        );
        seen.extend(content);
        let titles: Vec<String> = column(page, &style, 2)
            .into_iter()
            .map(|(_, t)| t)
            .collect();
        // Later parts repeat the title exactly as first set, then the mark on a
        // line of its own.
        let expected: &[&str] = if p == 0 {
            &["情報開示項目", "長い項目"]
        } else {
            &["情報開示項目", "長い項目", "（続き）"]
        };
        assert_eq!(titles, expected, "page {p}");
        // No. repeats on every page.
        assert!(
            column(page, &style, 1).iter().any(|(_, t)| t == "1"),
            "page {p}"
        );
        // Header row on every page.
        assert!(
            column(page, &style, 3).iter().any(|(_, t)| t == "内容"),
            "page {p}"
        );
    }
    let expected: Vec<String> = (0..150)
        .map(|i| format!("行{i:04}：内容の一行です。"))
        .collect();
    assert_eq!(seen, expected);
}

#[test]
fn split_keeps_two_lines_on_each_side() {
    // Fill most of page 1, then an item of 5 lines that must split 2+3 or move whole.
    let filler = long_item(1, 27);
    let items = format!("  - title: 暗号\n    items:\n{filler}{}", long_item(2, 5));
    let (pages, style) = lay_out(&yaml(&items));
    for page in &pages {
        let n = column(page, &style, 3)
            .iter()
            .filter(|(_, t)| t.starts_with('行'))
            .count();
        assert!(n == 0 || n >= 2);
    }
    let per_page: Vec<usize> = pages
        .iter()
        .map(|p| {
            column(p, &style, 2)
                .iter()
                .filter(|(_, t)| t.starts_with("長い項目"))
                .count()
        })
        .collect();
    assert!(per_page.iter().sum::<usize>() >= 2);
}

#[test]
fn category_label_repeats_on_the_next_page() {
    let items = format!("  - title: アクセス制御\n    items:\n{}", long_item(1, 80));
    let (pages, style) = lay_out(&yaml(&items));
    assert!(pages.len() >= 2);
    for (p, page) in pages.iter().enumerate() {
        let labels: String = column(page, &style, 0)
            .into_iter()
            .map(|(_, t)| t)
            .collect();
        assert!(labels.contains("アクセス制御"), "page {p}: {labels}");
    }
}

#[test]
fn category_label_is_centred_in_its_merged_cell() {
    let items = "  - title: 暗号\n    items:\n      - no: 1\n        title: 一\n        content: |\n          a\n          b\n          c\n          d\n      - no: 2\n        title: 二\n        content: e\n";
    let (pages, style) = lay_out(&yaml(items));
    let label: Vec<_> = column(&pages[0], &style, 0)
        .into_iter()
        .filter(|(_, t)| t != "分類")
        .collect();
    let first_row: Vec<_> = column(&pages[0], &style, 1)
        .into_iter()
        .filter(|(_, t)| t != "No.")
        .collect();
    assert_eq!(label.len(), 1);
    // Label baseline lies between the first and the last row, not at the top.
    assert!(label[0].0 > first_row[0].0 && label[0].0 < first_row.last().unwrap().0 + 20.0);
}

#[test]
fn default_document_has_no_forbidden_line_starts_and_stays_in_its_cells() {
    let text = std::fs::read_to_string("data/kamiless.yaml").unwrap();
    let (pages, style) = lay_out(&text);
    let e = style.column_edges();
    for (p, page) in pages.iter().enumerate() {
        // The table starts at the header row; above it (page 1's heading) is full width.
        let table_top = page
            .runs()
            .find(|r| r.text() == "内容")
            .map(|r| r.baseline)
            .unwrap();
        let mut line_starts: Vec<(f32, f32, char)> = Vec::new();
        for run in page.runs().filter(|r| r.baseline >= table_top) {
            let first = run.glyphs[0].ch;
            line_starts.push((run.baseline.0, run.x.0, first));
            // Every run stays within its column (allowing 、。 to hang into the padding).
            if run.baseline < style.body_bottom() && run.x >= e[0] {
                let col = (0..4).find(|&c| run.x >= e[c] && run.x < e[c + 1]);
                if let Some(c) = col {
                    let right = run.x + run.width;
                    assert!(
                        right.0 <= e[c + 1].0 + 0.01,
                        "page {p}: {:?} overflows",
                        run.text()
                    );
                }
            }
        }
        // A run that starts at a column's text edge starts a line.
        for (_, x, ch) in line_starts {
            let at_edge = e
                .iter()
                .any(|edge| (x - (edge.0 + style.cell_pad_x.0)).abs() < 0.01);
            if at_edge {
                assert!(
                    !NO_LINE_START.contains(ch) || ch == '・',
                    "page {p}: line starts with {ch}"
                );
            }
        }
    }
}

#[test]
fn links_cover_url_runs() {
    let text = std::fs::read_to_string("data/kamiless.yaml").unwrap();
    let (pages, _) = lay_out(&text);
    let links: Vec<&str> = pages
        .iter()
        .flat_map(|p| p.elements.iter())
        .filter_map(|e| match e {
            Element::Link { uri, .. } => Some(uri.as_str()),
            _ => None,
        })
        .collect();
    assert!(links.contains(&"https://spc.opro.net/hc/ja"));
    assert!(
        links
            .iter()
            .all(|l| l.starts_with("https://") || l.starts_with("http://"))
    );
    // The URL of item 16 is wider than the column: one link area per line.
    let long = "https://developer.salesforce.com/docs/atlas.ja-jp.packagingGuide.meta/packagingGuide/security_review_overview.htm";
    assert_eq!(links.iter().filter(|l| **l == long).count(), 2);
}

#[test]
fn portrait_also_lays_out() {
    let text = std::fs::read_to_string("data/kamiless.yaml").unwrap();
    let doc = Document::from_yaml(&text).unwrap();
    let style = Style::a4(Orientation::Portrait);
    let pages = layout_document(&doc, &FontSet::bundled(), &style)
        .unwrap()
        .pages;
    assert!(pages.len() >= 6);
    assert!(pages.iter().all(|p| p.width < p.height));
}

#[test]
fn control_clause_is_printed_small_under_the_title() {
    let items = "  - title: 暗号\n    items:\n      - no: 18\n        title: 暗号技術の利用\n        control: \"10.1.1\"\n        content: 本文\n";
    let (pages, style) = lay_out(&yaml(items));
    let e = style.column_edges();
    let in_item_col = |r: &&disclosure_pdf::layout::TextRun| r.x >= e[2] && r.x < e[3];
    let title = pages[0]
        .runs()
        .filter(in_item_col)
        .find(|r| r.text() == "暗号技術の利用")
        .unwrap();
    let control = pages[0]
        .runs()
        .filter(in_item_col)
        .find(|r| r.text() == "10.1.1")
        .unwrap();
    assert!(control.baseline > title.baseline);
    assert!(control.size < title.size);
}

#[test]
fn long_item_numbers_shrink_to_one_line_instead_of_breaking() {
    let items = "  - title: 暗号\n    items:\n      - no: 9\n        title: 一\n        content: a\n      - no: 100\n        title: 百\n        content: d\n      - no: 1595\n        title: 二\n        content: b\n      - no: 123456\n        title: 三\n        content: c\n";
    let (pages, style) = lay_out(&yaml(items));
    let e = style.column_edges();
    let numbers: Vec<_> = pages[0]
        .runs()
        .filter(|r| r.x >= e[1] && r.x < e[2] && r.text() != "No.")
        .collect();
    let texts: Vec<String> = numbers.iter().map(|r| r.text()).collect();
    assert_eq!(
        texts,
        ["9", "100", "1595", "123456"],
        "each number on one line"
    );
    for short in &numbers[..2] {
        assert_eq!(
            short.size,
            style.body_size,
            "{} keeps the body size",
            short.text()
        );
    }
    for r in &numbers {
        assert!(
            r.x >= e[1] && r.x + r.width <= e[2],
            "{} fits its cell",
            r.text()
        );
    }
    assert!(numbers[3].size < numbers[2].size && numbers[2].size < style.body_size);
}

#[test]
fn a_custom_header_label_never_wraps() {
    // 番号 is 18 pt at 9 pt, the No. column 17 pt inside: the column widens to
    // hold it (up to 2.6 times its width); a longer label would shrink.
    let text = std::fs::read_to_string("data/kamiless.yaml")
        .unwrap()
        .replace("categories:", "labels:\n  no: 番号\ncategories:");
    let (pages, style) = lay_out(&text);
    let e = style.column_edges();
    for page in &pages {
        let header: Vec<_> = page
            .runs()
            .filter(|r| {
                r.x >= e[1]
                    && r.x < e[2]
                    && (r.text() == "番号" || r.text() == "番" || r.text() == "号")
            })
            .collect();
        assert_eq!(header.len(), 1, "one run on one line");
        let run = header[0];
        assert_eq!(run.text(), "番号");
        assert_eq!(run.size.0, 9.0);
        assert!(
            run.x >= e[1] + style.cell_pad_x - Pt(0.01)
                && run.x + run.width <= e[2] - style.cell_pad_x + Pt(0.01)
        );
    }
}

#[test]
fn inline_markup_bold_runs_and_named_links() {
    let text = yaml(
        "  - title: 組織\n    items:\n      - no: 1\n        title: 方針\n        content: \"**重要**な点は[当社WEBサイト](https://corp.example.jp/)をご覧ください。\"\n",
    );
    let (pages, _) = lay_out(&text);
    let runs: Vec<_> = pages[0].runs().collect();
    let bold = runs
        .iter()
        .find(|r| r.text() == "重要")
        .expect("a run of the bold words");
    assert_eq!(bold.style, disclosure_pdf::text::font::FontStyle::Bold);
    let link_run = runs
        .iter()
        .find(|r| r.text() == "当社WEBサイト")
        .expect("a run of the link text");
    let links: Vec<_> = pages[0]
        .elements
        .iter()
        .filter_map(|e| match e {
            Element::Link { rect, uri, .. } => Some((rect, uri)),
            _ => None,
        })
        .collect();
    assert_eq!(links.len(), 1);
    let (rect, uri) = links[0];
    assert_eq!(uri, "https://corp.example.jp/");
    // Over the link text only.
    assert!((rect.x.0 - link_run.x.0).abs() < 0.01);
    assert!((rect.width.0 - link_run.width.0).abs() < 0.01);
}

#[test]
fn a_cell_table_splits_between_rows_with_its_header_repeated() {
    let rows: String = (0..80)
        .map(|i| format!("          | 用語{i:02} | 説明の文です{i:02} |\n"))
        .collect();
    let text = yaml(&format!(
        "  - title: 組織\n    items:\n      - no: 1\n        title: 用語\n        content: |\n          | 用語 | 説明 |\n          |---|---|\n{rows}"
    ));
    let (pages, _) = lay_out(&text);
    assert!(pages.len() >= 2);
    for page in &pages[..2] {
        let texts: Vec<String> = page.runs().map(|r| r.text()).collect();
        let header = texts
            .iter()
            .position(|t| t == "説明")
            .expect("the header row on every page");
        let first_row = texts
            .iter()
            .position(|t| {
                t.starts_with("用語0")
                    || t.starts_with("用語1")
                    || t.starts_with("用語2")
                    || t.starts_with("用語3")
                    || t.starts_with("用語4")
                    || t.starts_with("用語5")
                    || t.starts_with("用語6")
                    || t.starts_with("用語7")
            })
            .unwrap();
        assert!(header < first_row);
    }
    // Every row once, in order, across the pages.
    let all: Vec<String> = pages
        .iter()
        .flat_map(|p| p.runs().map(|r| r.text()).collect::<Vec<_>>())
        .filter(|t| t.starts_with("説明の文です"))
        .collect();
    let expected: Vec<String> = (0..80).map(|i| format!("説明の文です{i:02}")).collect();
    assert_eq!(all, expected);
}
