//! Stream compression: libdeflate for whole streams, and zlib (zlib-rs) for the
//! few streams large enough to be deflated in pieces on all cores.
//!
//! Two levels: fast for the bulk of a file (page content, object streams, font
//! programs, the cross-reference stream) and normal for the rest. lopdf's own
//! `compress` uses level 9, which took twice as long for 0.5% smaller output.
//!
//! libdeflate compresses a buffer it sees whole, which is every stream we write:
//! on the streams of the peer benchmark's 3,800 items (7.9 MB in 737 streams) its
//! level 1 took 22 ms on one core for 2,080 KB, where zlib-rs took 40 ms at level 2
//! for 2,132 KB (and 18 ms at level 1 for 2,708 KB, a fifth larger).
//!
//! It cannot prime a compression with earlier data, though, which splitting a
//! stream needs: a stream above [`WHOLE`] (the object streams and cross-reference
//! stream of long documents) is split the way pigz splits files: each piece is a
//! raw zlib-rs deflate stream primed with the 32 KB before it and ended on a byte
//! boundary (a sync flush), the pieces are joined, and one zlib header and Adler-32
//! checksum go around them. Any inflater reads the result as one stream.

use flate2::{Compress, Compression, FlushCompress, Status};
use rayon::prelude::*;

/// Streams up to this size are deflated whole by libdeflate (the regular font
/// program, about 110 KB, among them: 0.7 ms, no slower than in pieces on two
/// cores, and the other core stays free for the pages).
const WHOLE: usize = 128 * 1024;
/// Larger streams are deflated in pieces of this size in parallel.
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
    /// Level 6: ToUnicode maps, pictures.
    Normal,
    /// libdeflate level 1 (zlib level 2 in pieces): what grows with the document.
    /// - Object streams, tens of thousands of small, repetitive dictionaries
    ///   (structure elements above all), and page content: at 3,800 items all
    ///   streams together 10% larger than at level 6 in 40% of the time.
    /// - Font programs: glyph outlines barely compress (113 KB to 80.6 KB at
    ///   level 6, 83.6 KB at 1), and the regular face's is on the critical path
    ///   of a short document.
    /// - The cross-reference stream, seven bytes per object.
    Fast,
}

impl Level {
    /// zlib-rs's level, for streams deflated in pieces.
    fn zlib(self) -> Compression {
        match self {
            Level::Normal => Compression::new(6),
            Level::Fast => Compression::new(2),
        }
    }

    /// libdeflate's level, for whole streams.
    fn libdeflate(self) -> libdeflater::CompressionLvl {
        // Both levels are in libdeflate's range (0..=12), so `new` cannot fail.
        let level = match self {
            Level::Normal => libdeflater::CompressionLvl::new(6),
            Level::Fast => libdeflater::CompressionLvl::new(1),
        };
        level.unwrap_or_default()
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
    if content.len() <= WHOLE {
        whole(content, level)
    } else {
        in_pieces(content, level)
    }
}

/// [`deflate_at`] by libdeflate, in one go.
fn whole(content: &[u8], level: Level) -> Option<Vec<u8>> {
    thread_local! {
        /// One compressor per thread and level, made on first use: a new one
        /// allocates its hash tables (some 100 KB at level 1), which for the
        /// hundreds of page streams of a long document would cost more than
        /// compressing them. With it, the thread's scratch output.
        static COMPRESSORS: std::cell::RefCell<([Option<libdeflater::Compressor>; 2], Vec<u8>)> =
            const { std::cell::RefCell::new(([None, None], Vec::new())) };
    }
    COMPRESSORS.with(|cell| {
        let (compressors, scratch) = &mut *cell.borrow_mut();
        let slot = &mut compressors[level as usize];
        let c = slot.get_or_insert_with(|| libdeflater::Compressor::new(level.libdeflate()));
        // Room for one byte less than the content: when the stream would not be
        // smaller, libdeflate says there is not enough space. The scratch is
        // reused, and the stream copied out at its size (a stream kept in a
        // buffer the size of its content held four times its bytes).
        scratch.resize(content.len().saturating_sub(1), 0);
        let len = c.zlib_compress(content, scratch).ok()?;
        Some(scratch[..len].to_vec())
    })
}

/// [`deflate_at`] in pieces of [`PIECE`] on all cores, by zlib-rs.
fn in_pieces(content: &[u8], level: Level) -> Option<Vec<u8>> {
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
            match in_pieces(&data, Level::Normal) {
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
        let split = in_pieces(&data, Level::Normal).unwrap();
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
            assert_eq!(inflate(&in_pieces(&data, level).unwrap()), data);
        }
        assert_eq!(
            sizes[0], sizes[2],
            "the fast level gives the same bytes each time"
        );
        assert_eq!(sizes[1], sizes[3]);
    }

    #[test]
    fn whole_streams_inflate_and_are_never_larger() {
        for len in [1, 2, 100, 5000, WHOLE] {
            let data = sample(len);
            for level in [Level::Fast, Level::Normal] {
                match whole(&data, level) {
                    Some(z) => {
                        assert_eq!(inflate(&z), data, "length {len}");
                        assert!(z.len() < data.len());
                    }
                    // Left as it is only when it would not be smaller by more
                    // than the few bytes of slack libdeflate's writer needs.
                    None => {
                        let mut c = libdeflater::Compressor::new(level.libdeflate());
                        let mut out = vec![0; c.zlib_compress_bound(len)];
                        let packed = c.zlib_compress(&data, &mut out).unwrap();
                        assert!(packed + 16 >= len, "length {len}: {packed}");
                    }
                }
            }
        }
        // Bytes that do not compress are left as they are.
        let mut x: u64 = 7;
        let noise: Vec<u8> = (0..4000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect();
        assert_eq!(whole(&noise, Level::Fast), None);
        assert!(deflate_at(&noise, Level::Normal).is_none());
    }

    #[test]
    fn large_streams_go_in_pieces_small_ones_whole() {
        let data = sample(WHOLE + 1);
        assert_eq!(
            deflate_at(&data, Level::Fast),
            in_pieces(&data, Level::Fast)
        );
        let data = sample(WHOLE);
        assert_eq!(deflate_at(&data, Level::Fast), whole(&data, Level::Fast));
        // The same bytes each time: thread-local compressors keep no state
        // between streams.
        assert_eq!(whole(&data, Level::Fast), whole(&data, Level::Fast));
    }

    #[test]
    fn text_compresses_well() {
        let text = "BT /FR 9 Tf 1 0 0 1 10 20 Tm (abc) Tj ET\n".repeat(2000);
        let z = deflate_at(text.as_bytes(), Level::Fast).unwrap();
        assert!(z.len() < text.len() / 20, "{}", z.len());
        assert_eq!(inflate(&z), text.as_bytes());
    }
}
