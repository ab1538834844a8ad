//! The document's language, read once from `document.language`.

use std::fmt;

/// A language the tool has phrases for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Locale {
    #[default]
    Japanese,
    English,
}

/// The document's language: the tag as written (for the PDF's `/Lang`) and the
/// locale of the tool's own phrases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Language {
    tag: String,
    locale: Locale,
}

impl Default for Language {
    fn default() -> Language {
        Language {
            tag: "ja".into(),
            locale: Locale::Japanese,
        }
    }
}

impl Language {
    /// Reads a BCP 47 tag whose primary subtag is `ja` or `en` (`ja`, `ja-JP`,
    /// `en-US`); anything else is not a language the tool can write.
    pub fn parse(tag: &str) -> Result<Language, UnknownLanguage> {
        let primary = tag.split('-').next().unwrap_or("").to_ascii_lowercase();
        let locale = match primary.as_str() {
            "ja" => Locale::Japanese,
            "en" => Locale::English,
            _ => return Err(UnknownLanguage(tag.to_string())),
        };
        Ok(Language {
            tag: tag.to_string(),
            locale,
        })
    }

    /// The tag as written in the YAML.
    pub fn tag(&self) -> &str {
        &self.tag
    }

    pub fn locale(&self) -> Locale {
        self.locale
    }

    /// The tag for the PDF's `/Lang` and XMP: a bare `ja` gains its region
    /// (`ja-JP`), which screen readers use to pick a Japanese voice.
    pub fn pdf_tag(&self) -> String {
        if self.tag == "ja" {
            "ja-JP".into()
        } else {
            self.tag.clone()
        }
    }
}

impl TryFrom<String> for Language {
    type Error = UnknownLanguage;
    fn try_from(tag: String) -> Result<Language, UnknownLanguage> {
        Language::parse(&tag)
    }
}

impl<'de> serde::Deserialize<'de> for Language {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Language, D::Error> {
        let tag = String::deserialize(d)?;
        Language::parse(&tag).map_err(serde::de::Error::custom)
    }
}

/// A `document.language` the tool has no phrases for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownLanguage(pub String);

impl fmt::Display for UnknownLanguage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "document.language {:?} is not a language this tool writes; use ja (Japanese, the default) or en (English)",
            self.0
        )
    }
}

impl std::error::Error for UnknownLanguage {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_pick_a_locale_or_are_refused() {
        assert_eq!(Language::parse("ja").unwrap().locale(), Locale::Japanese);
        assert_eq!(Language::parse("ja-JP").unwrap().locale(), Locale::Japanese);
        assert_eq!(Language::parse("en-US").unwrap().locale(), Locale::English);
        assert_eq!(Language::parse("ja").unwrap().pdf_tag(), "ja-JP");
        assert_eq!(Language::parse("en").unwrap().pdf_tag(), "en");
        let err = Language::parse("fr").unwrap_err().to_string();
        assert!(err.contains("use ja"), "{err}");
        assert!(Language::parse("").is_err());
    }
}
