//! Progress on standard error for the stages that take more than a moment: loading (bytes),
//! compiling and deriving (a spinner), and walks over every principal (a count).
//!
//! Nothing is drawn unless standard error is a terminal: the bars are not even created then,
//! so piped and redirected runs (CI logs, tests) see no progress output. (indicatif's own
//! stderr target hides itself off a terminal and on `TERM=dumb` as well.) The bars carry no
//! colour.

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;

/// A bar drawn with `template`, ticking on its own, or `None` off a terminal.
fn bar(template: &str) -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new(0);
    bar.set_style(ProgressStyle::with_template(template).expect("a valid template"));
    bar.enable_steady_tick(Duration::from_millis(120));
    Some(bar)
}

/// A byte-counting bar for loading files.
pub fn bytes() -> Option<ProgressBar> {
    bar("{spinner} {msg} {bytes}/{total_bytes} [{elapsed}]")
}

/// A bar counting `len` items (principals), with `message`.
pub fn items(len: u64, message: &str) -> Option<ProgressBar> {
    let bar = bar("{spinner} {msg} {pos}/{len} [{elapsed}]")?;
    bar.set_length(len);
    bar.set_message(message.to_string());
    Some(bar)
}

/// Runs `work` under a spinner that says `message`, and clears it afterwards.
pub fn during<T>(message: &str, work: impl FnOnce() -> T) -> T {
    let spinner = bar("{spinner} {msg} [{elapsed}]");
    if let Some(s) = &spinner {
        s.set_message(message.to_string());
    }
    let out = work();
    if let Some(s) = spinner {
        s.finish_and_clear();
    }
    out
}
