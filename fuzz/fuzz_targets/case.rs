//! Case bytes (JSON, TOML or JSON Lines, by the first byte) → loaded against each shipped
//! procedure → evaluated, explained and rendered every way, statuses judged on a day
//! taken from the next two bytes.
#![no_main]

use cspr::case::{Format, parse, parse_lines};
use cspr::diagnostic::Source;
use cspr::eval::Engine;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [f, a, b, rest @ ..] = data else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let as_of = cspr_fuzz::day(*a, *b);
    let (name, format) = match f % 3 {
        0 => ("case.json", Format::Json),
        1 => ("case.toml", Format::Toml),
        _ => ("batch.jsonl", Format::JsonLines),
    };
    let source = Source::new(name, text);
    for program in cspr_fuzz::programs() {
        let engine = Engine::new(program);
        let cases: Vec<_> = if format == Format::JsonLines {
            parse_lines(program, &source).map(|(_, c)| c).collect()
        } else {
            vec![parse(program, &source, format)]
        };
        for case in cases.into_iter().flatten() {
            if let Ok(eval) = engine.evaluate(&case) {
                cspr_fuzz::exercise(program, &eval, as_of);
            }
        }
    }
});
