//! The whole document: first-page heading, preface and notes, the table, footers.

use rayon::prelude::*;

use super::align::{align_center, align_right};
use super::block::{Objects, TextSpec, layout_text};
use super::flow::Flow;
use super::style::Style;
use super::{
    Artifact, Bookmark, Color, Element, LayoutError, Page, Role, Structure, Tag, revisions, table,
};
use crate::locale::Phrases;
use crate::model::{Date, Document};
use crate::text::font::{FontSet, FontStyle};
use crate::units::Pt;

/// A laid-out document: its pages and its outline.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub pages: Vec<Page>,
    /// One entry per category with its items, then the revision history if any.
    pub bookmarks: Vec<Bookmark>,
    /// The style the document was set in: the one given, with the table's label
    /// columns fitted to the document ([`table::fit_columns`]).
    pub style: Style,
    /// The logical structure the pages' tags refer to.
    pub structure: Structure,
}

/// Lays out `doc` into pages.
pub fn layout_document<'a>(
    doc: &'a Document,
    fonts: &FontSet,
    style: &Style,
) -> Result<Layout, LayoutError> {
    let info = &doc.document;
    let phrases = crate::locale::phrases(&info.language);
    let fitted = table::fit_columns(doc, fonts, style)?;
    let style = &fitted;
    let mut flow = Flow::new(style);
    let width = style.table_width();
    let x = style.margin_x;
    // The preface and closing may hold tables and pictures, drawn like those in cells.
    let objects = Objects {
        pictures: Some(&doc.pictures),
        ..TextSpec::cells(style).0.objects
    };
    let spec = |size: Pt, font: FontStyle, color: Color| TextSpec {
        size,
        line_height: size * 1.55,
        paragraph_gap: size * 0.7,
        style: font,
        color,
        link_color: style.link_color,
        hang: Pt::ZERO,
        phrases: false,
        justify: false,
        objects,
    };
    let set = |text: &str, spec: &TextSpec, field: &str| {
        layout_text(fonts, text, width, spec)
            .map_err(LayoutError::missing(format!("document.{field}")))
    };

    // Date and version, then the issuer, right-aligned; the title and the service centred.
    let date = Date::parse(&info.date).map_or_else(|| info.date.clone(), |d| phrases.date(&d));
    let dated = format!("{date}　{}", version_text(info, phrases));
    let body = spec(style.body_size, FontStyle::Regular, Color::BLACK);
    let mut top_right = set(&dated, &body, "date")?;
    top_right.extend(set(
        &info.issuer,
        &spec(Pt(10.5), FontStyle::Regular, Color::BLACK),
        "issuer",
    )?);
    align_right(&mut top_right, width);
    // Reading order is the page's: date and issuer, the title, the service.
    let root = Structure::ROOT;
    let tag = flow.structure.leaf(root, Role::P);
    flow.flow_lines(&top_right, x, tag);

    flow.y += Pt(10.0);
    let mut title = set(
        &info.title,
        &spec(style.title_size, FontStyle::Bold, Color::BLACK),
        "title",
    )?;
    align_center(&mut title, width);
    let tag = flow.structure.leaf(root, Role::H1);
    flow.flow_lines(&title, x, tag);

    let mut subtitle_text = format!("{}{}", phrases.service, info.service);
    if let Some(scope) = &info.scope {
        subtitle_text.push_str(&format!("　{}{}", phrases.scope, scope));
    }
    let mut subtitle = set(
        &subtitle_text,
        &spec(style.subtitle_size, FontStyle::Regular, Color::BLACK),
        "service",
    )?;
    align_center(&mut subtitle, width);
    flow.y += Pt(2.0);
    let tag = flow.structure.leaf(root, Role::P);
    flow.flow_lines(&subtitle, x, tag);
    flow.y += Pt(12.0);

    // Running text is justified (両端揃え); the heading lines above are not.
    let justified = |spec: TextSpec<'a>| TextSpec {
        justify: true,
        ..spec
    };
    if let Some(preface) = &info.preface {
        flow.flow_block(&set(preface, &justified(body), "preface")?, x, root);
        flow.y += Pt(4.0);
    }
    if let Some(notes) = &info.notes {
        let notes_spec = justified(spec(style.notes_size, FontStyle::Regular, style.muted));
        flow.flow_block(&set(notes, &notes_spec, "notes")?, x, root);
    }
    flow.y += Pt(10.0);

    let anchors = table::layout_table(&mut flow, doc, fonts, style)?;
    let item_mark = |item: &crate::model::Item, at| Bookmark {
        title: format!("No. {} {}", item.no, item.title),
        at,
        children: Vec::new(),
    };
    let mut rows = doc.items().zip(anchors);
    let mut bookmarks: Vec<Bookmark> = Vec::new();
    if doc.flat {
        // A flat list has no category level: its items are the outline.
        bookmarks.extend(rows.map(|((_, item), at)| item_mark(item, at)));
    } else {
        for category in &doc.categories {
            let children: Vec<Bookmark> = rows
                .by_ref()
                .take(category.items.len())
                .map(|((_, item), at)| item_mark(item, at))
                .collect();
            if let Some(first) = children.first() {
                bookmarks.push(Bookmark {
                    title: category.title.clone(),
                    at: first.at,
                    children,
                });
            }
        }
    }
    if let Some(closing) = &info.closing {
        flow.y += Pt(8.0);
        flow.flow_block(&set(closing, &justified(body), "closing")?, x, root);
    }
    if let Some(at) = revisions::layout_revisions(&mut flow, doc, fonts, style, phrases)? {
        bookmarks.push(Bookmark {
            title: phrases.revisions.to_string(),
            at,
            children: Vec::new(),
        });
    }

    add_footers(&mut flow.pages, doc, fonts, style, phrases)?;
    Ok(Layout {
        pages: flow.pages,
        bookmarks,
        style: fitted.clone(),
        structure: flow.structure,
    })
}

/// 第1.0版, or ドラフト for a draft without a version of its own.
fn version_text(info: &crate::model::DocumentInfo, phrases: &Phrases) -> String {
    if info.version.trim().is_empty() {
        phrases.draft.to_string()
    } else {
        phrases.version(&info.version)
    }
}

/// Stamps `text` large, light and diagonal across every page, under the content.
pub fn add_watermark(
    pages: &mut [Page],
    fonts: &FontSet,
    text: &str,
    style: &Style,
) -> Result<(), LayoutError> {
    let size = Pt(96.0);
    let spec = TextSpec {
        size,
        line_height: size,
        paragraph_gap: Pt::ZERO,
        style: FontStyle::Bold,
        color: Color::gray(0.88),
        link_color: Color::gray(0.88),
        hang: Pt::ZERO,
        phrases: true,
        justify: false,
        objects: Objects::default(),
    };
    let lines = layout_text(fonts, text, Pt(f32::MAX / 4.0), &spec).map_err(
        LayoutError::missing(format!("the draft watermark {text:?}")),
    )?;
    let Some(mut run) = lines
        .into_iter()
        .next()
        .and_then(|l| l.runs.into_iter().next())
    else {
        return Ok(());
    };
    // Centre the text on the page along the diagonal.
    let angle = (style.page_height.0 / style.page_width.0).atan();
    let (w, h) = (run.width.0, size.0 * 0.7);
    let (cx, cy) = (style.page_width.0 / 2.0, style.page_height.0 / 2.0);
    let (cos, sin) = (angle.cos(), angle.sin());
    // Origin such that the text's centre lands on the page centre (y grows downwards).
    run.x = Pt(cx - (w / 2.0) * cos + (h / 2.0) * sin);
    run.baseline = Pt(cy + (w / 2.0) * sin + (h / 2.0) * cos);
    for page in pages {
        page.elements.insert(
            0,
            Element::Stamp {
                run: run.clone(),
                angle: angle.to_degrees(),
            },
        );
    }
    Ok(())
}

/// Footer on every page: title and version on the left, `n / N` on the right.
fn add_footers(
    pages: &mut [Page],
    doc: &Document,
    fonts: &FontSet,
    style: &Style,
    phrases: &Phrases,
) -> Result<(), LayoutError> {
    let spec = TextSpec {
        size: style.footer_size,
        line_height: style.footer_size * 1.4,
        paragraph_gap: Pt::ZERO,
        style: FontStyle::Regular,
        color: style.muted,
        link_color: style.muted,
        hang: Pt::ZERO,
        phrases: false,
        justify: false,
        objects: Objects::default(),
    };
    let width = style.table_width();
    let info = &doc.document;
    let left_text = format!(
        "{}　{}　{}",
        info.service,
        info.title,
        version_text(info, phrases)
    );
    // Normally one line; a very long title wraps into the bottom margin rather
    // than being cut.
    let left = layout_text(fonts, &left_text, width * 0.75, &spec).map_err(
        LayoutError::missing("the footer (document.service, title, version)"),
    )?;
    let y = style.page_height - style.margin_bottom + Pt(8.0);
    let total = pages.len();
    // On all cores: hundreds of pages in a long document.
    pages.par_iter_mut().enumerate().try_for_each(|(n, page)| {
        let mut line_y = y;
        let tag = Tag::Artifact(Artifact::Pagination);
        for line in &left {
            line.place(style.margin_x, line_y, tag, &mut page.elements);
            line_y += line.height;
        }
        // Digits, space and slash are in every font we accept (checked up front).
        let mut number = layout_text(fonts, &format!("{} / {}", n + 1, total), width, &spec)
            .map_err(LayoutError::missing("the page number"))?;
        align_right(&mut number, width);
        for line in &number {
            line.place(style.margin_x, y, tag, &mut page.elements);
        }
        Ok(())
    })
}
