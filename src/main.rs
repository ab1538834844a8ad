//! Command-line entry point; all logic lives in the library and `cli`. `sample`
//! (the benchmark document generator) belongs to the command, not the library.

mod cli;
mod sample;

fn main() -> std::process::ExitCode {
    cli::run()
}

/// mimalloc instead of glibc's allocator: the layout allocates millions of small
/// blocks on the pool threads and frees them on another, which glibc's per-thread
/// arenas handle badly (4,000 items: 281 -> 218 ms; 40,000: 2.9 -> 2.1 s, see
/// bench/RESULTS.md). Transparent huge pages are off (`no_thp`): with them, mimalloc
/// commits whole 2 MB pages and a small build's memory grew from 13 to 50 MB.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
