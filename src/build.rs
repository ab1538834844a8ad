//! The pipeline after the input gate: lay out a checked document and write it.

use std::time::{Duration, Instant};

use crate::error::{Diagnostic, Error};
use crate::input::Checked;
use crate::layout::{self, Orientation, Style};
use crate::model::{Date, Document};
use crate::pdf::{self, Metadata};

/// Choices that are not part of the document.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub orientation: Orientation,
    /// Stamp a diagonal draft watermark on every page (check the input with
    /// [`crate::input::Options::draft`] set too).
    pub draft: bool,
    /// Write PDF/A-2b.
    pub pdfa: bool,
    /// Creation and modification date in seconds since 1970 (the reproducible-builds
    /// `SOURCE_DATE_EPOCH`); `document.date` when not set.
    pub source_date_epoch: Option<i64>,
    /// Sign the finished PDF (PAdES) at the document's date (or
    /// `source_date_epoch`).
    pub sign: Option<crate::sign::SignOptions>,
}

/// A finished PDF.
#[derive(Debug)]
pub struct Built {
    pub bytes: Vec<u8>,
    pub pages: usize,
    /// Warnings found while checking the input.
    pub warnings: Vec<Diagnostic>,
    /// Time spent in each phase, in pipeline order.
    pub timings: Vec<(&'static str, Duration)>,
}

/// Phase timings for `--timings`. Phases may run side by side (font subsetting
/// beside page writing), so they can add up to more than the whole.
struct Clock(std::sync::Mutex<(Vec<(&'static str, Duration)>, Instant)>);

impl Clock {
    fn start() -> Clock {
        Clock(std::sync::Mutex::new((Vec::new(), Instant::now())))
    }

    /// Ends phase `name` now: its time is from the end of the phase before.
    fn lap(&self, name: &'static str) {
        let now = Instant::now();
        // The lock is only poisoned if a thread panicked while pushing; the list
        // is still a valid list then.
        let mut inner = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let took = now - inner.1;
        inner.0.push((name, took));
        inner.1 = now;
    }

    fn timings(self) -> Vec<(&'static str, Duration)> {
        self.0.into_inner().unwrap_or_else(|e| e.into_inner()).0
    }
}

/// Lays out a checked document and writes the PDF.
pub fn build_pdf(input: &Checked, opts: &BuildOptions) -> Result<Built, Error> {
    // A draft without a date of its own is dated the day it is built
    // (SOURCE_DATE_EPOCH when set, for reproducible drafts).
    let dated;
    let doc = if opts.draft && input.document.document.date.trim().is_empty() {
        let epoch = opts.source_date_epoch.unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64)
        });
        let mut d = input.document.clone();
        d.document.date = Date::from_days(epoch.div_euclid(86_400)).to_iso();
        dated = d;
        &dated
    } else {
        &input.document
    };
    let fonts = &input.fonts;
    let clock = Clock::start();
    let style = Style::a4(opts.orientation);
    let layout_error = |error| Error::Layout {
        path: input.path.clone(),
        error,
    };
    let mut laid = layout::layout_document(doc, fonts, &style).map_err(layout_error)?;
    if opts.draft {
        let phrases = crate::locale::phrases(&doc.document.language);
        layout::add_watermark(&mut laid.pages, fonts, phrases.draft, &style)
            .map_err(layout_error)?;
    }
    clock.lap("layout");
    let mut meta = metadata(doc);
    meta.pdfa = opts.pdfa;
    if let Some(epoch) = opts.source_date_epoch {
        meta.date_epoch = epoch;
    }
    let pages = laid.pages.len();
    let mut bytes = pdf::write(laid, fonts, &meta, &|name| clock.lap(name))?;
    if let Some(sign) = &opts.sign {
        let phrases = crate::locale::phrases(&doc.document.language);
        let d = &doc.document;
        let [before, between, after] = phrases.signed_reason;
        let reason = format!(
            "{before}{}{between}{}{}{}{after}",
            d.title, phrases.version_prefix, d.version, phrases.version_suffix
        );
        bytes = crate::sign::sign(&bytes, sign, meta.date_epoch, &reason)?;
        clock.lap("sign");
    }
    Ok(Built {
        bytes,
        pages,
        warnings: input.warnings.clone(),
        timings: clock.timings(),
    })
}

/// The PDF metadata of `doc`.
pub fn metadata(doc: &Document) -> Metadata {
    let d = &doc.document;
    let subject = match &d.scope {
        Some(scope) => format!("{}（{}）", d.service, scope),
        None => d.service.clone(),
    };
    let language = d.language.pdf_tag();
    Metadata {
        title: d.title.clone(),
        author: d.issuer.clone(),
        subject,
        keywords: doc.categories.iter().map(|c| c.title.clone()).collect(),
        date_epoch: Date::parse(&d.date).map_or(0, |date| date.days_since_epoch() * 86_400),
        language,
        pdfa: false,
    }
}

/// Formats a duration for humans: `12.3 ms`.
pub fn format_duration(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}
