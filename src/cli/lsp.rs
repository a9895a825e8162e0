//! `cspr lsp`: a language server over standard input and output.
//!
//! Built on `lsp-server`'s message types and `lsp-types` (rust-analyzer's own protocol
//! crates): a synchronous loop on standard input, no threads and no async runtime. The
//! frames are read by [`transport`], not by `lsp-server`, whose reader ends the
//! connection at the first malformed one. Each open file is kept in
//! memory, and re-read in full on every change (`TextDocumentSyncKind::FULL`: policies
//! are small and checking one takes milliseconds). Diagnostics are `cspr check`'s
//! (or, for a scenario file, its syntax and binding errors and its failing
//! expectations); hover, definition, references, completion and the outline come from
//! [`cspr::ide`]; formatting is `cspr fmt`'s. Modules a file `extends` are found as
//! `cspr check` finds them, open files first, so an unsaved edit to the national module
//! is seen by the procedures built on it.

mod convert;
mod scenarios;
mod transport;

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use clap::Args;
use cspr::check::Resolver;
use cspr::diagnostic::{Problem, Source};
use cspr::ide::{self, DeclKind, Index};
use lsp_server::{Message, Notification, Request, Response};
use lsp_types as lsp;
use lsp_types::Uri;
use serde_json::Value;

use self::convert::{Lines, path_of, uri_of};
use super::{Library, usage_error};
use cspr::builtin::header_id;

/// Run the language server on standard input and output (editors start it)
#[derive(Args)]
#[command(
    after_help = "Editors start this command themselves; see docs/editors.md.\n\nExamples:\n  cspr lsp"
)]
pub struct Lsp {}

impl Lsp {
    pub fn run(self) -> Result<u8, Vec<Problem>> {
        // A panic's message can quote the text it failed on (a slice inside a
        // character names the string): stderr, which editors log, gets only where.
        std::panic::set_hook(Box::new(|info| {
            let place = info
                .location()
                .map(|l| format!(" at {}:{}", l.file(), l.line()))
                .unwrap_or_default();
            let _ = writeln!(std::io::stderr(), "cspr lsp: internal error{place}");
        }));
        let stdin = std::io::stdin();
        let mut input = std::io::BufReader::with_capacity(1 << 16, stdin.lock());
        let mut server = Server {
            out: Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
            state: State::Starting,
            docs: HashMap::new(),
            indexes: HashMap::new(),
            current: HashSet::new(),
        };
        server.serve(&mut input).map_err(|e| {
            vec![usage_error(
                format!("the language server stopped: {e}"),
                "start `cspr lsp` from an editor, which speaks the Language Server Protocol on its standard input",
            )]
        })
    }
}

/// The notifications the server acts on.
const KNOWN_NOTIFICATIONS: [&str; 3] = [
    "textDocument/didOpen",
    "textDocument/didChange",
    "textDocument/didClose",
];

/// Why a notification was not acted on.
enum Skipped {
    /// Its parameters are not what the protocol says.
    Params(serde_json::Error),
    /// Writing the diagnostics failed: the editor is gone.
    Write(Failed),
}

impl From<serde_json::Error> for Skipped {
    fn from(e: serde_json::Error) -> Skipped {
        Skipped::Params(e)
    }
}

impl From<Failed> for Skipped {
    fn from(e: Failed) -> Skipped {
        Skipped::Write(e)
    }
}

fn initialize_result() -> Value {
    serde_json::json!({
        "capabilities": capabilities(),
        "serverInfo": {"name": "cspr", "version": env!("CARGO_PKG_VERSION")},
    })
}

fn capabilities() -> lsp::ServerCapabilities {
    lsp::ServerCapabilities {
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Kind(
            lsp::TextDocumentSyncKind::FULL,
        )),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        definition_provider: Some(lsp::OneOf::Left(true)),
        references_provider: Some(lsp::OneOf::Left(true)),
        document_symbol_provider: Some(lsp::OneOf::Left(true)),
        document_formatting_provider: Some(lsp::OneOf::Left(true)),
        completion_provider: Some(lsp::CompletionOptions::default()),
        code_lens_provider: Some(lsp::CodeLensOptions {
            resolve_provider: Some(false),
        }),
        execute_command_provider: Some(lsp::ExecuteCommandOptions {
            commands: vec![scenarios::RUN.into()],
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// An open file.
struct Doc {
    path: PathBuf,
    source: Source,
}

impl Doc {
    fn is_scenario(&self) -> bool {
        self.source.name.ends_with(".scenario")
    }
}

struct Server {
    out: Box<dyn Write>,
    state: State,
    docs: HashMap<Uri, Doc>,
    /// The last index of each file that parsed, for answers while it does not.
    indexes: HashMap<Uri, Index>,
    /// The files whose index in `indexes` is of their text as it is now, and of the
    /// open files as they are now (an edit to one file can change another's index).
    current: HashSet<Uri>,
}

/// Where the server is in the protocol's life.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before `initialize`: every other request is refused.
    Starting,
    Running,
    /// After `shutdown`: every request is refused until `exit`.
    ShutDown,
}

type Failed = Box<dyn std::error::Error + Send + Sync>;

impl Server {
    /// Answer messages until `exit` or the end of input; the exit status.
    ///
    /// Only a failure to write ends the loop early (the editor is gone). A frame that is
    /// not a message gets a JSON-RPC error; a notification whose parameters do not parse
    /// is skipped with one line on stderr that quotes nothing of it; a panic while
    /// handling a message is caught and answered as an internal error.
    fn serve(&mut self, input: &mut impl BufRead) -> Result<u8, Failed> {
        loop {
            let msg = match transport::read(input)? {
                transport::Frame::End => return Ok(0),
                transport::Frame::Invalid { id, code, message } => {
                    transport::write_error(&mut self.out, id, code, message)?;
                    continue;
                }
                transport::Frame::Message(msg) => msg,
            };
            if let Message::Notification(n) = &msg
                && n.method == "exit"
            {
                return Ok(if self.state == State::ShutDown { 0 } else { 1 });
            }
            let outcome =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.message(msg)));
            match outcome {
                Ok(result) => result?,
                Err(_) => {
                    // The request's id is lost with the unwound frame: answer `null`.
                    transport::write_error(
                        &mut self.out,
                        None,
                        lsp_server::ErrorCode::InternalError,
                        "cspr lsp failed on this message (a bug: please report it)",
                    )?;
                }
            }
        }
    }

    fn message(&mut self, msg: Message) -> Result<(), Failed> {
        match msg {
            Message::Request(mut req) => {
                let id = req.id.clone();
                let refuse = |code: lsp_server::ErrorCode, message: &str| {
                    Response::new_err(id.clone(), code as i32, message.into())
                };
                let response = match (self.state, req.method.as_str()) {
                    (State::Starting, "initialize") => {
                        self.state = State::Running;
                        Response::new_ok(id, initialize_result())
                    }
                    (State::Starting, _) => refuse(
                        lsp_server::ErrorCode::ServerNotInitialized,
                        "the server is not initialized: send `initialize` first",
                    ),
                    (State::ShutDown, _) => refuse(
                        lsp_server::ErrorCode::InvalidRequest,
                        "the server is shut down: only `exit` is accepted",
                    ),
                    (State::Running, "initialize") => refuse(
                        lsp_server::ErrorCode::InvalidRequest,
                        "the server is already initialized",
                    ),
                    (State::Running, "shutdown") => {
                        self.state = State::ShutDown;
                        Response::new_ok(id, Value::Null)
                    }
                    (State::Running, _) => {
                        convert::clamp_positions(&mut req.params);
                        match self.request(req) {
                            Ok(result) => Response::new_ok(id, result),
                            Err(message) => Response::new_err(
                                id,
                                lsp_server::ErrorCode::InvalidParams as i32,
                                message,
                            ),
                        }
                    }
                };
                transport::write(&mut self.out, &response.into())?;
            }
            Message::Notification(mut n) => {
                if self.state != State::Running {
                    return Ok(());
                }
                convert::clamp_positions(&mut n.params);
                self.notification(n)?;
            }
            Message::Response(_) => {}
        }
        Ok(())
    }

    fn notification(&mut self, n: Notification) -> Result<(), Failed> {
        let Some(method) = KNOWN_NOTIFICATIONS.iter().find(|m| **m == n.method) else {
            return Ok(());
        };
        match self.document_notification(method, n.params) {
            Ok(()) => Ok(()),
            Err(Skipped::Params(e)) => {
                // The method is one of ours and the place is two numbers: nothing of the
                // payload (which may hold case text) reaches stderr, which editors log.
                let _ = writeln!(
                    std::io::stderr(),
                    "cspr lsp: skipped a `{method}` whose parameters do not parse (at line {} column {} of its JSON)",
                    e.line(),
                    e.column()
                );
                Ok(())
            }
            Err(Skipped::Write(e)) => Err(e),
        }
    }

    fn document_notification(&mut self, method: &str, params: Value) -> Result<(), Skipped> {
        let uri = match method {
            "textDocument/didOpen" => {
                let p: lsp::DidOpenTextDocumentParams = serde_json::from_value(params)?;
                self.open(p.text_document.uri.clone(), p.text_document.text);
                p.text_document.uri
            }
            "textDocument/didChange" => {
                let p: lsp::DidChangeTextDocumentParams = serde_json::from_value(params)?;
                let Some(change) = p.content_changes.into_iter().last() else {
                    return Ok(());
                };
                self.open(p.text_document.uri.clone(), change.text);
                p.text_document.uri
            }
            "textDocument/didClose" => {
                let p: lsp::DidCloseTextDocumentParams = serde_json::from_value(params)?;
                self.docs.remove(&p.text_document.uri);
                self.indexes.remove(&p.text_document.uri);
                self.current.clear();
                return Ok(self.publish(&p.text_document.uri, Vec::new())?);
            }
            _ => return Ok(()),
        };
        // A change to one file can change what the files built on it mean.
        let mut uris: Vec<Uri> = self.docs.keys().cloned().collect();
        uris.sort_by_key(|u| u != &uri);
        for u in uris {
            let diagnostics = self.diagnostics(&u);
            self.publish(&u, diagnostics)?;
        }
        Ok(())
    }

    fn open(&mut self, uri: Uri, text: String) {
        let path = path_of(&uri).unwrap_or_else(|| PathBuf::from(uri.as_str()));
        let source = Source::new(path.display().to_string(), text);
        self.docs.insert(uri.clone(), Doc { path, source });
        self.current.clear();
        if let Some(index) = self.build_index(&uri) {
            self.indexes.insert(uri.clone(), index);
            self.current.insert(uri);
        }
    }

    fn publish(&mut self, uri: &Uri, diagnostics: Vec<lsp::Diagnostic>) -> Result<(), Failed> {
        let params = lsp::PublishDiagnosticsParams {
            uri: uri.clone(),
            diagnostics,
            version: None,
        };
        transport::write(
            &mut self.out,
            &Notification::new("textDocument/publishDiagnostics".into(), params).into(),
        )?;
        Ok(())
    }

    /// Modules by id: open files first, then as `cspr check` finds them.
    fn resolver(&self, near: &Path) -> Overlay<'_> {
        Overlay {
            docs: &self.docs,
            library: Library::new(Some(near)),
        }
    }

    fn build_index(&self, uri: &Uri) -> Option<Index> {
        let doc = self.docs.get(uri)?;
        let resolver = self.resolver(&doc.path);
        if doc.is_scenario() {
            let scenarios = cspr::syntax::parse_scenarios(&doc.source).ok()?;
            Some(Index::for_scenarios(&scenarios, &resolver))
        } else {
            Index::build(&doc.source, &resolver)
        }
    }

    fn diagnostics(&self, uri: &Uri) -> Vec<lsp::Diagnostic> {
        let Some(doc) = self.docs.get(uri) else {
            return Vec::new();
        };
        let resolver = self.resolver(&doc.path);
        let problems = if doc.is_scenario() {
            scenarios::problems(&doc.source, &resolver)
        } else {
            // The checker's problems, then the quotes' against the source texts.
            let parsed = cspr::check::Parsed::default();
            let mut problems =
                cspr::check::check_with(&doc.source, &resolver, None, &parsed).problems;
            let provenance = cspr::check::provenance(&doc.source, &resolver, &parsed, false);
            problems.extend(provenance.problems);
            problems
        };
        let lines = Lines::new(&doc.source.text);
        problems
            .iter()
            .map(|p| diagnostic(&doc.source, &lines, p))
            .collect()
    }

    fn request(&mut self, req: Request) -> Result<Value, String> {
        let bad = |e: serde_json::Error| e.to_string();
        let json = |v: &dyn erased::Serialize| v.to_json();
        match req.method.as_str() {
            "textDocument/hover" => {
                let p: lsp::HoverParams = serde_json::from_value(req.params).map_err(bad)?;
                let at = &p.text_document_position_params;
                Ok(json(&self.hover(&at.text_document.uri, at.position)))
            }
            "textDocument/definition" => {
                let p: lsp::GotoDefinitionParams =
                    serde_json::from_value(req.params).map_err(bad)?;
                let at = &p.text_document_position_params;
                Ok(json(&self.definition(&at.text_document.uri, at.position)))
            }
            "textDocument/references" => {
                let p: lsp::ReferenceParams = serde_json::from_value(req.params).map_err(bad)?;
                let at = &p.text_document_position;
                Ok(json(&self.references(&at.text_document.uri, at.position)))
            }
            "textDocument/completion" => {
                let p: lsp::CompletionParams = serde_json::from_value(req.params).map_err(bad)?;
                Ok(json(
                    &self.completion(&p.text_document_position.text_document.uri),
                ))
            }
            "textDocument/documentSymbol" => {
                let p: lsp::DocumentSymbolParams =
                    serde_json::from_value(req.params).map_err(bad)?;
                Ok(json(&self.symbols(&p.text_document.uri)))
            }
            "textDocument/formatting" => {
                let p: lsp::DocumentFormattingParams =
                    serde_json::from_value(req.params).map_err(bad)?;
                Ok(json(&self.format(&p.text_document.uri)))
            }
            "textDocument/codeLens" => {
                let p: lsp::CodeLensParams = serde_json::from_value(req.params).map_err(bad)?;
                let lenses = self
                    .docs
                    .get(&p.text_document.uri)
                    .map(|d| scenarios::lenses(&p.text_document.uri, &d.source));
                Ok(json(&lenses))
            }
            "workspace/executeCommand" => {
                let p: lsp::ExecuteCommandParams =
                    serde_json::from_value(req.params).map_err(bad)?;
                let report = self.run_command(&p)?;
                let message = lsp::ShowMessageParams {
                    typ: lsp::MessageType::INFO,
                    message: report.clone(),
                };
                let _ = transport::write(
                    &mut self.out,
                    &Notification::new("window/showMessage".into(), message).into(),
                );
                Ok(Value::String(report))
            }
            other => Err(format!("cspr lsp does not answer `{other}`")),
        }
    }

    /// The index of an open file: the current one, a fresh one, or the last that parsed.
    fn index(&self, uri: &Uri) -> Option<Cow<'_, Index>> {
        if self.current.contains(uri) {
            return self.indexes.get(uri).map(Cow::Borrowed);
        }
        self.build_index(uri)
            .map(Cow::Owned)
            .or_else(|| self.indexes.get(uri).map(Cow::Borrowed))
    }

    fn word(&self, uri: &Uri, position: lsp::Position) -> Option<(cspr::span::Span, String)> {
        let doc = self.docs.get(uri)?;
        let offset = Lines::new(&doc.source.text).offset(position);
        ide::word_at(&doc.source.text, offset).map(|(s, w)| (s, w.to_string()))
    }

    fn hover(&self, uri: &Uri, position: lsp::Position) -> Option<lsp::Hover> {
        let (span, word) = self.word(uri, position)?;
        let index = self.index(uri)?;
        let decl = index.find(&word)?;
        let doc = self.docs.get(uri)?;
        Some(lsp::Hover {
            contents: lsp::HoverContents::Markup(lsp::MarkupContent {
                kind: lsp::MarkupKind::Markdown,
                value: decl.hover.clone(),
            }),
            range: Some(Lines::new(&doc.source.text).range(span)),
        })
    }

    fn definition(&self, uri: &Uri, position: lsp::Position) -> Option<lsp::Location> {
        let (_, word) = self.word(uri, position)?;
        let index = self.index(uri)?;
        let decl = index.find(&word)?;
        location(&decl.source, decl.span)
    }

    fn references(&self, uri: &Uri, position: lsp::Position) -> Option<Vec<lsp::Location>> {
        let (_, word) = self.word(uri, position)?;
        let index = self.index(uri)?;
        let doc = self.docs.get(uri)?;
        let mut sources: Vec<&Source> = index.modules.iter().map(|(s, _)| s).collect();
        if !sources.iter().any(|s| s.name == doc.source.name) {
            sources.push(&doc.source);
        }
        let mut out = Vec::new();
        for source in sources {
            let Some(uri) = uri_of(Path::new(&*source.name)) else {
                continue;
            };
            let lines = Lines::new(&source.text);
            for span in ide::occurrences(&source.text, &word) {
                out.push(lsp::Location::new(uri.clone(), lines.range(span)));
            }
        }
        Some(out)
    }

    fn completion(&self, uri: &Uri) -> Option<Vec<lsp::CompletionItem>> {
        let doc = self.docs.get(uri)?;
        let index = self.index(uri).unwrap_or_default();
        let index: &Index = &index;
        let items = ide::completions(index, doc.is_scenario())
            .into_iter()
            .map(|c| lsp::CompletionItem {
                label: c.label,
                kind: Some(completion_kind(c.kind)),
                detail: Some(c.detail),
                ..Default::default()
            })
            .collect();
        Some(items)
    }

    fn symbols(&self, uri: &Uri) -> Option<Vec<lsp::DocumentSymbol>> {
        let doc = self.docs.get(uri)?;
        let symbols = if doc.is_scenario() {
            ide::scenario_outline(&cspr::syntax::parse_scenarios(&doc.source).ok()?)
        } else {
            ide::outline(&cspr::syntax::parse(&doc.source).ok()?)
        };
        let lines = Lines::new(&doc.source.text);
        Some(symbols.iter().map(|s| document_symbol(&lines, s)).collect())
    }

    fn format(&self, uri: &Uri) -> Option<Vec<lsp::TextEdit>> {
        let doc = self.docs.get(uri)?;
        let kind = cspr::fmt::Kind::of_path(&doc.source.name);
        let formatted = cspr::fmt::format(&doc.source, kind).ok()?;
        if formatted == *doc.source.text {
            return Some(Vec::new());
        }
        let lines = Lines::new(&doc.source.text);
        let all = cspr::span::Span::new(0, doc.source.text.len());
        Some(vec![lsp::TextEdit::new(lines.range(all), formatted)])
    }

    fn run_command(&self, p: &lsp::ExecuteCommandParams) -> Result<String, String> {
        if p.command != scenarios::RUN {
            return Err(format!("no command `{}`", p.command));
        }
        let (uri, name) = match p.arguments.as_slice() {
            [Value::String(u), Value::String(n)] => {
                (u.parse::<Uri>().map_err(|e| e.to_string())?, n)
            }
            _ => return Err("expected the scenario file's URI and the scenario's name".into()),
        };
        let doc = self
            .docs
            .get(&uri)
            .ok_or_else(|| "open the scenario file first".to_string())?;
        Ok(scenarios::run(&doc.source, name, &self.resolver(&doc.path)))
    }
}

/// Open files by their header id, then the library.
struct Overlay<'a> {
    docs: &'a HashMap<Uri, Doc>,
    library: Library,
}

impl Resolver for Overlay<'_> {
    fn resolve(&self, id: &str) -> Option<Source> {
        self.docs
            .values()
            .find(|d| !d.is_scenario() && header_id(&d.source.text).as_deref() == Some(id))
            .map(|d| d.source.clone())
            .or_else(|| self.library.resolve(id))
    }
    fn known_ids(&self) -> Vec<String> {
        self.library.known_ids()
    }
    fn source_file(&self, module: &Source, path: &str) -> Result<Option<Source>, Problem> {
        self.library.source_file(module, path)
    }
}

/// A problem as the editor shows it: the same message and help as `cspr check`, at its
/// first label; one found in another file (a module extended) is shown at the top.
fn diagnostic(doc: &Source, lines: &Lines<'_>, p: &Problem) -> lsp::Diagnostic {
    let here = p.source.as_ref().is_none_or(|s| s.name == doc.name);
    let span = p.labels.first().map(|l| l.0).filter(|_| here);
    let range = span.map_or_else(lsp::Range::default, |s| lines.range(s));
    let mut message = if here {
        p.message.clone()
    } else {
        let place = match (p.source.as_ref(), p.labels.first()) {
            (Some(s), Some((span, _))) => {
                let (l, c) = s.line_col(span.start);
                format!("{}:{l}:{c}", s.name)
            }
            (Some(s), None) => s.name.to_string(),
            _ => String::new(),
        };
        format!("in {place}: {}", p.message)
    };
    if let Some((_, label)) = p.labels.first().filter(|l| !l.1.is_empty() && here) {
        message = format!("{message} ({label})");
    }
    if let Some(help) = &p.help {
        message = format!("{message}\nhelp: {help}");
    }
    lsp::Diagnostic {
        range,
        severity: Some(if p.is_error() {
            lsp::DiagnosticSeverity::ERROR
        } else {
            lsp::DiagnosticSeverity::WARNING
        }),
        code: Some(lsp::NumberOrString::String(p.code.to_string())),
        source: Some("cspr".into()),
        message,
        ..Default::default()
    }
}

fn location(source: &Source, span: cspr::span::Span) -> Option<lsp::Location> {
    let uri = uri_of(Path::new(&*source.name))?;
    Some(lsp::Location::new(
        uri,
        Lines::new(&source.text).range(span),
    ))
}

fn completion_kind(kind: DeclKind) -> lsp::CompletionItemKind {
    use lsp::CompletionItemKind as K;
    match kind {
        DeclKind::Module => K::MODULE,
        DeclKind::Source => K::REFERENCE,
        DeclKind::Actor => K::CLASS,
        DeclKind::Fact => K::FIELD,
        DeclKind::Value => K::ENUM_MEMBER,
        DeclKind::Rule | DeclKind::Decision => K::FUNCTION,
        DeclKind::Duty | DeclKind::Timeline => K::EVENT,
        DeclKind::Keyword => K::KEYWORD,
    }
}

#[allow(
    deprecated,
    reason = "DocumentSymbol's `deprecated` field must still be given"
)]
fn document_symbol(lines: &Lines<'_>, s: &ide::Symbol) -> lsp::DocumentSymbol {
    use ide::SymbolKind as S;
    let kind = match s.kind {
        S::Module => lsp::SymbolKind::MODULE,
        S::Source => lsp::SymbolKind::CONSTANT,
        S::Actor => lsp::SymbolKind::CLASS,
        S::Fact => lsp::SymbolKind::FIELD,
        S::Rule | S::Decision => lsp::SymbolKind::FUNCTION,
        S::Duty => lsp::SymbolKind::EVENT,
        S::Timeline => lsp::SymbolKind::NAMESPACE,
        S::Scenario => lsp::SymbolKind::METHOD,
    };
    let detail = match s.kind {
        S::Module => "module",
        S::Source => "source",
        S::Actor => "actor",
        S::Fact => "fact",
        S::Rule => "rule",
        S::Decision => "decision",
        S::Duty => "duty",
        S::Timeline => "timeline",
        S::Scenario => "scenario",
    };
    lsp::DocumentSymbol {
        name: s.name.clone(),
        detail: Some(detail.into()),
        kind,
        tags: None,
        deprecated: None,
        range: lines.range(s.span),
        selection_range: lines.range(s.name_span),
        children: Some(
            s.children
                .iter()
                .map(|c| document_symbol(lines, c))
                .collect(),
        ),
    }
}

/// Serializing any answer to JSON, `null` for none.
mod erased {
    pub trait Serialize {
        fn to_json(&self) -> serde_json::Value;
    }
    impl<T: serde::Serialize> Serialize for T {
        fn to_json(&self) -> serde_json::Value {
            serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
        }
    }
}
