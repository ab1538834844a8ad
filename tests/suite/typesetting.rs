//! Typesetting quality, checked on the layout (no PDF involved): justified lines,
//! squeezing that never makes glyphs touch, phrase-aware breaks in narrow cells,
//! no short last lines, and page breaks that respect the text.

use std::process::Command;

use disclosure_pdf::layout::block::{BlockLine, TextSpec, layout_balanced, layout_text};
use disclosure_pdf::layout::{Element, Orientation, Page, Style, layout_document};
use disclosure_pdf::model::Document;
use disclosure_pdf::text::font::{FontSet, FontStyle};
use disclosure_pdf::text::linebreak::HANGING;
use disclosure_pdf::text::phrases;
use disclosure_pdf::units::Pt;

fn default_doc() -> Document {
    Document::from_yaml(&std::fs::read_to_string("data/kamiless.yaml").unwrap()).unwrap()
}

/// The synthetic sample of `items` items (seed 1), as the benchmark uses it.
fn sample(items: usize) -> Document {
    let out = Command::new(env!("CARGO_BIN_EXE_disclosure-pdf"))
        .args(["sample", "--items", &items.to_string(), "--seed", "1"])
        .output()
        .unwrap();
    Document::from_yaml(&String::from_utf8(out.stdout).unwrap()).unwrap()
}

fn fitted(doc: &Document) -> Style {
    let style = Style::a4(Orientation::Landscape);
    disclosure_pdf::layout::table::fit_columns(doc, &FontSet::bundled(), &style).unwrap()
}

fn text_of(line: &BlockLine) -> String {
    line.runs.iter().map(|r| r.text()).collect()
}

/// Right end of a line's last run.
fn end_of(line: &BlockLine) -> Pt {
    line.runs.last().map_or(Pt::ZERO, |r| r.x + r.width)
}

/// The content cells of `doc`, set as the table sets them.
fn content_cells(doc: &Document, style: &Style) -> Vec<(String, Vec<BlockLine>)> {
    let fonts = FontSet::bundled();
    let (body, _) = TextSpec::cells(style);
    let inner = style.content_width() - style.cell_pad_x * 2.0;
    doc.items()
        .map(|(_, item)| {
            let lines = layout_text(&fonts, &item.content, inner, &body).unwrap();
            (item.content.clone(), lines)
        })
        .collect()
}

#[test]
fn every_line_but_a_paragraphs_last_ends_at_the_text_edge() {
    let fonts = FontSet::bundled();
    let mut checked = 0;
    for doc in [default_doc(), sample(300)] {
        let style = fitted(&doc);
        let inner = style.content_width() - style.cell_pad_x * 2.0;
        for (_, lines) in content_cells(&doc, &style) {
            for pair in lines.windows(2) {
                let (line, next) = (&pair[0], &pair[1]);
                if line.paragraph != next.paragraph {
                    continue; // a paragraph's last line stays as set
                }
                let text = text_of(line);
                let last = text.chars().last().unwrap();
                // A line of nothing but one Latin word or URL piece has no gap
                // to spread: it may stay short (the only such case).
                if !text.chars().any(|c| !c.is_ascii_graphic()) {
                    continue;
                }
                let mut end = end_of(line);
                let run = line.runs.last().unwrap();
                if HANGING.contains(last) && end > inner + Pt(0.1) {
                    // A hanging 、。 starts at the edge.
                    let advance = fonts.regular.lookup(last).unwrap().1.to_pt(run.size);
                    end -= advance;
                }
                assert!(
                    (end - inner).0.abs() <= 0.1,
                    "{text:?} ends at {end:?}, the edge is at {inner:?}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "{checked} lines checked");
}

#[test]
fn squeezed_glyphs_never_touch() {
    let fonts = FontSet::bundled();
    let doc = sample(300);
    let style = fitted(&doc);
    let mut squeezed = 0;
    for (_, lines) in content_cells(&doc, &style) {
        for line in &lines {
            for run in &line.runs {
                let face = fonts.face(run.style);
                for pair in run.glyphs.windows(2) {
                    let (a, b) = (&pair[0], &pair[1]);
                    if b.space_before >= 0 {
                        continue;
                    }
                    squeezed += 1;
                    let advance = face.lookup(a.ch).unwrap().1;
                    let (Some((_, a_right)), Some((b_left, _))) =
                        (face.ink_bounds(a.gid), face.ink_bounds(b.gid))
                    else {
                        continue;
                    };
                    // Ink gap between the two glyphs, in milli-ems.
                    let gap = (advance.0 - a_right.0) + i32::from(b.space_before) + b_left.0;
                    assert!(gap >= 50, "{}{} touch: ink gap {gap}", a.ch, b.ch);
                }
            }
        }
    }
    assert!(squeezed > 0, "the sample squeezes some lines");
}

/// Whether the break between `before` and the rest of `text` falls on a BudouX
/// phrase boundary, or inside a phrase wider than `width`.
fn break_is_fair(fonts: &FontSet, text: &str, at: usize, width: Pt, style: FontStyle) -> bool {
    let bounds = phrases::boundaries(text);
    if bounds.contains(&at) {
        return true;
    }
    let start = bounds
        .iter()
        .copied()
        .filter(|&b| b < at)
        .max()
        .unwrap_or(0);
    let end = bounds
        .iter()
        .copied()
        .find(|&b| b > at)
        .unwrap_or(text.len());
    let face = fonts.face(style);
    let phrase: Pt = face
        .glyphs(&text[start..end])
        .unwrap()
        .iter()
        .map(|g| g.advance.to_pt(Pt(9.0)))
        .sum();
    phrase > width
}

/// The lines of a narrow-cell text as the table sets it.
fn cell_lines(text: &str, width: Pt, spec: &TextSpec) -> Vec<String> {
    layout_balanced(&FontSet::bundled(), text, width, spec)
        .unwrap()
        .iter()
        .map(text_of)
        .collect()
}

#[test]
fn titles_and_labels_break_between_phrases_only() {
    let fonts = FontSet::bundled();
    for doc in [default_doc(), sample(300)] {
        let style = fitted(&doc);
        let (body, bold) = TextSpec::cells(&style);
        let pad = style.cell_pad_x * 2.0;
        let cells = doc
            .categories
            .iter()
            .map(|c| (&c.title, style.category_width - pad, bold, FontStyle::Bold))
            .chain(doc.items().map(|(_, i)| {
                (
                    &i.title,
                    style.item_width - pad,
                    body.phrased(),
                    FontStyle::Regular,
                )
            }));
        for (text, width, spec, face) in cells {
            let lines = cell_lines(text, width, &spec);
            let mut at = 0;
            for line in &lines[..lines.len() - 1] {
                at += line.len();
                assert!(
                    break_is_fair(&fonts, text, at, width, face),
                    "{text:?} breaks inside a phrase: {lines:?}"
                );
            }
            // Never a character alone on a line.
            if lines.len() > 1 {
                assert!(lines.iter().all(|l| l.chars().count() > 1), "{lines:?}");
            }
        }
    }
}

#[test]
fn the_review_examples_break_as_a_typesetter_would() {
    let doc = default_doc();
    let style = fitted(&doc);
    let (body, bold) = TextSpec::cells(&style);
    let pad = style.cell_pad_x * 2.0;
    let label = |t: &str| cell_lines(t, style.category_width - pad, &bold);
    let title = |t: &str| cell_lines(t, style.item_width - pad, &body.phrased());
    assert_eq!(
        label("情報セキュリティのための組織"),
        ["情報セキュリティの", "ための組織"]
    );
    assert_eq!(
        label("情報セキュリティインシデント管理"),
        ["情報セキュリティ", "インシデント管理"]
    );
    assert_eq!(
        title("アクセス権の登録及び登録削除"),
        ["アクセス権の", "登録及び登録削除"]
    );
    let responsibility = title("情報セキュリティの責任");
    assert!(
        responsibility == ["情報セキュリティの責任"]
            || responsibility == ["情報セキュリティの", "責任"],
        "{responsibility:?}"
    );
    assert_eq!(
        title("下位規程の整備（本番環境）"),
        ["下位規程の整備", "（本番環境）"]
    );
    assert_eq!(
        title("利用者と事業者間の論理的分離"),
        ["利用者と事業者間の", "論理的分離"]
    );
    assert_eq!(
        title("ピアクラウドサービス事業者の情報セキュリティ水準"),
        ["ピアクラウドサービス", "事業者の", "情報セキュリティ水準"]
    );
}

#[test]
fn no_paragraph_ends_in_a_line_of_one_or_two_letters() {
    for doc in [default_doc(), sample(300)] {
        let style = fitted(&doc);
        for (_, lines) in content_cells(&doc, &style) {
            for (k, line) in lines.iter().enumerate() {
                let last_of_paragraph = lines
                    .get(k + 1)
                    .is_none_or(|n| n.paragraph != line.paragraph);
                let first_of_paragraph = k == 0 || lines[k - 1].paragraph != line.paragraph;
                if !last_of_paragraph || first_of_paragraph {
                    continue;
                }
                let text = text_of(line);
                let letters = text
                    .chars()
                    .filter(|c| {
                        !(c.is_ascii_punctuation()
                            || "、。，．）」』】〕〉》・：；？！".contains(*c))
                    })
                    .count();
                assert!(letters > 2, "a paragraph ends in {text:?}");
            }
        }
    }
}

/// The lines of the table column `col` on `page`, grouped into cells: each cell
/// is the lines between two horizontal rules across that column.
fn cells(page: &Page, style: &Style, col: usize) -> Vec<Vec<(String, FontStyle)>> {
    let e = style.column_edges();
    let mut bottoms: Vec<f32> = page
        .elements
        .iter()
        .filter_map(|el| match el {
            Element::Rule { from, to, .. }
                if from.1 == to.1 && from.0 <= e[col] && to.0 >= e[col + 1] =>
            {
                Some(from.1.0)
            }
            _ => None,
        })
        .collect();
    bottoms.sort_by(f32::total_cmp);
    bottoms.dedup();
    let mut out: Vec<Vec<(String, FontStyle)>> = vec![Vec::new(); bottoms.len() + 1];
    let mut lines: Vec<(f32, f32, String, FontStyle)> = page
        .runs()
        .filter(|r| r.x >= e[col] && r.x < e[col + 1] && r.baseline < style.body_bottom())
        .map(|r| (r.baseline.0, r.x.0, r.text(), r.style))
        .collect();
    lines.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let mut last_baseline = f32::NAN;
    for (baseline, _, text, style) in lines {
        let cell = bottoms.iter().filter(|&&b| b < baseline).count();
        if baseline == last_baseline {
            if let Some(l) = out[cell].last_mut() {
                l.0.push_str(&text);
            }
        } else {
            out[cell].push((text, style));
        }
        last_baseline = baseline;
    }
    out.retain(|c| !c.is_empty());
    out
}

#[test]
fn page_breaks_keep_headings_with_their_text_and_titles_as_first_set() {
    let doc = sample(400);
    let layout = layout_document(
        &doc,
        &FontSet::bundled(),
        &Style::a4(Orientation::Landscape),
    )
    .unwrap();
    let style = &layout.style;
    let mut continued = 0;
    for pair in layout.pages.windows(2) {
        let (page, next) = (&pair[0], &pair[1]);
        // The cell at the foot of the page (the header row is the first cell).
        let content = cells(page, style, 3);
        let foot = content.last().unwrap();
        let last = foot.last().unwrap();
        assert!(
            last.1 != FontStyle::Bold || !(last.0.starts_with('＜') || last.0.starts_with('【')),
            "a sub-heading ends a page: {last:?}"
        );
        let next_titles = cells(next, style, 2);
        let first = &next_titles[1];
        if first.last().map(|l| l.0.as_str()) == Some("（続き）") {
            continued += 1;
            let titles = cells(page, style, 2);
            let before: Vec<&String> = titles.last().unwrap().iter().map(|l| &l.0).collect();
            let again: Vec<&String> = first[..first.len() - 1].iter().map(|l| &l.0).collect();
            assert_eq!(
                before[..again.len()],
                again[..],
                "a continued title is set again differently"
            );
        }
    }
    assert!(continued > 5, "{continued} continued rows");
}

#[test]
fn a_long_row_breaks_between_blocks_not_after_their_headings_or_labels() {
    let para = "キャパシティの需要（システムおよびアプリケーション）は、毎日監視されています。キャパシティー計画エンジニアは、ネットワーク、データセンター、インフラストラクチャーおよびアプリケーションの利用状況を監視し、将来の要求を予測します。";
    let mut body = String::new();
    for k in 1..=12 {
        body.push_str(&format!("          ＜対象システム{k}：運用監視＞\n"));
        for _ in 0..3 {
            body.push_str(&format!("          {para}\n"));
        }
        body.push_str("          ●取得方式\n          ・ログは暗号化されます。\n\n");
    }
    let head = crate::common::MINIMAL.split("categories:").next().unwrap();
    let yaml = format!(
        "{head}categories:\n  - title: 運用のセキュリティ\n    items:\n      - no: 1\n        title: ログ取得\n        content: |\n{body}"
    );
    let doc = Document::from_yaml(&yaml).unwrap();
    let layout = layout_document(
        &doc,
        &FontSet::bundled(),
        &Style::a4(Orientation::Landscape),
    )
    .unwrap();
    assert!(layout.pages.len() >= 3);
    for page in &layout.pages[..layout.pages.len() - 1] {
        let content = cells(page, &layout.style, 3);
        let last = &content.last().unwrap().last().unwrap().0;
        assert!(
            !last.starts_with('＜') && last != "●取得方式",
            "a page ends with {last:?}"
        );
        // The paragraph before the break keeps two lines on this page.
        let lines = content.last().unwrap();
        assert!(lines.len() >= 2);
    }
}
