//! The `iamlog` command line; everything lives in `iamlog::cli`.

/// Loading builds millions of small strings and vectors: mimalloc is much faster at that than
/// the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // A reader that closes the pipe (`iamlog ... | head`) ends the program quietly, as other
    // command-line tools do, instead of a failed write panicking.
    #[cfg(unix)]
    // SAFETY: restoring the default action of SIGPIPE before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    keep_freed_memory();
    iamlog::cli::main()
}

/// mimalloc gives freed memory back to the system a second after it is freed, and derive
/// frees and allocates large hash tables round after round: faulting the pages in again cost
/// a sixth of the time at 100,000 principals (224 s against 183 s, README "Performance"). A run
/// of the command line ends soon, so it keeps what it frees (`MIMALLOC_PURGE_DELAY=-1`),
/// unless the environment sets the option.
///
/// And on Linux, transparent huge pages are turned off for the process (unless
/// `MIMALLOC_ALLOW_THP` is set): mimalloc asks for them, and a kernel that compacts memory
/// to make them (`defrag` = `madvise`) stalled runs at 5,000 users for 0.3 to 3 s of system
/// time, against a steady 0.2 s with 4 KiB pages.
fn keep_freed_memory() {
    use libmimalloc_sys::{mi_option_get, mi_option_set, mi_option_t};
    /// `mi_option_purge_delay` in mimalloc v3's `mimalloc.h` (the bindings do not name it).
    const PURGE_DELAY: mi_option_t = 15;
    /// Its default in v3: a delay that is anything else means the index names another option.
    const DEFAULT_DELAY_MS: std::ffi::c_long = 1000;
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: reading and setting an allocator option; no other thread runs yet.
        unsafe {
            if mi_option_get(PURGE_DELAY) == DEFAULT_DELAY_MS {
                mi_option_set(PURGE_DELAY, -1);
            }
        }
    }
    #[cfg(target_os = "linux")]
    if std::env::var_os("MIMALLOC_ALLOW_THP").is_none() {
        // SAFETY: a process-wide flag, read by the kernel at each page fault; failure (an old
        // kernel) leaves huge pages on, which is only slower.
        unsafe {
            libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
        }
    }
}
