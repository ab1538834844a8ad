//! Everything the tool itself writes in the document's language: the fixed
//! phrases (（続き）, 改訂履歴, 第1.0版 …) and the date format.
//!
//! The language is read from `document.language` once, into a
//! [`Language`](crate::model::Language); every part that prints a fixed phrase
//! asks [`phrases`] for that language instead of guessing it from the text.

use crate::model::{Date, Language, Locale};

/// The fixed phrases of `language`.
pub fn phrases(language: &Language) -> &'static Phrases {
    Phrases::of(language.locale())
}

/// The fixed words of the document in one language.
#[derive(Debug)]
pub struct Phrases {
    /// Appended to the title of a row continued on the next page.
    pub continued: &'static str,
    pub scope: &'static str,
    pub service: &'static str,
    pub version_prefix: &'static str,
    pub version_suffix: &'static str,
    /// Heading and column labels of the revision history table.
    pub revisions: &'static str,
    pub revision_columns: [&'static str; 3],
    /// The draft watermark.
    pub draft: &'static str,
    /// Before the title, between title and version, and after the version in a
    /// signature's default `/Reason`.
    pub signed_reason: [&'static str; 3],
    date: DateFormat,
}

#[derive(Debug)]
enum DateFormat {
    /// 2026年11月25日
    Japanese,
    /// 25 November 2026
    English,
}

const JAPANESE: Phrases = Phrases {
    continued: "（続き）",
    scope: "対象範囲：",
    service: "対象サービス：",
    version_prefix: "第",
    version_suffix: "版",
    revisions: "改訂履歴",
    revision_columns: ["版", "改訂日", "改訂内容"],
    draft: "ドラフト",
    signed_reason: ["", "（", "）の発行"],
    date: DateFormat::Japanese,
};

const ENGLISH: Phrases = Phrases {
    continued: " (continued)",
    scope: "Scope: ",
    service: "Service: ",
    version_prefix: "Version ",
    version_suffix: "",
    revisions: "Revision history",
    revision_columns: ["Version", "Date", "Changes"],
    draft: "DRAFT",
    signed_reason: ["Issue of ", " (", ")"],
    date: DateFormat::English,
};

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Phrases {
    /// The phrases of `locale`.
    pub fn of(locale: Locale) -> &'static Phrases {
        match locale {
            Locale::Japanese => &JAPANESE,
            Locale::English => &ENGLISH,
        }
    }

    /// A date as this language writes it: 2026年11月25日 / 25 November 2026.
    pub fn date(&self, date: &Date) -> String {
        match self.date {
            DateFormat::Japanese => format!("{}年{}月{}日", date.year, date.month, date.day),
            DateFormat::English => {
                let month = MONTHS[(date.month as usize).clamp(1, 12) - 1];
                format!("{} {} {}", date.day, month, date.year)
            }
        }
    }

    /// The version as printed: 第1.0版 / Version 1.0.
    pub fn version(&self, v: &str) -> String {
        format!("{}{}{}", self.version_prefix, v, self.version_suffix)
    }

    /// Every text the tool itself may print in this language, besides digits and
    /// the page number's ` / `: what the fonts must cover beyond the document's
    /// own text. `draft` adds the watermark.
    pub fn printed(&self, draft: bool) -> Vec<&'static str> {
        let mut out = vec![
            self.continued,
            self.scope,
            self.service,
            self.version_prefix,
            self.version_suffix,
            self.revisions,
            "　",
            "0123456789 /",
        ];
        out.extend(self.revision_columns);
        if draft {
            out.push(self.draft);
        }
        if let DateFormat::Japanese = self.date {
            out.push("年月日");
        } else {
            out.extend(MONTHS);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_versions_in_each_language() {
        let d = Date::parse("2026-11-05").unwrap();
        let ja = Phrases::of(Locale::Japanese);
        let en = Phrases::of(Locale::English);
        assert_eq!(ja.date(&d), "2026年11月5日");
        assert_eq!(en.date(&d), "5 November 2026");
        assert_eq!(ja.version("1.10"), "第1.10版");
        assert_eq!(en.version("1.10"), "Version 1.10");
    }
}
