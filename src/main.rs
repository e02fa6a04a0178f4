//! The `iamlog` command line; everything lives in `iamlog::cli`.

/// Loading builds millions of small strings and vectors: mimalloc is much faster at that than
/// the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    iamlog::cli::main()
}
