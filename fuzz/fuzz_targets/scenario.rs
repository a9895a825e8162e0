//! Scenario text → parsed → each scenario compiled against the shipped procedure it
//! names → run (evaluated and every expectation compared).
#![no_main]

use cspr::diagnostic::Source;
use cspr::eval::Engine;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let source = Source::new("fuzz.scenario", text);
    let Ok(scenarios) = cspr::syntax::parse_scenarios(&source) else {
        return;
    };
    for s in &scenarios {
        let Some(program) = cspr_fuzz::programs()
            .iter()
            .find(|p| p.entry().id == s.target.node)
        else {
            continue;
        };
        if let Ok(compiled) = cspr::scenario::compile(s, program, &source) {
            let _ = cspr::scenario::run(&Engine::new(program), &compiled);
        }
    }
});
