//! Policy text → parse + check (modules it extends come from the shipped ones); a
//! program that checks is evaluated on an empty case and every stage after run on it.
#![no_main]

use cspr::builtin::Builtins;
use cspr::check::check;
use cspr::diagnostic::Source;
use cspr::eval::{Case, Engine};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = cspr::syntax::parse_scenarios(&Source::new("fuzz.scenario", text));
    let checked = check(&Source::new("fuzz.policy", text), &Builtins);
    if let Some(program) = checked.program {
        if let Ok(eval) = Engine::new(&program).evaluate(&Case::empty(&program)) {
            cspr_fuzz::exercise(&program, &eval, cspr_fuzz::day(0, 40));
        }
    }
});
