//! Stream compression: zlib at level 2 for the bulk of a file (page content,
//! object streams, font programs) and 6 for the rest, with large streams
//! deflated in pieces on all cores.
//!
//! lopdf's own `compress` uses level 9, which took twice as long for 0.5% smaller
//! output. The regular font program (about 100 KB of nearly incompressible glyph
//! outlines) is the longest single job of a small build, so it is deflated at the
//! fast level and split the way pigz splits files: each piece is a raw deflate
//! stream primed with the 32 KB before it and ended on a byte boundary (a sync
//! flush), the pieces are joined, and one zlib header and Adler-32 checksum go
//! around them. Any inflater reads the result as one stream.

use flate2::{Compress, Compression, FlushCompress, Status};
use rayon::prelude::*;

/// Pieces of this size are deflated in parallel; smaller streams go in one piece.
const PIECE: usize = 32 * 1024;
/// The deflate window: how much of the preceding data primes each piece.
const WINDOW: usize = 32 * 1024;

/// A PDF stream of `content` under `dict`, deflated (and marked `FlateDecode`) when
/// that makes it smaller. Every compressible stream is made here, in its final
/// form, where its content is produced: no pass over the document compresses later.
pub fn stream(dict: lopdf::Dictionary, content: Vec<u8>) -> lopdf::Stream {
    stream_at(dict, content, Level::Normal)
}

/// How hard to compress.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// zlib level 6: ToUnicode maps, pictures.
    Normal,
    /// zlib level 2: what grows with the document.
    /// - Object streams, tens of thousands of small, repetitive dictionaries
    ///   (structure elements above all): at 4,000 items 4% larger than level 6
    ///   in a third less time (level 1: 15% larger).
    /// - Page content: at 3,800 items 3.4% larger (2,131 KB against 2,060 KB),
    ///   a quarter less time writing the pages.
    /// - Font programs: glyph outlines barely compress (113 KB to 80.7 KB at
    ///   level 6, 83.1 KB at 2), and the regular face's is on the critical path
    ///   of a short document.
    /// - The cross-reference stream, seven bytes per object.
    Fast,
}

impl Level {
    fn zlib(self) -> Compression {
        match self {
            Level::Normal => Compression::new(6),
            Level::Fast => Compression::new(2),
        }
    }
}

/// [`stream`] at compression `level`.
pub fn stream_at(mut dict: lopdf::Dictionary, content: Vec<u8>, level: Level) -> lopdf::Stream {
    let content = match deflate_at(&content, level) {
        Some(packed) => {
            dict.set("Filter", lopdf::Object::Name(b"FlateDecode".to_vec()));
            packed
        }
        None => content,
    };
    // `Stream::new` sets /Length.
    lopdf::Stream::new(dict, content)
}

/// `content` as a zlib stream at `level`, or `None` if that would not be smaller.
fn deflate_at(content: &[u8], level: Level) -> Option<Vec<u8>> {
    let pieces: Vec<(usize, &[u8])> = content
        .chunks(PIECE)
        .scan(0, |at, piece| {
            let start = *at;
            *at += piece.len();
            Some((start, piece))
        })
        .collect();
    let last = pieces.len().saturating_sub(1);
    let deflated: Vec<Option<Vec<u8>>> = if pieces.len() > 1 {
        pieces
            .par_iter()
            .enumerate()
            .map(|(i, &(start, piece))| {
                let dictionary = &content[start.saturating_sub(WINDOW)..start];
                raw_deflate(dictionary, piece, i == last, level)
            })
            .collect()
    } else {
        vec![raw_deflate(&[], content, true, level)]
    };
    let mut out = Vec::with_capacity(content.len() / 2 + 16);
    // CMF/FLG for a 32 KB window and the default compression level.
    out.extend_from_slice(&[0x78, 0x9C]);
    for piece in deflated {
        out.extend_from_slice(&piece?);
    }
    out.extend_from_slice(&adler2::adler32_slice(content).to_be_bytes());
    (out.len() < content.len()).then_some(out)
}

/// One piece as raw deflate: primed with `dictionary`, ended with a sync flush, or
/// finished if it is the `last` piece.
fn raw_deflate(dictionary: &[u8], piece: &[u8], last: bool, level: Level) -> Option<Vec<u8>> {
    thread_local! {
        /// One compressor per thread, reset between streams and set to each
        /// stream's level: a new one allocates and zeroes some 300 KB of tables,
        /// which for the hundreds of page streams of a long document cost more
        /// than compressing them (and a second one per level doubled the page
        /// faults of a short build).
        static COMPRESS: std::cell::RefCell<(Compress, Level)> = std::cell::RefCell::new(
            (Compress::new(Level::Normal.zlib(), false), Level::Normal),
        );
    }
    COMPRESS.with(|cell| {
        let (c, current) = &mut *cell.borrow_mut();
        c.reset();
        if *current != level {
            // Right after a reset there is no pending output, so this cannot fail.
            c.set_level(level.zlib()).ok()?;
            *current = level;
        }
        deflate_with(c, dictionary, piece, last)
    })
}

/// [`raw_deflate`] with compressor `c`, fresh or reset.
fn deflate_with(c: &mut Compress, dictionary: &[u8], piece: &[u8], last: bool) -> Option<Vec<u8>> {
    if !dictionary.is_empty() {
        c.set_dictionary(dictionary).ok()?;
    }
    let flush = if last {
        FlushCompress::Finish
    } else {
        FlushCompress::Sync
    };
    // Deflate never grows data by more than 5 bytes per 16 KB stored block.
    let mut out = Vec::with_capacity(piece.len() + piece.len() / 1000 + 64);
    loop {
        let consumed = c.total_in() as usize;
        let status = c.compress_vec(&piece[consumed..], &mut out, flush).ok()?;
        let done = c.total_in() as usize == piece.len()
            && match status {
                Status::StreamEnd => true,
                // A sync flush is complete once it leaves spare room behind.
                Status::Ok | Status::BufError => !last && out.len() < out.capacity(),
            };
        if done {
            return Some(out);
        }
        out.reserve(out.capacity().max(64));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn inflate(z: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::ZlibDecoder::new(z)
            .read_to_end(&mut out)
            .unwrap();
        out
    }

    /// Deterministic bytes that compress somewhat, like a font program.
    fn sample(len: usize) -> Vec<u8> {
        let mut x: u32 = 1;
        (0..len)
            .map(|i| {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                if i % 7 < 3 {
                    (i % 251) as u8
                } else {
                    (x >> 24) as u8
                }
            })
            .collect()
    }

    #[test]
    fn pieces_join_into_one_valid_zlib_stream() {
        for len in [
            0,
            1,
            1000,
            PIECE - 1,
            PIECE,
            PIECE + 1,
            3 * PIECE + 17,
            200_000,
        ] {
            let data = sample(len);
            match deflate_at(&data, Level::Normal) {
                Some(z) => {
                    assert_eq!(inflate(&z), data, "length {len}");
                    assert!(z.len() < data.len());
                }
                // Left as it is only when deflating it whole would not help either.
                None => {
                    let whole = raw_deflate(&[], &data, true, Level::Normal).unwrap();
                    assert!(whole.len() + 6 >= data.len(), "length {len}");
                }
            }
        }
    }

    #[test]
    fn splitting_costs_almost_nothing_in_size() {
        let data = sample(200_000);
        let split = deflate_at(&data, Level::Normal).unwrap();
        let whole = raw_deflate(&[], &data, true, Level::Normal).unwrap();
        assert!(
            split.len() <= whole.len() + whole.len() / 100 + 6,
            "{} vs {}",
            split.len(),
            whole.len()
        );
    }

    #[test]
    fn one_compressor_serves_both_levels() {
        // The thread's compressor switches level between streams; each stream
        // must come out whole and at its own level.
        let data = sample(3 * PIECE + 5);
        let text = "BT /FR 9 Tf 1 0 0 1 10 20 Tm (abc) Tj ET\n".repeat(3000);
        let mut sizes = Vec::new();
        for level in [Level::Fast, Level::Normal, Level::Fast, Level::Normal] {
            let z = raw_deflate(&[], text.as_bytes(), true, level).unwrap();
            let mut zlib = vec![0x78, 0x9C];
            zlib.extend_from_slice(&z);
            zlib.extend_from_slice(&adler2::adler32_slice(text.as_bytes()).to_be_bytes());
            assert_eq!(inflate(&zlib), text.as_bytes());
            sizes.push(z.len());
            assert_eq!(inflate(&deflate_at(&data, level).unwrap()), data);
        }
        assert_eq!(
            sizes[0], sizes[2],
            "the fast level gives the same bytes each time"
        );
        assert_eq!(sizes[1], sizes[3]);
    }

    #[test]
    fn text_compresses_well() {
        let text = "BT /FR 9 Tf 1 0 0 1 10 20 Tm (abc) Tj ET\n".repeat(2000);
        let z = deflate_at(text.as_bytes(), Level::Fast).unwrap();
        assert!(z.len() < text.len() / 20, "{}", z.len());
        assert_eq!(inflate(&z), text.as_bytes());
    }
}
