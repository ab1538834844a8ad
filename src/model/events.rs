//! The document read from yaml-rust2's events, the way serde_yaml reads it, so
//! that one parse gives both the document and the positions of its nodes.
//!
//! The input gate needs every node's line and column (serde_yaml reports
//! positions only for its own errors), and reads them with yaml-rust2's event
//! parser. Reading the text a second time with serde_yaml took more time than
//! anything else before layout (about 20 of 35 ms of parsing at 3,800 items), so
//! the events of that one parse are recorded here and the document is
//! deserialized from them, with serde_yaml 0.9's rules for what a scalar is
//! (`de.rs`: `visit_untagged_scalar`, `parse_bool`, the integer and float
//! parsers below are its code) and its rules for empty and null values.
//!
//! This is a fast path, and it only ever answers `Some` with what serde_yaml
//! would have read: anything outside the plain subset of YAML that documents are
//! written in (an anchor, an alias, a tag, a second document, nesting deeper than
//! serde_yaml allows) and every error, of syntax or of type, gives `None`, and
//! the caller parses the text with serde_yaml, whose message and position the
//! user then sees exactly as before. A test holds the two readings equal over
//! the project's documents and thousands of generated ones.

use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};
use yaml_rust2::parser::Event;
use yaml_rust2::scanner::TScalarStyle;

use super::Document;
use super::split::Tail;

/// One event of the document, as the deserializer needs it.
#[derive(Debug)]
enum Ev {
    /// A scalar's value, and whether it was written plain (only a plain scalar
    /// can be null, a boolean or a number).
    Scalar(String, bool),
    SeqStart,
    SeqEnd,
    MapStart,
    MapEnd,
}

/// serde_yaml refuses nesting deeper than this (its `recursion_limit`); the fast
/// path leaves such a text to it.
const MAX_DEPTH: usize = 100;

/// The events of one YAML document, recorded as the parser reports them (see
/// [`Events::push`]) for [`Document::from_events`].
#[derive(Debug, Default)]
pub struct Events {
    evs: Vec<Ev>,
    /// Something serde_yaml reads its own way (or refuses) was seen.
    unsupported: bool,
    documents: usize,
    /// For each open collection: `Some(next is a key)` for a mapping, `None`
    /// for a sequence.
    open: Vec<Option<bool>>,
}

/// A mapping key longer than this (in bytes, as read) is left to serde_yaml:
/// libyaml refuses a simple key that runs over 1024 bytes of the text, where
/// yaml-rust2 counts 1024 characters. An escape in a quoted key gives at least
/// one byte for at most four of the text's, so a key of this length is well
/// within both.
const MAX_KEY: usize = 200;

impl Events {
    /// Whether the node that starts now is a mapping's key.
    fn key_starts(&mut self) -> bool {
        match self.open.last_mut() {
            Some(Some(key_next)) => std::mem::replace(key_next, !*key_next),
            _ => false,
        }
    }

    /// Records `ev`, taking a scalar's text out of it.
    pub fn push(&mut self, ev: &mut Event) {
        if self.unsupported {
            return;
        }
        let starts_key = matches!(
            ev,
            Event::Scalar(..) | Event::SequenceStart(..) | Event::MappingStart(..)
        ) && self.key_starts();
        let ev = match ev {
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => {
                return;
            }
            Event::DocumentStart => {
                self.documents += 1;
                self.unsupported |= self.documents > 1;
                return;
            }
            Event::Alias(_) => {
                self.unsupported = true;
                return;
            }
            Event::Scalar(value, style, anchor, tag) => {
                if *anchor != 0 || tag.is_some() {
                    self.unsupported = true;
                    return;
                }
                // A block scalar of line breaks alone (`|+` and nothing in it):
                // the parsers count its line breaks differently.
                if matches!(style, TScalarStyle::Literal | TScalarStyle::Folded)
                    && value.bytes().all(|b| b == b'\n')
                {
                    self.unsupported = true;
                    return;
                }
                // Keys: an empty one (`: a`, which libyaml refuses and yaml-rust2
                // reads as a null key), or one longer than both parsers take.
                if starts_key
                    && ((value.is_empty() && *style == TScalarStyle::Plain)
                        || value.len() > MAX_KEY)
                {
                    self.unsupported = true;
                    return;
                }
                Ev::Scalar(std::mem::take(value), *style == TScalarStyle::Plain)
            }
            Event::SequenceStart(anchor, tag) | Event::MappingStart(anchor, tag) => {
                if *anchor != 0 || tag.is_some() {
                    self.unsupported = true;
                    return;
                }
                // A collection as a key is not part of the format.
                self.unsupported |= self.open.len() >= MAX_DEPTH || starts_key;
                if matches!(ev, Event::SequenceStart(..)) {
                    self.open.push(None);
                    Ev::SeqStart
                } else {
                    self.open.push(Some(true));
                    Ev::MapStart
                }
            }
            Event::SequenceEnd | Event::MappingEnd => {
                self.open.pop();
                if matches!(ev, Event::SequenceEnd) {
                    Ev::SeqEnd
                } else {
                    Ev::MapEnd
                }
            }
        };
        self.evs.push(ev);
    }

    /// The parser stopped at an error: serde_yaml reports it.
    pub fn fail(&mut self) {
        self.unsupported = true;
    }

    /// Whether these are the events of a mapping whose last key is `key`, with
    /// an empty (null) value: the text before a list's first entry, which must
    /// read so on its own for the list to be read in pieces (see [`split`]).
    ///
    /// [`split`]: super::split
    pub fn ends_with_empty_key(&self, key: &str) -> bool {
        let e = &self.evs;
        let n = e.len();
        !self.unsupported
            && self.documents == 1
            && n >= 4
            && matches!(e[0], Ev::MapStart)
            && matches!(e[n - 1], Ev::MapEnd)
            // The last pair of the root mapping: a scalar value, so the event
            // before it is its key.
            && matches!(&e[n - 2], Ev::Scalar(v, true) if v.is_empty() || parse_null(v))
            && matches!(&e[n - 3], Ev::Scalar(k, _) if k == key)
    }

    /// The list a piece of a long text holds (see [`split`]): the piece is
    /// `key:` and entries of the whole text's list, and must read as a mapping
    /// of that key alone (the caller counts its entries).
    ///
    /// [`split`]: super::split
    pub fn into_list_piece(self, key: &str) -> Option<ListPiece> {
        let tail: Tail = self.deserialize()?;
        match (key, &tail.categories, &tail.items) {
            ("categories", Some(_), None) | ("items", None, Some(_)) => Some(ListPiece(tail)),
            _ => None,
        }
    }

    /// Deserializes the one document these events hold, all of it.
    fn deserialize<T: serde::de::DeserializeOwned>(self) -> Option<T> {
        if self.unsupported || self.documents != 1 || self.evs.is_empty() {
            return None;
        }
        let mut evs = self.evs;
        let mut de = De {
            evs: &mut evs,
            pos: 0,
        };
        let value = T::deserialize(&mut de).ok()?;
        (de.pos == de.evs.len()).then_some(value)
    }
}

/// The list of one piece of a long text, read on its own (see
/// [`Events::into_list_piece`]).
pub struct ListPiece(Tail);

impl Document {
    /// Whether [`Document::from_events`] may read the events of `text`: not if
    /// the two parsers would read its characters differently. serde_yaml's
    /// parser (libyaml, YAML 1.1) ends lines at NEL, U+2028 and U+2029 too, a
    /// `%` directive changes what follows, and tabs are where YAML 1.1 and 1.2
    /// disagree most about indentation and separation. In a flow mapping
    /// (`{…}`) libyaml wants each key on one line, yaml-rust2 does not; libyaml
    /// drops a byte order mark anywhere, yaml-rust2 keeps it as text (the
    /// pre-check drops one at the start). libyaml also refuses
    /// control characters, which yaml-rust2 takes: the text must have passed
    /// the input gate's pre-check, which refuses them first; U+FFFE and U+FFFF,
    /// which it lets through, are looked for here.
    pub fn may_read_events(text: &str) -> bool {
        debug_assert!(
            !text
                .chars()
                .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{85}')),
            "a control character: the text has not been pre-checked"
        );
        !(super::split::hides_lines(text)
            || text.contains('{')
            || text.contains('\u{FEFF}')
            || text.contains('\u{FFFE}')
            || text.contains('\u{FFFF}')
            || text.contains('\t'))
    }

    /// The document `events` hold, exactly as [`Document::from_yaml`] reads the
    /// text they came from; `None` when they are outside the subset read here or
    /// the document has an error (the caller then parses the text with
    /// serde_yaml, for its message).
    pub fn from_events(events: Events) -> Option<Document> {
        events.deserialize::<Document>().map(Document::finish)
    }

    /// [`Document::from_events`] for a long text read in pieces: `head` holds
    /// the events of the text with `key: []` for its list (see [`split`]), and
    /// `pieces` the list's entries, in order.
    ///
    /// [`split`]: super::split
    pub fn from_pieces(head: Events, key: &str, pieces: Vec<ListPiece>) -> Option<Document> {
        let mut doc = head.deserialize::<Document>()?;
        for ListPiece(tail) in pieces {
            match (key, tail.categories, tail.items) {
                ("categories", Some(list), None) => doc.categories.extend(list),
                ("items", None, Some(list)) => doc.items.get_or_insert_default().extend(list),
                _ => return None,
            }
        }
        Some(doc.finish())
    }
}

/// The fast path gave up: the text is parsed again by serde_yaml.
#[derive(Debug)]
struct Bail;

impl std::fmt::Display for Bail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("left to serde_yaml")
    }
}

impl std::error::Error for Bail {}

impl de::Error for Bail {
    fn custom<T: std::fmt::Display>(_: T) -> Bail {
        Bail
    }
}

struct De<'e> {
    evs: &'e mut [Ev],
    pos: usize,
}

impl De<'_> {
    fn next(&mut self) -> Result<&mut Ev, Bail> {
        let ev = self.evs.get_mut(self.pos).ok_or(Bail)?;
        self.pos += 1;
        Ok(ev)
    }

    fn peek(&self) -> Result<&Ev, Bail> {
        self.evs.get(self.pos).ok_or(Bail)
    }

    /// Skips one node (a scalar, or a collection with everything in it).
    fn skip(&mut self) -> Result<(), Bail> {
        let mut depth = 0usize;
        loop {
            match self.next()? {
                Ev::Scalar(..) => {}
                Ev::SeqStart | Ev::MapStart => depth += 1,
                Ev::SeqEnd | Ev::MapEnd => depth = depth.checked_sub(1).ok_or(Bail)?,
            }
            if depth == 0 {
                return Ok(());
            }
        }
    }

    /// Whether the next event is a plain empty scalar, which serde_yaml reads as
    /// an empty sequence or mapping where one is expected.
    fn next_is_empty_plain(&self) -> bool {
        matches!(self.peek(), Ok(Ev::Scalar(v, true)) if v.is_empty())
    }
}

// serde_yaml 0.9 `de.rs` (MIT OR Apache-2.0, as this project): what an untagged
// plain scalar is.

fn parse_null(scalar: &str) -> bool {
    matches!(scalar, "null" | "Null" | "NULL" | "~")
}

fn parse_bool(scalar: &str) -> Option<bool> {
    match scalar {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

fn parse_unsigned_int<T>(
    scalar: &str,
    from_str_radix: fn(&str, u32) -> Result<T, std::num::ParseIntError>,
) -> Option<T> {
    let unpositive = scalar.strip_prefix('+').unwrap_or(scalar);
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(rest) = unpositive.strip_prefix(prefix) {
            if rest.starts_with(['+', '-']) {
                return None;
            }
            if let Ok(int) = from_str_radix(rest, radix) {
                return Some(int);
            }
        }
    }
    if unpositive.starts_with(['+', '-']) {
        return None;
    }
    if digits_but_not_number(scalar) {
        return None;
    }
    from_str_radix(unpositive, 10).ok()
}

fn parse_negative_int<T>(
    scalar: &str,
    from_str_radix: fn(&str, u32) -> Result<T, std::num::ParseIntError>,
) -> Option<T> {
    for (prefix, radix) in [("-0x", 16), ("-0o", 8), ("-0b", 2)] {
        if let Some(rest) = scalar.strip_prefix(prefix)
            && let Ok(int) = from_str_radix(&format!("-{rest}"), radix)
        {
            return Some(int);
        }
    }
    if digits_but_not_number(scalar) {
        return None;
    }
    from_str_radix(scalar, 10).ok()
}

fn parse_f64(scalar: &str) -> Option<f64> {
    let unpositive = if let Some(unpositive) = scalar.strip_prefix('+') {
        if unpositive.starts_with(['+', '-']) {
            return None;
        }
        unpositive
    } else {
        scalar
    };
    if let ".inf" | ".Inf" | ".INF" = unpositive {
        return Some(f64::INFINITY);
    }
    if let "-.inf" | "-.Inf" | "-.INF" = scalar {
        return Some(f64::NEG_INFINITY);
    }
    if let ".nan" | ".NaN" | ".NAN" = scalar {
        return Some(f64::NAN.copysign(1.0));
    }
    unpositive.parse::<f64>().ok().filter(|f| f.is_finite())
}

fn digits_but_not_number(scalar: &str) -> bool {
    // Leading zero(s) followed by numeric characters is a string (YAML 1.2).
    let scalar = scalar.strip_prefix(['-', '+']).unwrap_or(scalar);
    scalar.len() > 1 && scalar.starts_with('0') && scalar[1..].bytes().all(|b| b.is_ascii_digit())
}

/// serde_yaml's `visit_untagged_scalar`: null, boolean, integer, float, else text.
fn visit_plain<'de, V: Visitor<'de>>(visitor: V, v: String) -> Result<V::Value, Bail> {
    if v.is_empty() || parse_null(&v) {
        return visitor.visit_unit();
    }
    if let Some(b) = parse_bool(&v) {
        return visitor.visit_bool(b);
    }
    if let Some(int) = parse_unsigned_int(&v, u64::from_str_radix) {
        return visitor.visit_u64(int);
    }
    if let Some(int) = parse_negative_int(&v, i64::from_str_radix) {
        return visitor.visit_i64(int);
    }
    if let Some(int) = parse_unsigned_int(&v, u128::from_str_radix) {
        return visitor.visit_u128(int);
    }
    if let Some(int) = parse_negative_int(&v, i128::from_str_radix) {
        return visitor.visit_i128(int);
    }
    if !digits_but_not_number(&v)
        && let Some(f) = parse_f64(&v)
    {
        return visitor.visit_f64(f);
    }
    visitor.visit_string(v)
}

/// Deserializer methods that give up (see [`Bail`]).
macro_rules! left_to_serde_yaml {
    ($($method:ident),*) => {
        $(fn $method<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Bail> {
            Err(Bail)
        })*
    };
}

impl<'de> de::Deserializer<'de> for &mut De<'_> {
    type Error = Bail;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        match self.next()? {
            Ev::Scalar(v, plain) => {
                let (v, plain) = (std::mem::take(v), *plain);
                if plain {
                    visit_plain(visitor, v)
                } else {
                    visitor.visit_string(v)
                }
            }
            Ev::SeqStart => visit_seq(self, visitor),
            Ev::MapStart => visit_map(self, visitor),
            Ev::SeqEnd | Ev::MapEnd => Err(Bail),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        match self.next()? {
            Ev::Scalar(v, true) => visitor.visit_bool(parse_bool(v).ok_or(Bail)?),
            _ => Err(Bail),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        match self.next()? {
            Ev::Scalar(v, _) => visitor.visit_string(std::mem::take(v)),
            _ => Err(Bail),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        self.deserialize_str(visitor)
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        let some = match self.peek()? {
            Ev::Scalar(v, plain) => !plain || !(v.is_empty() || parse_null(v)),
            Ev::SeqStart | Ev::MapStart => true,
            Ev::SeqEnd | Ev::MapEnd => return Err(Bail),
        };
        if some {
            visitor.visit_some(self)
        } else {
            self.pos += 1;
            visitor.visit_none()
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        match self.next()? {
            Ev::Scalar(v, true) if v.is_empty() || parse_null(v) => visitor.visit_unit(),
            _ => Err(Bail),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Bail> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Bail> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        if self.next_is_empty_plain() {
            self.pos += 1;
            return visitor.visit_seq(Empty);
        }
        match self.next()? {
            Ev::SeqStart => visit_seq(self, visitor),
            _ => Err(Bail),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value, Bail> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Bail> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        if self.next_is_empty_plain() {
            self.pos += 1;
            return visitor.visit_map(Empty);
        }
        match self.next()? {
            Ev::MapStart => visit_map(self, visitor),
            _ => Err(Bail),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Bail> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Bail> {
        // A unit variant written as a scalar (`align: center`); serde_yaml reads
        // other variants from tags, which are left to it.
        match self.next()? {
            Ev::Scalar(v, _) => visitor.visit_enum(std::mem::take(v).into_deserializer()),
            _ => Err(Bail),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        self.skip()?;
        visitor.visit_unit()
    }

    // Numbers and bytes: no field of the format has these types; left to
    // serde_yaml should one ever appear.
    left_to_serde_yaml!(
        deserialize_i8,
        deserialize_i16,
        deserialize_i32,
        deserialize_i64,
        deserialize_u8,
        deserialize_u16,
        deserialize_u32,
        deserialize_u64,
        deserialize_f32,
        deserialize_f64,
        deserialize_bytes,
        deserialize_byte_buf
    );
}

/// A sequence's entries up to its end, all of which the visitor must take.
fn visit_seq<'de, V: Visitor<'de>>(de: &mut De<'_>, visitor: V) -> Result<V::Value, Bail> {
    let mut access = Entries { de, done: false };
    let value = visitor.visit_seq(&mut access)?;
    if access.done { Ok(value) } else { Err(Bail) }
}

/// A mapping's keys and values up to its end, all of which the visitor must take.
fn visit_map<'de, V: Visitor<'de>>(de: &mut De<'_>, visitor: V) -> Result<V::Value, Bail> {
    let mut access = Entries { de, done: false };
    let value = visitor.visit_map(&mut access)?;
    if access.done { Ok(value) } else { Err(Bail) }
}

/// The entries of one collection; `done` once its end was read.
struct Entries<'a, 'e> {
    de: &'a mut De<'e>,
    done: bool,
}

impl Entries<'_, '_> {
    /// Whether the collection goes on (its end is read, and `done` set, if not).
    fn more(&mut self) -> Result<bool, Bail> {
        if self.done {
            return Ok(false);
        }
        if matches!(self.de.peek()?, Ev::SeqEnd | Ev::MapEnd) {
            self.de.pos += 1;
            self.done = true;
            return Ok(false);
        }
        Ok(true)
    }
}

impl<'de> de::SeqAccess<'de> for &mut Entries<'_, '_> {
    type Error = Bail;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Bail> {
        if !self.more()? {
            return Ok(None);
        }
        seed.deserialize(&mut *self.de).map(Some)
    }
}

impl<'de> de::MapAccess<'de> for &mut Entries<'_, '_> {
    type Error = Bail;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Bail> {
        if !self.more()? {
            return Ok(None);
        }
        seed.deserialize(&mut *self.de).map(Some)
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, Bail> {
        seed.deserialize(&mut *self.de)
    }
}

/// The empty sequence or mapping serde_yaml reads from an empty plain value.
struct Empty;

impl<'de> de::SeqAccess<'de> for Empty {
    type Error = Bail;
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        _: T,
    ) -> Result<Option<T::Value>, Bail> {
        Ok(None)
    }
}

impl<'de> de::MapAccess<'de> for Empty {
    type Error = Bail;
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, _: K) -> Result<Option<K::Value>, Bail> {
        Ok(None)
    }
    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, _: T) -> Result<T::Value, Bail> {
        Err(Bail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};
    use yaml_rust2::parser::{MarkedEventReceiver, Parser};
    use yaml_rust2::scanner::Marker;

    struct Recorder(Events);

    impl MarkedEventReceiver for Recorder {
        fn on_event(&mut self, mut ev: Event, _: Marker) {
            self.0.push(&mut ev);
        }
    }

    /// The fast path on `text`, as the input gate takes it.
    fn fast(text: &str) -> Option<Document> {
        if !Document::may_read_events(text) {
            return None;
        }
        let mut rec = Recorder(Events::default());
        if Parser::new_from_str(text).load(&mut rec, true).is_err() {
            rec.0.fail();
        }
        Document::from_events(rec.0)
    }

    /// Asserts that the fast path reads `text` as serde_yaml does whenever it
    /// reads it at all; returns whether it did.
    fn agrees(text: &str) -> bool {
        // What the input gate's pre-check refuses never gets here.
        if text
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{85}'))
        {
            return false;
        }
        match fast(text) {
            Some(doc) => {
                let slow = serde_yaml::from_str::<Document>(text).map(Document::finish);
                assert_eq!(Ok(&doc), slow.as_ref().map_err(|e| e.to_string()), "{text}");
                true
            }
            None => false,
        }
    }

    #[test]
    fn the_projects_documents_read_as_serde_yaml_reads_them() {
        let mut read = 0;
        for dir in ["data", "examples", "examples/versions", "tests/fixtures"] {
            let Ok(entries) = std::fs::read_dir(dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.extension().is_some_and(|e| e == "yaml")
                    && let Ok(text) = std::fs::read_to_string(&path)
                {
                    read += usize::from(agrees(&text));
                }
            }
        }
        // The default document and the examples take the fast path.
        assert!(fast(include_str!("../../data/kamiless.yaml")).is_some());
        assert!(read >= 6, "{read}");
    }

    #[test]
    fn what_is_left_to_serde_yaml() {
        let base = include_str!("../../tests/fixtures/minimal.yaml");
        assert!(fast(base).is_some());
        for (from, to) in [
            ("title: 暗号", "title: &a 暗号"),          // anchor
            ("title: 暗号", "title: !!str 暗号"),       // tag
            ("content: 本文", "content: \t本文"),       // tab
            ("content: 本文", "content: 本\u{2028}文"), // a YAML 1.1 line break
            ("content: 本文", "content: |+\n"),         // a block of nothing
            ("content: 本文", "content: [本文"),        // syntax error
            ("content: 本文", "content: [本文]"),       // type error
            (
                "content: 本文",
                "contnt: 本文\n        content: x\n        contnt: y",
            ), // duplicate
        ] {
            let text = base.replacen(from, to, 1);
            assert_ne!(text, base);
            assert!(fast(&text).is_none(), "{text}");
        }
        // Found by review: inputs serde_yaml refuses and yaml-rust2 reads.
        let key = "あ".repeat(342);
        let long_key = base.replacen(
            "content: 本文",
            &format!("content: 本文\n        {key}: y"),
            1,
        );
        let empty_key = base.replacen("content: 本文", "content: 本文\n        : a", 1);
        let flow_key = "document: {id: demo, title: t, issuer: i, service: s}\ncategories:\n  - {title: c, items: [{no: 1, title: x, content\n      : c}]}\n";
        for text in [
            long_key.as_str(),
            empty_key.as_str(),
            flow_key,
            &format!("\u{FEFF}{base}"),
        ] {
            assert!(serde_yaml::from_str::<Document>(text).is_err(), "{text}");
            assert!(fast(text).is_none(), "{text}");
        }
        // A long key both read goes to serde_yaml; a shorter one is read here,
        // alike (own columns' keys are free text).
        let with_key = |n: usize| {
            let key = "あ".repeat(n);
            base.replacen(
                "content: 本文",
                &format!("content: 本文\n        {key}: y"),
                1,
            )
        };
        assert!(
            fast(&with_key(100)).is_none()
                && serde_yaml::from_str::<Document>(&with_key(100)).is_ok()
        );
        assert!(agrees(&with_key(60)));
        assert!(fast(&format!("{base}---\n{base}")).is_none());
        assert!(fast(&format!("%YAML 1.1\n---\n{base}")).is_none());
        assert!(fast("").is_none());
        assert!(fast("# nothing\n").is_none());
    }

    /// Scalars as YAML writes them, in every style, with the values that are
    /// easy to read differently (null, booleans, numbers, escapes, folding,
    /// chomping, indentation indicators, comments, CRLF).
    fn scalar(rng: &mut rand::rngs::StdRng, indent: usize) -> String {
        const PLAIN: &[&str] = &[
            "",
            "~",
            "null",
            "Null",
            "NULL",
            "true",
            "False",
            "yes",
            "No",
            "on",
            "0",
            "01",
            "012",
            "-0",
            "+7",
            "-5",
            "8.6",
            "8.10",
            "1e3",
            "1_000",
            "0x1F",
            "0o17",
            "0b101",
            "-0x10",
            ".inf",
            "-.Inf",
            ".nan",
            "99999999999999999999",
            "本文",
            "暗号化 されます。",
            "a #b",
            "a:b",
            "http://example.com/a?b=c#d",
            "R&D",
            "ISO/IEC 27017",
            "- x",
            "@",
            "2024-06-12",
            "1.0.0",
            "8.6.1",
            "No.",
            "x'y",
            "a \"b\"",
            "%",
        ];
        let pad = " ".repeat(indent + 2);
        let word = |rng: &mut rand::rngs::StdRng| {
            const W: &[&str] = &[
                "本文",
                "暗号",
                "SMTP",
                "a",
                "：",
                "、",
                "。",
                "（続き）",
                "x  y",
                "1",
                "＃",
                "#",
                "'",
                "\"",
                "\\",
                ":",
                "-",
                "~",
                "!",
                "&",
                "*",
                "|",
                ">",
                // no `{`: a text with one is left to serde_yaml
                "}",
                "[",
                "]",
                ",",
                "?",
                " ",
            ];
            W[rng.random_range(0..W.len())]
        };
        let text = |rng: &mut rand::rngs::StdRng, n: usize| -> String {
            (0..n).map(|_| word(rng)).collect()
        };
        match rng.random_range(0..9) {
            0 | 1 => PLAIN[rng.random_range(0..PLAIN.len())].to_string(),
            2 => {
                // Single-quoted, maybe over lines.
                let mut s = String::from("'");
                for i in 0..rng.random_range(1..4) {
                    if i > 0 {
                        s += if rng.random_range(0..3) == 0 {
                            "\n\n"
                        } else {
                            "\n"
                        };
                        s += &pad;
                    }
                    s += &text(rng, 3).replace('\'', "''");
                }
                s + "'"
            }
            3 => {
                // Double-quoted with escapes, maybe over lines.
                const ESC: &[&str] = &[
                    "\\n",
                    "\\t",
                    "\\\\",
                    "\\\"",
                    "\\x41",
                    "\\u3042",
                    "\\U0001F600",
                    "\\ ",
                    "\\/",
                    "\\0",
                    "\\_",
                    "\\e",
                ];
                let mut s = String::from("\"");
                for i in 0..rng.random_range(1..4) {
                    if i > 0 {
                        s += ["\n", "\\\n", "\n\n"][rng.random_range(0..3)];
                        s += &pad;
                    }
                    s += &text(rng, 2).replace('\\', "\\\\").replace('"', "\\\"");
                    s += ESC[rng.random_range(0..ESC.len())];
                }
                s + "\""
            }
            4 => {
                // A plain scalar over lines.
                let mut s = String::from("本文");
                for _ in 0..rng.random_range(1..3) {
                    s += if rng.random_range(0..3) == 0 {
                        "\n\n"
                    } else {
                        "\n"
                    };
                    s += &pad;
                    s += "続き ";
                    s += &text(rng, 2).replace([':', '#', '-', '\'', '"'], "x");
                }
                s.trim_end().to_string()
            }
            _ => {
                // A block scalar.
                let style = ["|", ">"][rng.random_range(0..2)];
                let chomp = ["", "-", "+"][rng.random_range(0..3)];
                let ind = if rng.random_range(0..4) == 0 { "2" } else { "" };
                let comment = if rng.random_range(0..4) == 0 {
                    " # note"
                } else {
                    ""
                };
                let mut s = format!("{style}{ind}{chomp}{comment}\n");
                // Blank lines, but not only blank lines (left to serde_yaml).
                s += &format!("{pad}{}\n", text(rng, 3));
                for _ in 0..rng.random_range(0..5) {
                    match rng.random_range(0..6) {
                        0 => s += "\n",
                        1 => s += &format!("{pad}  more indented {}\n", text(rng, 2)),
                        2 => s += &format!("{pad}trailing  \n"),
                        _ => s += &format!("{pad}{}\n", text(rng, 4)),
                    }
                }
                if rng.random_range(0..3) == 0 {
                    s += "\n";
                }
                s.trim_end_matches('\n').to_string()
            }
        }
    }

    /// A document with generated values in every field that takes text, numbers
    /// or yes/no.
    fn document(rng: &mut rand::rngs::StdRng) -> String {
        let mut s = String::new();
        let v = |rng: &mut rand::rngs::StdRng, i| scalar(rng, i);
        s += &format!("document:\n  id: {}\n  title: {}\n", v(rng, 2), v(rng, 2));
        s += &format!("  issuer: {}\n  service: {}\n", v(rng, 2), v(rng, 2));
        if rng.random_range(0..2) == 0 {
            s += &format!("  version: {}\n  date: {}\n", v(rng, 2), v(rng, 2));
        }
        if rng.random_range(0..2) == 0 {
            s += &format!("  preface: {}\n", v(rng, 2));
        }
        if rng.random_range(0..3) == 0 {
            s += &format!("labels:\n  no: {}\n", v(rng, 2));
        }
        if rng.random_range(0..3) == 0 {
            s += "# a comment\ncolumns:\n  - key: no\n  - key: kind\n";
            s += &format!("    merge: {}\n", v(rng, 4));
            s += &format!("    optional: {}\n", v(rng, 4));
            s += &format!(
                "    align: {}\n",
                ["center", "left", "'right'", "Left"][rng.random_range(0..4)]
            );
        }
        s += "categories:\n";
        for _ in 0..rng.random_range(1..3) {
            s += &format!("  - title: {}\n    items:\n", v(rng, 4));
            for _ in 0..rng.random_range(1..3) {
                s += &format!("      - no: {}\n", v(rng, 8));
                s += &format!("        title: {}\n", v(rng, 8));
                if rng.random_range(0..3) == 0 {
                    s += &format!("        control: {}\n", v(rng, 8));
                }
                if rng.random_range(0..3) == 0 {
                    s += &format!("        kind: {}\n", v(rng, 8));
                }
                s += &format!("        content: {}\n", v(rng, 8));
            }
        }
        if rng.random_range(0..4) == 0 {
            s = s.replace('\n', "\r\n");
        }
        s
    }

    #[test]
    fn generated_documents_read_as_serde_yaml_reads_them() {
        let seed = std::env::var("EVENTS_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(27017);
        let runs = std::env::var("EVENTS_RUNS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(3000);
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let (mut fast_ok, mut slow_ok) = (0, 0);
        for _ in 0..runs {
            let text = document(&mut rng);
            fast_ok += usize::from(agrees(&text));
            slow_ok += usize::from(serde_yaml::from_str::<Document>(&text).is_ok());
        }
        // Nearly every text serde_yaml reads is read on the fast path too.
        assert!(
            slow_ok >= 300 && fast_ok * 10 >= slow_ok * 9,
            "{fast_ok} of {slow_ok}"
        );
    }
}
