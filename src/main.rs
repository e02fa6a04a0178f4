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
    iamlog::cli::main()
}
