//! The language server's message loop, input side: bytes read as `cspr lsp` reads its
//! standard input (its own Content-Length reader, `src/cli/lsp/transport.rs`, compiled
//! in here), each message's positions clamped, each document it carries indexed and
//! checked, and positions converted both ways (`src/cli/lsp/convert.rs`) at every
//! offset a problem, a declaration or a word falls on. The server's own loop lives in
//! the binary; this drives the same code on every part of a message it reads.
#![no_main]

#[path = "../../src/cli/lsp/convert.rs"]
#[allow(dead_code, reason = "the server's conversions, not all used here")]
mod convert;
#[path = "../../src/cli/lsp/transport.rs"]
#[allow(dead_code, reason = "the server's framing, not all used here")]
mod transport;

use cspr::builtin::Builtins;
use cspr::diagnostic::Source;
use libfuzzer_sys::fuzz_target;
use lsp_server::Message;

fuzz_target!(|data: &[u8]| {
    let mut input = std::io::BufReader::new(data);
    for _ in 0..16 {
        let msg = match transport::read(&mut input) {
            Ok(transport::Frame::Message(msg)) => msg,
            Ok(transport::Frame::Invalid { id, code, message }) => {
                let mut out = Vec::new();
                let _ = transport::write_error(&mut out, id, code, message);
                continue;
            }
            Ok(transport::Frame::End) | Err(_) => return,
        };
        let mut params = match msg {
            Message::Request(r) => r.params,
            Message::Notification(n) => n.params,
            Message::Response(_) => continue,
        };
        convert::clamp_positions(&mut params);
        let text = params
            .pointer("/textDocument/text")
            .or_else(|| params.pointer("/contentChanges/0/text"))
            .and_then(|t| t.as_str())
            .unwrap_or_default()
            .to_string();
        let position: Option<lsp_types::Position> = params
            .get("position")
            .and_then(|p| serde_json::from_value(p.clone()).ok());
        document(&text, position);
    }
});

fn document(text: &str, position: Option<lsp_types::Position>) {
    let lines = convert::Lines::new(text);
    let source = Source::new("fuzz.policy", text);
    let checked = cspr::check::check(&source, &Builtins);
    for p in &checked.problems {
        for (span, _) in &p.labels {
            let r = lines.range(*span);
            assert!(lines.offset(r.start) <= text.len());
        }
    }
    if let Some(index) = cspr::ide::Index::build(&source, &Builtins) {
        for d in &index.decls {
            let _ = lines.range(d.span);
        }
    }
    if let Some(p) = position {
        let offset = lines.offset(p);
        assert!(text.is_char_boundary(offset));
        if let Some((span, word)) = cspr::ide::word_at(text, offset) {
            let _ = lines.range(span);
            for s in cspr::ide::occurrences(text, word) {
                let _ = lines.range(s);
            }
        }
    }
}
