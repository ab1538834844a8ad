//! Text: font metrics and Japanese line breaking. Knows nothing of pages or PDF.

pub mod font;
pub mod linebreak;
pub mod phrases;
