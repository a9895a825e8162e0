//! Builds the shipped modules into the binary: every `policies/*.policy` becomes an entry of
//! `cspr::builtin::MODULES` (file name and text, through `include_str!`), so an installed
//! `cspr` reaches the shipped procedures by id from any directory. Adding a policy file is
//! enough to ship it; nothing else needs registering. Likewise every source text
//! `policies/sources/*.txt` becomes an entry of `cspr::builtin::SOURCES`, so the quotes of the
//! built-in modules are checked against the texts built in with them.

#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    clippy::disallowed_macros,
    reason = "the build script reads policies/ and writes OUT_DIR: only the library may not do I/O"
)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=policies");
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let dir = root.join("policies");
    table(&dir, "policy", "Module", "", "builtin_modules.rs");
    // The source texts the modules cite (`policies/sources/*.txt`), by their path from
    // `policies/`, as a `source … file "sources/x.txt"` names them.
    table(
        &dir.join("sources"),
        "txt",
        "SourceFile",
        "sources/",
        "builtin_sources.rs",
    );
}

/// Every `*.EXTENSION` file of `dir`, sorted, as a Rust slice of `TYPE { file, text }`
/// (`file` is `prefix` and the file name; `text` through `include_str!`) written to OUT_DIR.
fn table(dir: &Path, extension: &str, ty: &str, prefix: &str, name: &str) {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == extension))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let mut out = String::from("&[\n");
    for path in &files {
        let Some(file) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let _ = writeln!(
            out,
            "    {ty} {{ file: {:?}, text: include_str!({:?}) }},",
            format!("{prefix}{file}"),
            path.display().to_string()
        );
    }
    out.push_str("]\n");
    write(name, &out);
}

fn write(name: &str, text: &str) {
    let target = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default()).join(name);
    if let Err(e) = std::fs::write(&target, text) {
        println!("cargo:warning=cannot write {}: {e}", target.display());
        std::process::exit(1);
    }
}
