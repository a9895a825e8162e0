//! `missing` and "determined" are exact: on small random programs (yes/no and one-of-a-list
//! facts, plain rules, rules with exceptions, decisions with deciders (`by e0 unless y`),
//! a duty, an integer that is never tried), the engine agrees with a brute-force oracle that evaluates every complete
//! answer to the unknown facts with Kleene's logic and flips one fact at a time.

use cspr::check::{Expr, FactId, Name, Program};
use cspr::eval::kleene::{self, Env};
use cspr::eval::{Engine, EvalError};
use cspr::value::{Type, Value};
use proptest::prelude::*;

use crate::common::{case, program};

/// A tiny deterministic generator, so one `u64` from proptest is one program.
struct Gen(u64);

impl Gen {
    fn next(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }

    fn atom(&mut self, bools: &[String], decisions: &[(String, Vec<&str>)]) -> String {
        let b = |g: &mut Gen| format!("b{}", g.next(4));
        match self.next(9) {
            0 | 1 => b(self),
            2 => format!("not {}", b(self)),
            3 => format!(
                "e{} = {}",
                self.next(2),
                ["x", "y", "z"][self.next(3) as usize]
            ),
            4 => format!("e{} in {{x, y}}", self.next(2)),
            5 => "e0 = e1".into(),
            6 => format!("{} = {}", b(self), b(self)),
            7 if !bools.is_empty() => bools[self.next(bools.len() as u64) as usize].clone(),
            8 if !decisions.is_empty() => {
                let (name, values) = &decisions[self.next(decisions.len() as u64) as usize];
                format!(
                    "{name} = {}",
                    values[self.next(values.len() as u64) as usize]
                )
            }
            _ => "n > 3".into(),
        }
    }

    fn expr(&mut self, depth: u32, bools: &[String], decisions: &[(String, Vec<&str>)]) -> String {
        if depth == 0 || self.next(3) == 0 {
            return self.atom(bools, decisions);
        }
        let a = self.expr(depth - 1, bools, decisions);
        let b = self.expr(depth - 1, bools, decisions);
        match self.next(3) {
            0 => format!("({a} and {b})"),
            1 => format!("({a} or {b})"),
            _ => format!("not ({a} and {b})"),
        }
    }
}

/// A random program of four rules or decisions and one duty over six tried facts and
/// one integer.
fn random_program(seed: u64) -> String {
    let mut g = Gen(seed | 1);
    let mut text = String::from(
        "guidance random \"Random\"\nsource T = \"Tests\"\n\
         fact b0: bool\nfact b1: bool\nfact b2: bool\nfact b3: bool\n\
         fact e0: x | y | z\nfact e1: x | y | z\nfact n: integer\n",
    );
    let (mut bools, mut decisions) = (Vec::new(), Vec::new());
    for i in 0..4 {
        match g.next(3) {
            0 => {
                let e = g.expr(2, &bools, &decisions);
                text += &format!("rule r{i} cite T \"{i}\": {e}\n");
                bools.push(format!("r{i}"));
            }
            1 => {
                let e = g.expr(1, &bools, &decisions);
                text += &format!("rule r{i} cite T \"{i}\":\n  default {e}\n");
                for k in 0..=g.next(2) {
                    let when = g.expr(1, &bools, &decisions);
                    let value = if g.next(2) == 0 { "true" } else { "false" };
                    text += &format!("  exception cite T \"{i}.{k}\": {value} when {when}\n");
                }
                bools.push(format!("r{i}"));
            }
            _ => {
                text += &format!("decision d{i} cite T \"{i}\":\n");
                let mut values = Vec::new();
                for k in 0..=g.next(3) {
                    // Now and then a decider: `e0`'s answer decides, unless it is `y`.
                    if g.next(4) == 0 {
                        let (f, pass) = (g.next(2), ["x", "y", "z"][g.next(3) as usize]);
                        text += &format!("  by e{f} unless {pass} cite T \"{i}.{k}\"\n");
                        values.extend(["x", "y", "z"].into_iter().filter(|v| *v != pass));
                        continue;
                    }
                    let when = g.expr(1, &bools, &decisions);
                    let value = ["x", "y", "z"][g.next(3) as usize];
                    text += &format!("  {value} when {when} cite T \"{i}.{k}\"\n");
                    values.push(value);
                }
                // A decider without `unless` ends a decision as `otherwise` does.
                if g.next(4) == 0 {
                    text += &format!("  by e{} cite T \"{i}.9\"\n", g.next(2));
                    values.extend(["x", "y", "z"]);
                } else {
                    let value = ["x", "y", "z"][g.next(3) as usize];
                    text += &format!("  otherwise {value} cite T \"{i}.9\"\n");
                    values.push(value);
                }
                decisions.push((format!("d{i}"), values));
            }
        }
    }
    let when = g.expr(2, &bools, &decisions);
    text += &format!(
        "actor someone \"Someone\"\nduty act cite T \"9\":\n  someone must \"act\"\n  when {when}\n"
    );
    text
}

/// A case giving some facts.
fn random_case(seed: u64) -> String {
    let mut g = Gen(seed.rotate_left(17) | 1);
    let mut parts = Vec::new();
    for i in 0..4 {
        if g.next(4) == 0 {
            parts.push(format!("\"b{i}\": {}", g.next(2) == 1));
        }
    }
    for i in 0..2 {
        if g.next(4) == 0 {
            parts.push(format!(
                "\"e{i}\": \"{}\"",
                ["x", "y", "z"][g.next(3) as usize]
            ));
        }
    }
    if g.next(2) == 0 {
        parts.push(format!("\"n\": {}", g.next(7)));
    }
    format!("{{{}}}", parts.join(", "))
}

/// A result under one complete answer: `Err` for a conflict.
type Point = (Result<Option<Value>, ()>, Vec<FactId>);

/// Kleene's result for every rule and the duty's condition, with every tried fact known.
fn pointwise(p: &Program, facts: &[Option<Value>]) -> Vec<Point> {
    let n = p.rules.len();
    let mut values: Vec<Option<Value>> = vec![None; n];
    let mut missing: Vec<Vec<FactId>> = vec![Vec::new(); n];
    let mut err = vec![false; n];
    let mut out: Vec<Point> = vec![(Ok(None), Vec::new()); n + 1];
    let reads_conflict = |exprs: &[&Expr], err: &[bool]| {
        let mut any = false;
        for e in exprs {
            e.visit_refs(&mut |name| {
                if let Name::Rule(r) = name {
                    any |= err[r];
                }
            });
        }
        any
    };
    for &r in &p.order {
        let rule = &p.rules[r];
        let env = Env {
            facts,
            rules: &values,
        };
        let point = match kleene::rule_value(rule, &env) {
            Err(_) => (Err(()), Vec::new()),
            Ok((Some(v), _)) => (Ok(Some(v)), Vec::new()),
            Ok((None, _)) if reads_conflict(&rule.exprs(), &err) => (Err(()), Vec::new()),
            Ok((None, _)) => (Ok(None), kleene::rule_missing(rule, &env, &missing)),
        };
        err[r] = point.0.is_err();
        values[r] = point.0.clone().ok().flatten();
        missing[r] = point.1.clone();
        out[r] = point;
    }
    let env = Env {
        facts,
        rules: &values,
    };
    let w = p.duties[0].when.as_ref().expect("the duty has a condition");
    out[n] = match env.truth(w) {
        Some(b) => (Ok(Some(Value::Bool(b))), Vec::new()),
        None if reads_conflict(&[w], &err) => (Err(()), Vec::new()),
        None => {
            let mut m = Vec::new();
            kleene::missing(w, &env, &missing, &mut m);
            m.sort_unstable();
            m.dedup();
            (Ok(None), m)
        }
    };
    out
}

fn answers(ty: Type, p: &Program) -> Vec<Value> {
    match ty {
        Type::Bool => vec![Value::Bool(false), Value::Bool(true)],
        Type::Enum(e) => (0..p.enums[e].variants.len())
            .map(|i| Value::Enum(i as u8))
            .collect(),
        // The engine tries every subset of a short list, as the oracle must.
        Type::Set(e) if p.enums[e].variants.len() <= 10 => (0..1u64 << p.enums[e].variants.len())
            .map(Value::Set)
            .collect(),
        _ => Vec::new(),
    }
}

/// For every rule and the duty: the value if every answer agrees, and the facts whose
/// answer alone can change the result, with the untried facts some answer waits on.
fn oracle(p: &Program, given: &[Option<Value>]) -> Vec<(Option<Value>, Vec<FactId>)> {
    let unknown: Vec<FactId> = (0..given.len())
        .filter(|&f| given[f].is_none() && !answers(p.facts[f].ty, p).is_empty())
        .collect();
    let domains: Vec<Vec<Value>> = unknown.iter().map(|&f| answers(p.facts[f].ty, p)).collect();
    let total: usize = domains.iter().map(Vec::len).product();
    let assign = |index: usize| {
        let mut facts = given.to_vec();
        let mut rest = index;
        for (k, &f) in unknown.iter().enumerate() {
            facts[f] = Some(domains[k][rest % domains[k].len()].clone());
            rest /= domains[k].len();
        }
        facts
    };
    let points: Vec<Vec<Point>> = (0..total).map(|i| pointwise(p, &assign(i))).collect();
    (0..=p.rules.len())
        .map(|t| {
            let first = &points[0][t].0;
            if matches!(first, Ok(Some(_))) && points.iter().all(|pt| pt[t].0 == *first) {
                return (first.clone().ok().flatten(), Vec::new());
            }
            let mut missing: Vec<FactId> = points.iter().flat_map(|pt| pt[t].1.clone()).collect();
            let mut stride = 1;
            for (k, &f) in unknown.iter().enumerate() {
                let n = domains[k].len();
                let matters = (0..total)
                    .filter(|i| (i / stride) % n == 0)
                    .any(|i| (1..n).any(|j| points[i + j * stride][t] != points[i][t]));
                if matters {
                    missing.push(f);
                }
                stride *= n;
            }
            missing.sort_unstable();
            missing.dedup();
            (None, missing)
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]
    #[test]
    fn missing_and_determined_agree_with_a_brute_force_oracle(seed in any::<u64>(), case_seed in any::<u64>()) {
        let text = random_program(seed);
        let p = program(&text);
        let c = case(&p, &random_case(case_seed));
        // Case by case first, then with the diagrams compiled for the program.
        let engine = Engine::new(&p).compile_after(None);
        for compiled in [false, true] {
            if compiled {
                engine.compile();
            }
            let e = match engine.evaluate(&c) {
                Ok(e) => e,
                // A conflict is the oracle's too: every complete answer to the unknown
                // facts conflicts somewhere. (How often: `conflicts_are_rare`.)
                Err(EvalError::Conflict { .. }) => {
                    prop_assert!(
                        every_answer_conflicts(&p, c.facts()),
                        "a conflict the oracle does not see (compiled: {}) in\n{}\ncase {}",
                        compiled, text, random_case(case_seed)
                    );
                    continue;
                }
                Err(other) => panic!("{other}"),
            };
            let expected = oracle(&p, &e.facts);
            for (r, rule) in p.rules.iter().enumerate() {
                let got = (e.outcomes[r].value.clone(), e.outcomes[r].missing.clone());
                prop_assert_eq!(&got, &expected[r], "rule {} (compiled: {}) of\n{}\ncase {}", rule.name, compiled, text, random_case(case_seed));
            }
            let duty = &e.duties[0];
            let got = (duty.applies.map(Value::Bool), duty.missing.clone());
            prop_assert_eq!(&got, &expected[p.rules.len()], "the duty (compiled: {}) of\n{}\ncase {}", compiled, text, random_case(case_seed));
        }
    }
}

/// Whether every complete answer to the tried unknown facts makes some rule or the duty
/// conflict.
fn every_answer_conflicts(p: &Program, given: &[Option<Value>]) -> bool {
    let unknown: Vec<FactId> = (0..given.len())
        .filter(|&f| given[f].is_none() && !answers(p.facts[f].ty, p).is_empty())
        .collect();
    let domains: Vec<Vec<Value>> = unknown.iter().map(|&f| answers(p.facts[f].ty, p)).collect();
    let total: usize = domains.iter().map(Vec::len).product();
    (0..total).all(|index| {
        let mut facts = given.to_vec();
        let mut rest = index;
        for (k, &f) in unknown.iter().enumerate() {
            facts[f] = Some(domains[k][rest % domains[k].len()].clone());
            rest /= domains[k].len();
        }
        pointwise(p, &facts).iter().any(|pt| pt.0.is_err())
    })
}

/// The oracle test checks only that a conflict is real when the engine reports one: on
/// the random programs and cases it draws from, conflicts must stay rare, or it would
/// compare little.
#[test]
fn conflicts_are_rare() {
    let mut conflicts = 0;
    for seed in 0..300u64 {
        let p = program(&random_program(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15)));
        let c = case(&p, &random_case(seed.wrapping_mul(0xbf58_476d_1ce4_e5b9)));
        if let Err(EvalError::Conflict { .. }) = Engine::new(&p).evaluate(&c) {
            conflicts += 1;
        }
    }
    assert!(conflicts <= 30, "{conflicts} of 300 cases conflict");
}

#[test]
fn eleven_facts_used_twice_are_still_exact() {
    // Past the old bound of 1,024 combinations: `(f0 and … and f10) or not (…)` is
    // always true, and nothing is missing.
    let names: Vec<String> = (0..11).map(|i| format!("f{i}")).collect();
    let mut text = String::from("guidance wide \"Wide\"\nsource T = \"Tests\"\n");
    for n in &names {
        text += &format!("fact {n}: bool\n");
    }
    let all = names.join(" and ");
    text += &format!("rule eleven cite T \"1\": ({all}) or not ({all})\n");
    text += &format!("rule twelve cite T \"2\": (({all}) or not ({all})) and g\nfact g: bool\n");
    let p = program(&text);
    let e = Engine::new(&p)
        .evaluate(&case(&p, "{}"))
        .expect("evaluates");
    assert_eq!(e.outcomes[0].value, Some(Value::Bool(true)));
    assert!(e.outcomes[0].missing.is_empty());
    let g = p.facts.iter().position(|f| f.name == "g").expect("g");
    assert_eq!(e.outcomes[1].missing, [g], "only g can change twelve");
    assert_eq!(e.missing, [g]);
}

/// A program whose rules mostly read facts no other part of them reads (read-once, where
/// Kleene's logic alone is exact and the engine skips the diagrams), with now and then a
/// fact read twice, so both ways meet the oracle: eight yes/no facts, two one-of-a-list
/// facts, a set and two integers that are never tried.
fn read_once_program(seed: u64) -> String {
    let mut g = Gen(seed | 1);
    let mut text = String::from(
        "guidance once \"Read once\"\nsource T = \"Tests\"\n\
         fact m: integer\nfact n: integer\nfact s: set of x | y | z\n",
    );
    for i in 0..8 {
        text += &format!("fact b{i}: bool\n");
    }
    text += "fact e0: x | y | z\nfact e1: x | y\n";
    // Atoms over a pool of facts, each taken once unless the draw reuses one.
    let mut pool: Vec<String> = (0..8).map(|i| format!("b{i}")).collect();
    pool.extend(["e0", "e1", "s", "n", "m", "nm"].map(String::from));
    let mut atom = |g: &mut Gen| {
        let pick = if pool.is_empty() || g.next(10) == 0 {
            ["b0", "e0", "n", "s"][g.next(4) as usize].to_string()
        } else {
            pool.swap_remove(g.next(pool.len() as u64) as usize)
        };
        match pick.as_str() {
            "e0" => {
                ["e0 = y", "e0 != z", "e0 in {x, y}", "e0 in {x, y, z}"][g.next(4) as usize].into()
            }
            "e1" => ["e1 = x", "e1 in {y}"][g.next(2) as usize].into(),
            "s" => "y in s".into(),
            "n" => "n > 3".into(),
            "m" => "m = 2".into(),
            "nm" => "m < n".into(),
            b if g.next(3) == 0 => format!("{b} = true"),
            b => b.into(),
        }
    };
    let mut rules: Vec<String> = Vec::new();
    for i in 0..4 {
        let mut parts = Vec::new();
        for _ in 0..=g.next(3) {
            let a = if !rules.is_empty() && g.next(4) == 0 {
                rules.swap_remove(g.next(rules.len() as u64) as usize)
            } else {
                atom(&mut g)
            };
            parts.push(if g.next(4) == 0 {
                format!("not ({a})")
            } else {
                a
            });
        }
        let op = if g.next(2) == 0 { " and " } else { " or " };
        text += &format!("rule r{i} cite T \"{i}\": {}\n", parts.join(op));
        rules.push(format!("r{i}"));
    }
    let when = rules.join(if g.next(2) == 0 { " and " } else { " or " });
    text += &format!(
        "actor someone \"Someone\"\nduty act cite T \"9\":\n  someone must \"act\"\n  when {when}\n"
    );
    text
}

fn read_once_case(seed: u64) -> String {
    let mut g = Gen(seed.rotate_left(29) | 1);
    let mut parts = Vec::new();
    for i in 0..8 {
        if g.next(3) == 0 {
            parts.push(format!("\"b{i}\": {}", g.next(2) == 1));
        }
    }
    if g.next(3) == 0 {
        parts.push(format!(
            "\"e0\": \"{}\"",
            ["x", "y", "z"][g.next(3) as usize]
        ));
    }
    if g.next(3) == 0 {
        parts.push(format!("\"e1\": \"{}\"", ["x", "y"][g.next(2) as usize]));
    }
    for name in ["m", "n"] {
        if g.next(2) == 0 {
            parts.push(format!("\"{name}\": {}", g.next(6)));
        }
    }
    format!("{{{}}}", parts.join(", "))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]
    #[test]
    fn read_once_rules_agree_with_the_brute_force_oracle(seed in any::<u64>(), case_seed in any::<u64>()) {
        let text = read_once_program(seed);
        let p = program(&text);
        let c = case(&p, &read_once_case(case_seed));
        let e = Engine::new(&p).evaluate(&c).expect("no exceptions, no conflicts");
        let expected = oracle(&p, &e.facts);
        for (r, rule) in p.rules.iter().enumerate() {
            let got = (e.outcomes[r].value.clone(), e.outcomes[r].missing.clone());
            prop_assert_eq!(&got, &expected[r], "rule {} of\n{}\ncase {}", rule.name, text, read_once_case(case_seed));
        }
        let duty = &e.duties[0];
        let got = (duty.applies.map(Value::Bool), duty.missing.clone());
        prop_assert_eq!(&got, &expected[p.rules.len()], "the duty of\n{}\ncase {}", text, read_once_case(case_seed));
    }
}

/// On the shipped procedures, the diagrams compiled once per program give every outcome,
/// duty and missing list the case-by-case diagrams give: for each shipped example with
/// none, some and all of the facts it gives taken away.
#[test]
fn compiled_diagrams_agree_with_case_by_case_on_the_shipped_procedures() {
    let pairs = [
        (
            "policies/working-together-2018.policy",
            "death-in-area.json",
        ),
        ("policies/working-together-2018.policy", "incomplete.json"),
        (
            "policies/working-together-2023.policy",
            "care-leaver-death.json",
        ),
        (
            "policies/lincolnshire.policy",
            "lincolnshire-rapid-review.json",
        ),
        (
            "policies/lincolnshire.policy",
            "lincolnshire-incomplete.json",
        ),
        (
            "policies/buckinghamshire.policy",
            "buckinghamshire-custody-death.json",
        ),
        (
            "policies/buckinghamshire.policy",
            "buckinghamshire-incomplete.json",
        ),
        ("policies/walsall.policy", "walsall-referral.json"),
    ];
    for (policy, example) in pairs {
        let p = crate::common::program_file(policy);
        let text = std::fs::read_to_string(
            crate::common::root()
                .join("policies/examples")
                .join(example),
        )
        .expect("example");
        let full = case(&p, &text);
        let given: Vec<FactId> = (0..p.facts.len())
            .filter(|&f| full.get(f).is_some())
            .collect();
        let (by_case, compiled) = (Engine::new(&p).compile_after(None), Engine::new(&p));
        assert!(compiled.compile(), "{policy}: something compiles");
        for k in (0..=given.len()).step_by(3) {
            let mut c = full.clone();
            for &f in &given[..k] {
                c.set(&p, f, None).expect("unset");
            }
            let (a, b) = (
                by_case.evaluate(&c).expect("evaluates"),
                compiled.evaluate(&c).expect("evaluates"),
            );
            assert_eq!(
                a.outcomes, b.outcomes,
                "{policy} {example} without {k} facts"
            );
            assert_eq!(a.duties, b.duties, "{policy} {example} without {k} facts");
            assert_eq!(a.missing, b.missing, "{policy} {example} without {k} facts");
        }
    }
}

/// A program whose diagram with nothing known is far past the compiled diagrams' budget
/// (`(a1 and b1) or … or (a16 and b16)` with the `a`s asked first has 2^16 nodes): the
/// engine stops compiling at the budget and answers case by case, quickly and the same.
#[test]
fn a_program_past_the_compile_budget_is_answered_case_by_case() {
    let mut text = String::from("guidance wide \"Wide\"\nsource T = \"Tests\"\n");
    for side in ["a", "b"] {
        for i in 1..=16 {
            text += &format!("fact {side}{i}: bool\n");
        }
    }
    let terms: Vec<String> = (1..=16).map(|i| format!("(a{i} and b{i})")).collect();
    // `a1` read twice: not read-once, so the rule would be compiled.
    text += &format!(
        "rule any cite T \"1\": {} or (a1 and b2)\n",
        terms.join(" or ")
    );
    let p = program(&text);
    let (by_case, compiled) = (Engine::new(&p).compile_after(None), Engine::new(&p));
    assert!(!compiled.compile(), "past the budget, nothing is compiled");
    // Most facts given, a few left unknown.
    let mut given: Vec<String> = (1..=16)
        .map(|i| format!("\"b{i}\": {}", i % 3 == 0))
        .collect();
    given.extend((4..=16).map(|i| format!("\"a{i}\": false")));
    let c = case(&p, &format!("{{{}}}", given.join(", ")));
    let (x, y) = (
        by_case.evaluate(&c).expect("evaluates"),
        compiled.evaluate(&c).expect("evaluates"),
    );
    assert_eq!(x.outcomes, y.outcomes);
    let a3 = p.facts.iter().position(|f| f.name == "a3").expect("a3");
    assert_eq!(
        y.outcomes[0].missing,
        [a3],
        "only a3 (with b3 true) can make it true"
    );
}
