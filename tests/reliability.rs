//! The defects of issue 14, each pinned by a test that failed before its fix: deadline
//! chains, working days the calendar cannot count, the module resolver's reasons, TOML
//! cases (floats, strings holding brackets), strict date-times, a byte-order mark, and
//! shipped modules built into the binary.

use cspr::eval::Engine;

use crate::common::{case, program};

/// A guidance module whose `n` duties each count from the next one's due date, the last
/// from a fact: resolving `d0` walks the whole chain.
fn chain_policy(n: usize) -> String {
    let mut s = String::from(
        "guidance g \"t\"\n  calendar england_and_wales\nsource S = \"s\"\nfact start: date ask \"s\"\n",
    );
    for i in 0..n - 1 {
        s.push_str(&format!(
            "duty d{i} cite S \"1\": a must \"x\" within 1 days after d{}\n",
            i + 1
        ));
    }
    s.push_str(&format!(
        "duty d{} cite S \"1\": a must \"x\" within 1 days after start\n",
        n - 1
    ));
    s
}

#[test]
fn a_long_chain_of_deadline_anchors_resolves_without_recursion() {
    let n = 3000;
    let p = program(&chain_policy(n));
    let c = case(&p, r#"{"start": "2024-03-04"}"#);
    // A small stack: resolution that recursed once per duty overflowed it.
    let due = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || {
            let e = Engine::new(&p).evaluate(&c).expect("evaluates");
            e.duties[0].due.map(|d| d.at.to_string())
        })
        .expect("thread")
        .join()
        .expect("no stack overflow");
    // 3000 calendar days after 2024-03-04.
    assert_eq!(due.as_deref(), Some("2032-05-21"));
}
