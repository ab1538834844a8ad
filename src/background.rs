//! Freeing large values off the critical path.
//!
//! A long document's pages, structure and PDF objects are millions of small
//! allocations; freeing them took 12 ms of a 260 ms build at 3,800 items, after
//! the work was done. Handed to a thread of their own, they are freed beside the
//! rest of the build, or not at all when the process exits first (the system
//! takes the memory back at once).
//!
//! A process that exits as soon as its one build is done (the command line
//! building one document) frees nothing: the freeing threads cost a short build
//! 7% of its time (10.1 against 9.4 ms for the default document, runs
//! alternating) and a long one CPU the build needs.

use std::sync::atomic::{AtomicBool, Ordering};

/// Set once the process is known to exit after the work in hand.
static EXITING: AtomicBool = AtomicBool::new(false);

/// Says that the process exits once the work in hand is done: from then on
/// values given to [`drop_in_background`] are left for the system to take back
/// at exit. Only for a process that builds one document and ends (a batch build
/// of many in one process must free each as it goes).
pub fn exit_after_this() {
    EXITING.store(true, Ordering::Relaxed);
}

/// Drops `value` on a new thread, or here if no thread can be started; or never,
/// after [`exit_after_this`].
pub fn drop_in_background<T: Send + 'static>(value: T) {
    if EXITING.load(Ordering::Relaxed) {
        // Memory only (pages, layout, PDF objects, the parsed input): the system
        // takes it back at exit.
        std::mem::forget(value);
        return;
    }
    // `spawn` drops the closure, and with it the value, when it fails.
    let _ = std::thread::Builder::new()
        .name("free".into())
        .spawn(move || drop(value));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_value_is_dropped() {
        let (tx, rx) = std::sync::mpsc::channel();
        struct Signal(std::sync::mpsc::Sender<()>);
        impl Drop for Signal {
            fn drop(&mut self) {
                let _ = self.0.send(());
            }
        }
        drop_in_background(Signal(tx));
        assert!(rx.recv_timeout(std::time::Duration::from_secs(10)).is_ok());
    }
}
