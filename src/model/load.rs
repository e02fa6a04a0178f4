//! Reading `--input` paths: each file is recognised by its content and read by its loader.

use super::{authdetails, organizations, resources, World};
use crate::diag::Diagnostic;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// An input that cannot be read at all (missing file, too large, not UTF-8, not JSON).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct LoadError(pub String);

/// The largest input file read unless `IAMLOG_MAX_INPUT_BYTES` says otherwise: 256 MiB, over
/// twice the largest account export measured (96.7 MiB for 57,000 users).
pub const DEFAULT_MAX_INPUT_BYTES: u64 = 256 << 20;

/// The largest input file read, in bytes: [`crate::limits::INPUT_BYTES`].
pub fn max_input_bytes() -> u64 {
    crate::limits::INPUT_BYTES.get()
}

/// Reads a whole input file as text. A file over [`max_input_bytes`] is refused before it is
/// read (or, for a pipe or device, once that much has been read), and text that is not UTF-8 is
/// refused with the line and column of the first bad byte.
pub fn read_input(path: &Path) -> Result<String, LoadError> {
    let name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| LoadError(format!("{name}: {e}")))?;
    let mut size = 0;
    if let Ok(meta) = file.metadata() {
        if meta.is_file() && meta.len() > max_input_bytes() {
            return Err(too_large(&name, &meta.len().to_string()));
        }
        size = meta.len();
    }
    read_limited(&name, file, size)
}

/// Reads standard input as text, within the same limit as a file (named `standard input`).
pub fn read_stdin() -> Result<String, LoadError> {
    read_limited("standard input", std::io::stdin().lock(), 0)
}

fn too_large(name: &str, size: &str) -> LoadError {
    LoadError(format!(
        "{name}: {}",
        crate::limits::INPUT_BYTES.exceeded(format!("the input has {size} bytes"))
    ))
}

/// Reads at most [`max_input_bytes`] from `reader` (one byte more tells that it has more), as
/// UTF-8 text, into a buffer made for `size` bytes (the file's size, if known) so that reading
/// a large file does not copy it as the buffer grows.
fn read_limited(name: &str, reader: impl std::io::Read, size: u64) -> Result<String, LoadError> {
    use std::io::Read;
    let limit = max_input_bytes();
    let mut bytes = Vec::with_capacity(usize::try_from(size.min(limit)).unwrap_or(0));
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| LoadError(format!("{name}: {e}")))?;
    if bytes.len() as u64 > limit {
        return Err(too_large(name, &format!("more than {limit}")));
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let text = std::str::from_utf8(&e.as_bytes()[..valid]).expect("valid up to here");
        let (line, column) = crate::json::line_column(text, valid);
        LoadError(format!(
            "{name}:{line}:{column}: the file is not UTF-8 text"
        ))
    })
}

/// Loads every file under `paths` (directories are read whole: `.json` and `.iam` files) into
/// one world, then resolves references between them.
pub fn load_paths(paths: &[PathBuf]) -> Result<World, LoadError> {
    load_paths_with(paths, &mut |_: &Progress| {})
}

/// Where a load is: reported before each file and once at the end.
#[derive(Debug, Clone)]
pub struct Progress {
    /// The file about to be read (`None` at the end).
    pub file: Option<PathBuf>,
    /// Bytes read so far.
    pub done: u64,
    /// Bytes in all files.
    pub total: u64,
}

/// As [`load_paths`], calling `report` as it goes (for a progress bar).
pub fn load_paths_with(
    paths: &[PathBuf],
    report: &mut dyn FnMut(&Progress),
) -> Result<World, LoadError> {
    let mut files = Vec::new();
    for path in paths {
        collect(path, &mut files)?;
    }
    let sizes: Vec<u64> = files
        .iter()
        .map(|f| std::fs::metadata(f).map_or(0, |m| m.len()))
        .collect();
    let total = sizes.iter().sum();
    // Files are read and their JSON parsed on every core; what they hold is then added to
    // the world one file after the other, in the order given (and so is the first error).
    let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    let texts = crate::parallel::map(
        &files,
        || (),
        |_, file| read_input(file).map(Arc::<str>::from),
    );
    let items: Vec<usize> = (0..files.len()).collect();
    let parsed = crate::parallel::map(
        &items,
        || (),
        |_, &i| texts[i].as_ref().ok().map(|text| parse(&names[i], text)),
    );
    let mut done = 0;
    let mut world = World::default();
    for (i, parsed) in parsed.into_iter().enumerate() {
        report(&Progress {
            file: Some(files[i].clone()),
            done,
            total,
        });
        let text = match &texts[i] {
            Ok(text) => text.clone(),
            Err(e) => return Err(LoadError(e.0.clone())),
        };
        let before = world.diagnostics.len();
        match parsed.expect("parsed when read") {
            Parsed::Text => crate::lang::load(&names[i], text, &mut world),
            Parsed::Json(value) => load_json(&names[i], text, &value?, &mut world)?,
        }
        refuse_over_limits(&world, before)?;
        done += sizes[i];
    }
    authdetails::resolve(&mut world);
    organizations::resolve(&mut world);
    report(&Progress {
        file: None,
        done,
        total,
    });
    Ok(world)
}

/// Loads one source held in memory (named like a file: `.iam` for the text language) and
/// resolves its references, as [`load_paths`] does for files.
pub fn load_str(name: &str, text: &str) -> Result<World, LoadError> {
    let mut world = World::default();
    load_text(name, Arc::from(text), &mut world)?;
    refuse_over_limits(&world, 0)?;
    authdetails::resolve(&mut world);
    organizations::resolve(&mut world);
    Ok(world)
}

/// Loads one source from its text: a `.iam` file in the text language (by its name), else
/// JSON recognised by its content.
pub fn load_text(name: &str, text: Arc<str>, world: &mut World) -> Result<(), LoadError> {
    match parse(name, &text) {
        Parsed::Text => crate::lang::load(name, text.clone(), world),
        Parsed::Json(value) => load_json(name, text.clone(), &value?, world)?,
    }
    Ok(())
}

/// A source as read before it is added to a world: text of the iamlog language, or JSON.
enum Parsed<'t> {
    Text,
    Json(Result<crate::json::Json<'t>, LoadError>),
}

/// Parses `text` (named like a file: `.iam` for the text language, read later).
fn parse<'t>(name: &str, text: &'t str) -> Parsed<'t> {
    if name.ends_with(".iam") {
        return Parsed::Text;
    }
    // Strict: a repeated key is an error wherever it is (a policy document's `Effect` given
    // twice must not be read as its last value), and so is nesting past the limit.
    Parsed::Json(crate::json::Json::parse(text).map_err(|e| {
        let place = if e.message.starts_with("duplicate key") {
            let offset = crate::json::offset_of(text, e.line, e.column);
            format!(" {}", crate::json::duplicate_place(text, offset))
        } else {
            String::new()
        };
        LoadError(format!(
            "{name}:{}:{}: invalid JSON: {}{place}",
            e.line, e.column, e.message
        ))
    }))
}

/// Adds the JSON source `value` (the parse of `text`) to `world`, by what it holds.
fn load_json(
    name: &str,
    text: Arc<str>,
    value: &crate::json::Json<'_>,
    world: &mut World,
) -> Result<(), LoadError> {
    if organizations::looks_like(value) {
        organizations::load(name, text, value, world);
    } else if authdetails::looks_like(value) {
        authdetails::load(name, text, value, world);
    } else if resources::looks_like(value) {
        resources::load(name, text, value, world);
    } else {
        return Err(unknown(name, &text));
    }
    Ok(())
}

/// A limit of [`crate::limits`] that a document of the input passed (diagnostic code `limit`,
/// from `diagnostics[from..]`) ends the load: what is past it was not read.
fn refuse_over_limits(world: &World, from: usize) -> Result<(), LoadError> {
    match world.diagnostics[from..]
        .iter()
        .find(|d| d.diagnostic.code == "limit")
    {
        Some(d) => Err(LoadError(format!(
            "{}:{}:{}: {} (at {})",
            d.file, d.line, d.column, d.diagnostic.message, d.diagnostic.pointer
        ))),
        None => Ok(()),
    }
}

fn unknown(name: &str, text: &str) -> LoadError {
    {
        let d = Diagnostic::error(
            "unknown-input",
            "",
            "not get-account-authorization-details output, organization data or a resource-policy file",
        );
        LoadError(d.locate(name, text).to_string())
    }
}

fn collect(path: &Path, out: &mut Vec<PathBuf>) -> Result<(), LoadError> {
    if path.is_file() {
        out.push(path.to_path_buf());
        return Ok(());
    }
    let entries =
        std::fs::read_dir(path).map_err(|e| LoadError(format!("{}: {e}", path.display())))?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        let wanted =
            p.is_dir() || matches!(p.extension().and_then(|e| e.to_str()), Some("json" | "iam"));
        if wanted {
            collect(&p, out)?;
        }
    }
    Ok(())
}
