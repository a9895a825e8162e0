//! The commands of `cspr repl`: their names, one-line help, and how a typed line is split
//! into a [`Command`]. Values and expressions are left as text here; the session types
//! them against its procedure (so their errors are located in what was typed).

/// One command's name, arguments and help, for `help` and for completion.
#[derive(Debug, Clone, Copy)]
pub struct CommandHelp {
    pub name: &'static str,
    pub args: &'static str,
    pub help: &'static str,
}

/// Every command, in the order `help` lists them.
pub const COMMANDS: &[CommandHelp] = &[
    CommandHelp {
        name: "set",
        args: "FACT = VALUE",
        help: "give a fact its value, and show what changed",
    },
    CommandHelp {
        name: "unset",
        args: "FACT",
        help: "forget a fact (it becomes unknown again), and show what changed",
    },
    CommandHelp {
        name: "facts",
        args: "",
        help: "what is known, as the case file would hold it",
    },
    CommandHelp {
        name: "ask",
        args: "",
        help: "interview: only the questions that could still settle something, in the procedure's order",
    },
    CommandHelp {
        name: "eval",
        args: "",
        help: "the whole evaluation, as `cspr eval` prints it",
    },
    CommandHelp {
        name: "outcomes",
        args: "",
        help: "the outcomes of the rules and decisions",
    },
    CommandHelp {
        name: "duties",
        args: "",
        help: "the duties: who must do what, and by when",
    },
    CommandHelp {
        name: "timeline",
        args: "",
        help: "every deadline in date order, as `cspr timeline` prints it",
    },
    CommandHelp {
        name: "missing",
        args: "",
        help: "the facts still unknown that could change an outcome, by stage, in the order `ask` asks them",
    },
    CommandHelp {
        name: "why",
        args: "NAME | not NAME = VALUE",
        help: "the cited derivation of an outcome or duty, or why it is not VALUE",
    },
    CommandHelp {
        name: "?",
        args: "EXPRESSION",
        help: "evaluate an expression over the case, e.g. `? child_died and not child_looked_after`",
    },
    CommandHelp {
        name: "what-if",
        args: "FACT = VALUE[, FACT = VALUE …]",
        help: "what would change, without changing the case",
    },
    CommandHelp {
        name: "compare",
        args: "",
        help: "the case under every procedure found, side by side (as `cspr compare`)",
    },
    CommandHelp {
        name: "as-of",
        args: "DATE",
        help: "the day deadlines are judged on (DD/MM/YYYY or YYYY-MM-DD)",
    },
    CommandHelp {
        name: "load",
        args: "FILE",
        help: "replace the case with a case file (.json or .toml)",
    },
    CommandHelp {
        name: "save",
        args: "[--force] FILE",
        help: "write the case to a .json or .toml file: the only way case facts leave the session; an existing file is replaced only when you say yes, or with --force",
    },
    CommandHelp {
        name: "use",
        args: "PROCEDURE [--guidance EDITION]",
        help: "switch procedure, carrying the case over; says what did not carry",
    },
    CommandHelp {
        name: "reload",
        args: "",
        help: "re-read the procedure after editing it, keeping the case",
    },
    CommandHelp {
        name: "help",
        args: "[COMMAND]",
        help: "this list, or one command's help",
    },
    CommandHelp {
        name: "quit",
        args: "",
        help: "end the session (also `exit`, or Ctrl-D)",
    },
];

/// A typed line, split into its command and arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Set {
        fact: String,
        value: String,
    },
    Unset(String),
    Facts,
    Ask,
    Eval,
    Outcomes,
    Duties,
    Timeline,
    Missing,
    Why(String),
    WhyNot {
        name: String,
        value: String,
    },
    Query(String),
    WhatIf(Vec<(String, String)>),
    /// The procedures named, or (empty) every one found.
    Compare(Vec<String>),
    AsOf(String),
    Load(String),
    /// `save [--force] FILE`: `force` replaces an existing file without asking.
    Save {
        path: String,
        force: bool,
    },
    Use {
        procedure: String,
        edition: Option<String>,
    },
    Reload,
    Help(Option<String>),
    Quit,
    /// A blank line or a comment (`# …`): nothing to do.
    Nothing,
}

/// Why a line is not a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unparsed {
    pub message: String,
    pub help: String,
}

fn usage(name: &str) -> Unparsed {
    let c = COMMANDS.iter().find(|c| c.name == name);
    Unparsed {
        message: format!("`{name}` needs {}", c.map_or("arguments", |c| c.args)),
        help: format!("write `{name} {}`", c.map_or("", |c| c.args)),
    }
}

/// Split `text` at the first `=`: `(name, value)`, both trimmed and non-empty.
fn assignment(text: &str) -> Option<(String, String)> {
    let (name, value) = text.split_once('=')?;
    let (name, value) = (name.trim(), value.trim());
    (!name.is_empty() && !value.is_empty() && !name.contains(char::is_whitespace))
        .then(|| (name.to_string(), value.to_string()))
}

/// Split `text` at the commas outside `{…}` and `"…"`.
pub fn split_top_level(text: &str) -> Vec<&str> {
    let (mut depth, mut quoted, mut start) = (0i32, false, 0);
    let mut parts = Vec::new();
    for (i, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '{' if !quoted => depth += 1,
            '}' if !quoted => depth -= 1,
            ',' if !quoted && depth <= 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

/// Parse one typed line.
pub fn parse(line: &str) -> Result<Command, Unparsed> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return Ok(Command::Nothing);
    }
    if let Some(rest) = line.strip_prefix('?') {
        let rest = rest.trim();
        return if rest.is_empty() {
            Err(usage("?"))
        } else {
            Ok(Command::Query(rest.to_string()))
        };
    }
    let (word, rest) = match line.split_once(char::is_whitespace) {
        Some((w, r)) => (w, r.trim()),
        None => (line, ""),
    };
    let none = |c: Command| {
        if rest.is_empty() {
            Ok(c)
        } else {
            Err(Unparsed {
                message: format!("`{word}` takes no arguments"),
                help: format!("write `{word}` alone"),
            })
        }
    };
    let one = |make: fn(String) -> Command| {
        if rest.is_empty() || rest.contains(char::is_whitespace) {
            Err(usage(word))
        } else {
            Ok(make(rest.to_string()))
        }
    };
    match word {
        "set" => assignment(rest)
            .map(|(fact, value)| Command::Set { fact, value })
            .ok_or_else(|| usage("set")),
        "unset" => one(Command::Unset),
        "facts" => none(Command::Facts),
        "ask" => none(Command::Ask),
        "eval" => none(Command::Eval),
        "outcomes" => none(Command::Outcomes),
        "duties" => none(Command::Duties),
        "timeline" => none(Command::Timeline),
        "missing" => none(Command::Missing),
        "why" => match rest.strip_prefix("not ").map(str::trim) {
            Some(r) => assignment(r)
                .map(|(name, value)| Command::WhyNot { name, value })
                .ok_or_else(|| usage("why")),
            None => one(Command::Why),
        },
        "what-if" | "whatif" => {
            let pairs: Option<Vec<_>> = split_top_level(rest).into_iter().map(assignment).collect();
            match pairs {
                Some(p) if !p.is_empty() => Ok(Command::WhatIf(p)),
                _ => Err(usage("what-if")),
            }
        }
        "compare" => Ok(Command::Compare(
            rest.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
        )),
        "as-of" | "asof" => one(Command::AsOf),
        "load" => one(Command::Load),
        "save" => match rest.split_whitespace().collect::<Vec<_>>().as_slice() {
            [path] if *path != "--force" => Ok(Command::Save {
                path: path.to_string(),
                force: false,
            }),
            ["--force", path] | [path, "--force"] => Ok(Command::Save {
                path: path.to_string(),
                force: true,
            }),
            _ => Err(usage("save")),
        },
        "use" => {
            let words: Vec<&str> = rest.split_whitespace().collect();
            match words.as_slice() {
                [p] => Ok(Command::Use {
                    procedure: p.to_string(),
                    edition: None,
                }),
                [p, "--guidance", e] | ["--guidance", e, p] => Ok(Command::Use {
                    procedure: p.to_string(),
                    edition: Some(e.to_string()),
                }),
                _ => Err(usage("use")),
            }
        }
        "reload" => none(Command::Reload),
        "help" => Ok(Command::Help((!rest.is_empty()).then(|| rest.to_string()))),
        "quit" | "exit" => none(Command::Quit),
        _ => {
            let names = COMMANDS.iter().map(|c| c.name);
            Err(Unparsed {
                message: format!("`{word}` is not a command"),
                help: crate::diagnostic::did_you_mean(word, names)
                    .unwrap_or_else(|| "type `help` for the commands".to_string()),
            })
        }
    }
}

/// `help`, or one command's help.
pub fn help_text(command: Option<&str>) -> Result<String, Unparsed> {
    let width = COMMANDS
        .iter()
        .map(|c| c.name.len() + 1 + c.args.len())
        .max()
        .unwrap_or(0);
    let line = |c: &CommandHelp| {
        let usage = if c.args.is_empty() {
            c.name.to_string()
        } else {
            format!("{} {}", c.name, c.args)
        };
        format!("  {usage:<width$}  {}\n", c.help)
    };
    match command {
        None => {
            let mut out = String::from("Commands\n");
            for c in COMMANDS {
                out.push_str(&line(c));
            }
            out.push_str("\nDuring `ask`, answer with a value (or the number of a choice), `skip` or `stop`, or type a command.\nYes/no questions take yes, no, y, n, true or false; dates are DD/MM/YYYY (day first) or YYYY-MM-DD,\nin answers, `set`, `what-if` and `as-of`.\n");
            Ok(out)
        }
        Some(name) => COMMANDS
            .iter()
            .find(|c| c.name == name)
            .map(line)
            .ok_or_else(|| Unparsed {
                message: format!("`{name}` is not a command"),
                help: crate::diagnostic::did_you_mean(name, COMMANDS.iter().map(|c| c.name))
                    .unwrap_or_else(|| "type `help` for the commands".to_string()),
            }),
    }
}
