//! Whole-program checks after compiling: cycles of deadline anchors, the depth of rule
//! chains, and the lints (citations, unused facts).

use super::*;

impl<'a, 'p> Compiler<'a, 'p> {
    /// A deadline that counts from another duty's due date must not come back to itself
    /// (through any of its anchors, chosen or not).
    pub(super) fn anchor_cycles(&mut self, duties: &[Option<DutyDef>]) {
        let edges: Vec<Vec<DutyId>> = duties
            .iter()
            .map(|d| {
                let Some(dl) = d.as_ref().and_then(|d| d.deadline.as_ref()) else {
                    return Vec::new();
                };
                // A duty's `done` is a fact of the case: no edge.
                dl.anchors()
                    .into_iter()
                    .filter_map(|a| match a {
                        Anchor::Duty(o) => Some(o),
                        Anchor::Fact(_) | Anchor::Done(..) => None,
                    })
                    .collect()
            })
            .collect();
        // 0 unvisited, 1 on the current path, 2 done.
        let mut state = vec![0u8; duties.len()];
        for start in 0..duties.len() {
            if state[start] != 0 {
                continue;
            }
            let mut stack: Vec<(DutyId, usize)> = vec![(start, 0)];
            state[start] = 1;
            while let Some(&mut (d, ref mut next)) = stack.last_mut() {
                if let Some(&o) = edges[d].get(*next) {
                    *next += 1;
                    match state[o] {
                        0 => {
                            state[o] = 1;
                            stack.push((o, 0));
                        }
                        1 => {
                            let from = stack.iter().position(|(x, _)| *x == o).unwrap_or(0);
                            let mut names: Vec<&str> = stack[from..]
                                .iter()
                                .map(|(x, _)| self.duty_srcs[*x].0.name.node.as_str())
                                .collect();
                            names.push(self.duty_srcs[o].0.name.node.as_str());
                            let (decl, m) = self.duty_srcs[o];
                            let at = decl
                                .deadline
                                .as_ref()
                                .map_or(decl.name.span, |dl| dl.anchor.span());
                            let message = format!(
                                "the deadline of `{}` counts from itself: {}",
                                decl.name.node,
                                names.join(" → ")
                            );
                            self.err(
                                m,
                                Problem::error("cspr::cycle", message)
                                    .label(at, "counted from here")
                                    .help("a deadline must count from a fact, or from a duty that does not count back from this one"),
                            );
                        }
                        _ => {}
                    }
                } else {
                    state[d] = 2;
                    stack.pop();
                }
            }
        }
    }

    /// Refuse chains of rules deeper than [`MAX_RULE_DEPTH`], however they are ordered,
    /// so that explanations (which follow the chain) stay shallow.
    pub(super) fn limit_depth(&mut self) {
        let mut depth = vec![0usize; self.rules.len()];
        for i in 0..self.order.len() {
            let r = self.order[i];
            let Some(def) = &self.rules[r] else { continue };
            let mut d = 0;
            for e in def.exprs() {
                e.visit_refs(&mut |n| {
                    if let Name::Rule(u) = n {
                        d = d.max(depth[u]);
                    }
                });
            }
            depth[r] = d + 1;
            if depth[r] == MAX_RULE_DEPTH + 1 {
                let (src, m) = self.rule_srcs[r];
                self.err(
                    m,
                    Problem::error(
                        "cspr::too_deep",
                        format!("rules use one another more than {MAX_RULE_DEPTH} deep"),
                    )
                    .label(
                        src.name().span,
                        "the chain of rules ending here is too long",
                    )
                    .help("flatten the chain of rules"),
                );
                return;
            }
        }
    }

    /// Warnings, for the entry module only (each extended module is checked on its own).
    pub(super) fn lint(&mut self) {
        let entry = self.chain.len() - 1;
        let mut warnings = Vec::new();
        let missing = |what: &str, name: &str, span: Span| {
            Problem::warning(
                "cspr::no_citation",
                format!("{what} `{name}` cites no source"),
            )
            .label(span, "no `cite`")
            .help("add `cite SOURCE \"paragraph\"` so every result can be traced to the text")
        };
        for (src, m) in &self.rule_srcs {
            if *m != entry {
                continue;
            }
            match src {
                RuleSrc::Rule(r) => {
                    if r.cite.is_none() {
                        warnings.push(missing("rule", &r.name.node, r.name.span));
                    }
                    if let ast::RuleBody::Default { exceptions, .. } = &r.body {
                        for ex in exceptions.iter().filter(|e| e.cite.is_none()) {
                            warnings.push(missing("an exception of", &r.name.node, ex.span));
                        }
                    }
                }
                RuleSrc::Decision(d) => {
                    if d.cite.is_none() {
                        warnings.push(missing("decision", &d.name.node, d.name.span));
                    }
                    for b in d.branches.iter().filter(|b| b.cite.is_none()) {
                        warnings.push(missing("a branch of decision", &d.name.node, b.span));
                    }
                }
            }
        }
        for (d, m) in &self.duty_srcs {
            if *m == entry && d.cite.is_none() {
                warnings.push(missing("duty", &d.name.node, d.name.span));
            }
        }
        if self.chain[entry].1.kind == ModuleKind::Procedure {
            for (f, fact) in self.facts.iter().enumerate() {
                if fact.module == entry && !self.used[f] {
                    warnings.push(
                        Problem::warning("cspr::unused_fact", format!("fact `{}` is never used", fact.name))
                            .label(fact.span, "no rule, decision or duty reads it")
                            .help("use it in a rule, or remove it so nobody is asked a question that changes nothing"),
                    );
                }
            }
        }
        for w in warnings {
            self.err(entry, w);
        }
    }
}

/// A line without its `#` comment (a `#` inside a string is kept).
pub(super) fn strip_comment(line: &str) -> &str {
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '#' if !in_string => return &line[..i],
            _ => {}
        }
    }
    line
}
