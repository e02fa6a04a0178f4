//! Whether output carries colour: the one place the command line decides it.
//!
//! Colour is used only when the stream it goes to is a terminal, `NO_COLOR` is unset or empty
//! (<https://no-color.org>), and `TERM` is not `dumb`. Diagnostics drawn by miette and the
//! `+`/`-` markers of `iamlog diff` both ask here.

use std::ffi::OsStr;
use std::io::IsTerminal;

/// Where a piece of text is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// Standard output.
    Stdout,
    /// Standard error.
    Stderr,
}

/// True when text written to `stream` may be coloured.
pub fn enabled(stream: Stream) -> bool {
    let terminal = match stream {
        Stream::Stdout => std::io::stdout().is_terminal(),
        Stream::Stderr => std::io::stderr().is_terminal(),
    };
    terminal
        && allowed_by(
            std::env::var_os("NO_COLOR").as_deref(),
            std::env::var_os("TERM").as_deref(),
        )
}

/// The environment's part of the decision: `NO_COLOR` set to anything but the empty string
/// turns colour off, and so does a `dumb` terminal.
fn allowed_by(no_color: Option<&OsStr>, term: Option<&OsStr>) -> bool {
    no_color.is_none_or(OsStr::is_empty) && term != Some(OsStr::new("dumb"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_set_to_anything_turns_colour_off() {
        assert!(allowed_by(None, Some(OsStr::new("xterm-256color"))));
        assert!(allowed_by(Some(OsStr::new("")), None));
        assert!(!allowed_by(Some(OsStr::new("1")), None));
        assert!(!allowed_by(Some(OsStr::new("0")), None));
        assert!(!allowed_by(None, Some(OsStr::new("dumb"))));
    }
}
