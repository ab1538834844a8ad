//! Command-line entry point; all logic lives in the library and `cli`. `sample`
//! (the benchmark document generator) belongs to the command, not the library.

mod cli;
mod sample;

fn main() -> std::process::ExitCode {
    // mimalloc "purges" memory it no longer uses, giving it back to the system
    // page by page (madvise), and at exit it purges everything it holds: a
    // process that ends when its build is done gives back nothing early and has
    // the system take all at once. At 10,000 items the exit alone made 286
    // madvise calls (strace). A batch build reuses what one document freed for
    // the next; the process just keeps its peak until it ends.
    //
    // SAFETY: mi_option_set only stores an option's value; it is called before
    // any other thread exists.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
    cli::run()
}

/// `mi_option_purge_delay` of mimalloc 3's `mimalloc.h` (the binding does not
/// name it): the delay before freed memory is purged, -1 for never.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// mimalloc instead of glibc's allocator: the layout allocates millions of small
/// blocks on the pool threads and frees them on another, which glibc's per-thread
/// arenas handle badly (4,000 items: 281 -> 218 ms; 40,000: 2.9 -> 2.1 s, see
/// bench/RESULTS.md). Transparent huge pages are off (`no_thp`): with them, mimalloc
/// commits whole 2 MB pages and a small build's memory grew from 13 to 50 MB.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[cfg(test)]
mod tests {
    #[test]
    fn the_purge_delay_option_is_the_one_named() {
        // mimalloc 3 purges after 1000 ms unless told otherwise (src/options.c);
        // no other option has that default.
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            return; // set from outside: the default is not in force
        }
        // SAFETY: reads an option's value.
        let delay = unsafe { libmimalloc_sys::mi_option_get(super::MI_OPTION_PURGE_DELAY) };
        assert_eq!(delay, 1000);
    }
}
