//! Everything the binary writes goes through here: files atomically ([`write_file`]), results
//! to standard output through one locked, buffered handle ([`Stdout`], [`print`]), and
//! diagnostics to standard error ([`stderr`]). An output that cannot be written is an error,
//! never a panic or a silent exit 0 (docs/reliability.md, "Output"):
//!
//! - a closed pipe (`cspr … | head -1`) ends the command quietly with status
//!   [`BROKEN_PIPE`] (141, as the shell reports a program killed by `SIGPIPE`);
//! - any other failure (a full disk, `/dev/full`, a quota) is a message naming what could
//!   not be written and why, and status 2 ([`super::BAD_INPUT`]).
//!
//! Files are written to a temporary file in the target's directory, flushed to disk
//! (`fsync`), given the old file's permissions, and renamed over the target: a reader sees
//! the old file or the new one, never a part, and a failed write leaves the old file
//! byte-identical and no temporary file behind. A symbolic link is written through: the
//! file it points to is replaced and the link kept. A file with other hard links gets a
//! new inode: the other names keep the old content.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use cspr::Problem;

/// Exit status when the reader of standard output went away (128 + `SIGPIPE`).
pub const BROKEN_PIPE: u8 = 141;

/// The problem code that stands for "the reader closed the pipe": [`super::run`] exits
/// quietly with [`BROKEN_PIPE`] on it.
pub const PIPE_CLOSED: &str = "cspr::broken_pipe";

/// Set when a diagnostic could not be written to standard error.
static STDERR_LOST: AtomicBool = AtomicBool::new(false);
/// Set when that was because its reader closed the pipe.
static STDERR_PIPE_CLOSED: AtomicBool = AtomicBool::new(false);

/// What went wrong, in words (the kind of error first, not the OS's capitalised text).
pub fn reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::StorageFull => "no space left on device".into(),
        io::ErrorKind::QuotaExceeded => "the disk quota is exceeded".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        io::ErrorKind::ReadOnlyFilesystem => "the file system is read-only".into(),
        io::ErrorKind::FileTooLarge => "the file is too large for the file system".into(),
        io::ErrorKind::BrokenPipe => "the reader closed the pipe".into(),
        io::ErrorKind::NotFound => "no such file or directory".into(),
        io::ErrorKind::IsADirectory => "it is a directory".into(),
        io::ErrorKind::NotADirectory => "a part of the path is not a directory".into(),
        _ => e.to_string(),
    }
}

/// What to do about it.
fn remedy(e: &io::Error) -> &'static str {
    match e.kind() {
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded | io::ErrorKind::FileTooLarge => {
            "free some space, or write somewhere else"
        }
        io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem => {
            "check the permissions of the file and its directory"
        }
        io::ErrorKind::NotFound | io::ErrorKind::NotADirectory => "check the path",
        _ => "check where the output goes",
    }
}

/// The problem for `what` (e.g. "`report.html`", "the results to standard output") that
/// could not be written; a closed pipe is [`PIPE_CLOSED`].
pub fn write_failed(what: &str, e: &io::Error) -> Problem {
    if e.kind() == io::ErrorKind::BrokenPipe {
        return Problem::error(PIPE_CLOSED, "the reader of standard output closed the pipe");
    }
    Problem::error(
        "cspr::output",
        format!("cannot write {what}: {}", reason(e)),
    )
    .help(remedy(e))
}

/// The command running (`eval`), named in a failure to write its output.
static COMMAND: std::sync::OnceLock<&'static str> = std::sync::OnceLock::new();

/// Say which command is running, for [`stdout_failed`].
pub fn set_command(name: &'static str) {
    let _ = COMMAND.set(name);
}

/// [`write_failed`] for standard output, as a command's error.
pub fn stdout_failed(e: &io::Error) -> Vec<Problem> {
    let what = match COMMAND.get() {
        Some(c) => format!("the output of `cspr {c}` to standard output"),
        None => "to standard output".into(),
    };
    vec![write_failed(&what, e)]
}

/// Whether the problems say only that the pipe was closed.
pub fn is_pipe_closed(problems: &[Problem]) -> bool {
    !problems.is_empty() && problems.iter().all(|p| p.code == PIPE_CLOSED)
}

/// Standard output, locked and buffered: results are written here and [`Stdout::finish`]ed.
pub struct Stdout {
    inner: io::BufWriter<io::StdoutLock<'static>>,
}

impl Stdout {
    pub fn open() -> Stdout {
        Stdout {
            inner: io::BufWriter::with_capacity(1 << 16, io::stdout().lock()),
        }
    }

    /// Write text; a failure is the command's error.
    pub fn put(&mut self, text: &str) -> Result<(), Vec<Problem>> {
        self.inner
            .write_all(text.as_bytes())
            .map_err(|e| stdout_failed(&e))
    }

    /// Flush what is buffered; a failure is the command's error.
    pub fn finish(mut self) -> Result<(), Vec<Problem>> {
        self.inner.flush().map_err(|e| stdout_failed(&e))
    }
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Write `text` to standard output and flush it.
pub fn print(text: &str) -> Result<(), Vec<Problem>> {
    let mut out = Stdout::open();
    out.put(text)?;
    out.finish()
}

/// The first error writing standard output through [`out`] (`outln!`).
static STDOUT_ERROR: std::sync::Mutex<Option<io::Error>> = std::sync::Mutex::new(None);

/// Write to standard output for a command that prints as it goes (`outln!`, as
/// `println!`): the first failure is kept and later writes skipped, and [`stdout_result`]
/// (called by [`super::run`] once the command ends) turns it into the command's error.
pub fn out(args: std::fmt::Arguments<'_>) {
    let Ok(mut failed) = STDOUT_ERROR.lock() else {
        return;
    };
    if failed.is_none()
        && let Err(e) = io::stdout().lock().write_fmt(args)
    {
        *failed = Some(e);
    }
}

/// Flush standard output; the first error writing it (here or through [`out`]).
pub fn stdout_result() -> Result<(), Vec<Problem>> {
    let flushed = io::stdout().lock().flush();
    let Ok(mut failed) = STDOUT_ERROR.lock() else {
        return Ok(());
    };
    match (failed.take(), flushed) {
        (Some(e), _) | (None, Err(e)) => Err(stdout_failed(&e)),
        (None, Ok(())) => Ok(()),
    }
}

/// Write a diagnostic or a note to standard error. It cannot be reported if it fails, so
/// the failure is remembered and the command's exit status made non-zero
/// ([`stderr_lost`]).
pub fn stderr(text: &str) {
    let mut err = io::stderr().lock();
    if let Err(e) = err.write_all(text.as_bytes()).and_then(|()| err.flush()) {
        STDERR_LOST.store(true, Ordering::Relaxed);
        if e.kind() == io::ErrorKind::BrokenPipe {
            STDERR_PIPE_CLOSED.store(true, Ordering::Relaxed);
        }
    }
}

/// The exit status for a command that succeeded but could not write to standard error:
/// [`BROKEN_PIPE`] when its reader went away, else 2; `None` when nothing was lost.
pub fn stderr_lost() -> Option<u8> {
    if !STDERR_LOST.load(Ordering::Relaxed) {
        None
    } else if STDERR_PIPE_CLOSED.load(Ordering::Relaxed) {
        Some(BROKEN_PIPE)
    } else {
        Some(super::BAD_INPUT)
    }
}

/// The file a write to `path` replaces: `path` itself, or the file at the end of its chain
/// of symbolic links (relative links are read from the link's directory), so a link is
/// kept and the file it points to replaced.
fn resolve(path: &Path) -> io::Result<PathBuf> {
    let mut target = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&target) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let link = std::fs::read_link(&target)?;
                target = match target.parent() {
                    Some(dir) if link.is_relative() => dir.join(link),
                    _ => link,
                };
            }
            _ => return Ok(target),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

/// Write `text` to `path` atomically (see the module doc); the error names the file.
pub fn write_file(path: &Path, text: &[u8]) -> Result<(), Problem> {
    write_with(path, |f| f.write_all(text))
        .map_err(|e| write_failed(&format!("`{}`", path.display()), &e))
}

/// [`write_file`] with the content written by `fill` (a test makes it fail half-way).
fn write_with(
    path: &Path,
    fill: impl FnOnce(&mut std::fs::File) -> io::Result<()>,
) -> io::Result<()> {
    let old = std::fs::metadata(path).ok();
    if old.as_ref().is_some_and(std::fs::Metadata::is_dir) {
        return Err(io::Error::from(io::ErrorKind::IsADirectory));
    }
    // A device, a FIFO or a socket (`-o /dev/stdout`, `-o /dev/null`) is written to, never
    // replaced: renaming over it would put a regular file where the device was.
    if old.as_ref().is_some_and(|m| !m.is_file()) {
        let mut file = std::fs::OpenOptions::new().write(true).open(path)?;
        fill(&mut file)?;
        return file.flush();
    }
    let target = resolve(path)?;
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = target
        .file_name()
        .map_or_else(|| "cspr".into(), |n| n.to_string_lossy().into_owned());
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    // A new file gets the mode `fs::write` would give it (0666 less the umask); a
    // replaced one keeps its own.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    // Dropped on any error below, the temporary file is removed.
    let mut temp = builder.tempfile_in(&dir)?;
    fill(temp.as_file_mut())?;
    temp.as_file_mut().flush()?;
    if let Some(old) = &old {
        temp.as_file().set_permissions(old.permissions())?;
    }
    temp.as_file().sync_all()?;
    temp.persist(&target).map_err(|e| e.error)?;
    // The rename itself is made durable by syncing the directory (where the system
    // allows opening one).
    if let Ok(d) = std::fs::File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("cspr-output-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_write_that_fails_half_way_leaves_the_old_file_and_no_temporary_file() {
        let dir = scratch("fail");
        let file = dir.join("a.policy");
        std::fs::write(&file, "old content\n").unwrap();
        let err = write_with(&file, |f| {
            f.write_all(b"new cont")?;
            Err(io::Error::from(io::ErrorKind::StorageFull))
        })
        .unwrap_err();
        assert_eq!(reason(&err), "no space left on device");
        assert_eq!(std::fs::read(&file).unwrap(), b"old content\n");
        assert_eq!(entries(&dir), ["a.policy"]);
        let p = write_failed("`a.policy`", &err);
        assert_eq!(
            p.message,
            "cannot write `a.policy`: no space left on device"
        );
        assert!(!format!("{p:?}").contains("permissions"), "{p:?}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_rename_that_fails_leaves_no_temporary_file() {
        let dir = scratch("rename");
        std::fs::create_dir(dir.join("sub")).unwrap();
        assert!(write_file(&dir.join("sub"), b"x").is_err());
        assert_eq!(entries(&dir), ["sub"]);
        assert!(entries(&dir.join("sub")).is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn the_mode_is_kept_a_symlink_written_through_and_hard_links_keep_the_old_content() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = scratch("links");
        let file = dir.join("real.policy");
        std::fs::write(&file, "old\n").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
        std::os::unix::fs::symlink("real.policy", dir.join("link.policy")).unwrap();
        std::fs::hard_link(&file, dir.join("hard.policy")).unwrap();

        write_file(&dir.join("link.policy"), b"new\n").unwrap();
        assert!(
            std::fs::symlink_metadata(dir.join("link.policy"))
                .unwrap()
                .file_type()
                .is_symlink(),
            "the link is kept"
        );
        assert_eq!(std::fs::read(&file).unwrap(), b"new\n");
        assert_eq!(
            std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
            0o640
        );
        assert_eq!(std::fs::read(dir.join("hard.policy")).unwrap(), b"old\n");
        assert_eq!(entries(&dir), ["hard.policy", "link.policy", "real.policy"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_device_is_written_to_not_replaced() {
        use std::os::unix::fs::FileTypeExt as _;
        write_file(Path::new("/dev/null"), b"x").unwrap();
        assert!(
            std::fs::metadata("/dev/null")
                .unwrap()
                .file_type()
                .is_char_device()
        );
        let p = write_file(Path::new("/dev/full"), b"x").unwrap_err();
        assert_eq!(
            p.message,
            "cannot write `/dev/full`: no space left on device"
        );
        assert!(
            std::fs::metadata("/dev/full")
                .unwrap()
                .file_type()
                .is_char_device()
        );
    }

    #[test]
    fn a_new_file_is_created() {
        let dir = scratch("new");
        write_file(&dir.join("new.json"), b"{}\n").unwrap();
        assert_eq!(std::fs::read(dir.join("new.json")).unwrap(), b"{}\n");
        assert_eq!(entries(&dir), ["new.json"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
