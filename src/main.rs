//! The `iamlog` command line; everything lives in `iamlog::cli`.
fn main() -> std::process::ExitCode {
    iamlog::cli::main()
}
