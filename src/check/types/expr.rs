//! Typing expressions bidirectionally, and the errors of names and types.

use super::*;

impl<'a, 'p> Compiler<'a, 'p> {
    pub(super) fn undefined(&mut self, name: &str, span: Span, m: ModuleId) {
        let mut p = Problem::error("cspr::undefined", format!("`{name}` is not defined"))
            .label(span, "no fact, rule or decision has this name");
        let hint = did_you_mean(name, self.names.keys().map(String::as_str));
        p = match hint {
            Some(h) => p.help(h),
            None => match self.enums.iter().position(|e| e.index(name).is_some()) {
                Some(_) => p.help(format!(
                    "`{name}` is a value of a list; compare a fact with it, e.g. `FACT = {name}`"
                )),
                None => p.help(format!("declare it, e.g. `fact {name}: bool ask \"…?\"`")),
            },
        };
        self.err(m, p);
    }

    pub(super) fn mismatch(&mut self, m: ModuleId, span: Span, expected: Type, found: Type) {
        let (e, f) = (
            type_name(expected, &self.enums),
            type_name(found, &self.enums),
        );
        self.err(
            m,
            Problem::error("cspr::type", format!("expected {e}, found {f}"))
                .label(span, format!("this is {f}"))
                .help(format!("use an expression of type {e} here")),
        );
    }

    /// Compile `e`; where `expected` is given, the result has that type or an error is reported.
    pub(super) fn expr(
        &mut self,
        e: &ast::Expr,
        expected: Option<Type>,
        m: ModuleId,
    ) -> Option<(Expr, Type)> {
        let (compiled, ty) = self.infer(e, expected, m)?;
        match expected {
            Some(t) if t != ty => {
                self.mismatch(m, e.span, t, ty);
                None
            }
            _ => Some((compiled, ty)),
        }
    }

    pub(super) fn infer(
        &mut self,
        e: &ast::Expr,
        expected: Option<Type>,
        m: ModuleId,
    ) -> Option<(Expr, Type)> {
        use ast::ExprKind as K;
        Some(match &e.kind {
            K::Bool(b) => (Expr::Const(Value::Bool(*b)), Type::Bool),
            K::Int(n) => (Expr::Const(Value::Int(*n)), Type::Integer),
            K::Date(d) => (Expr::Const(Value::Date(*d)), Type::Date),
            K::DateTime(d) => (Expr::Const(Value::DateTime(*d)), Type::DateTime),
            K::Text(t) => (Expr::Const(Value::Text(t.as_str().into())), Type::Text),
            K::Name(n) => return self.name(n, e.span, expected, m),
            K::SetLit(_) => {
                self.err(
                    m,
                    Problem::error(
                        "cspr::set_literal",
                        "a list of values like `{a, b}` can only follow `in`",
                    )
                    .label(e.span, "")
                    .help("write `FACT in {a, b}`"),
                );
                return None;
            }
            K::Not(inner) => (
                Expr::Not(Box::new(self.expr(inner, Some(Type::Bool), m)?.0)),
                Type::Bool,
            ),
            K::And(items) | K::Or(items) => {
                let mut out = Vec::with_capacity(items.len());
                let mut ok = true;
                for item in items {
                    match self.expr(item, Some(Type::Bool), m) {
                        Some((c, _)) => out.push(c),
                        None => ok = false,
                    }
                }
                if !ok {
                    return None;
                }
                let c = if matches!(e.kind, K::And(_)) {
                    Expr::And(out)
                } else {
                    Expr::Or(out)
                };
                (c, Type::Bool)
            }
            K::Cmp(op, l, r) => {
                let l_is_free_name = matches!(&l.kind, K::Name(n) if !self.names.contains_key(n));
                let (lc, rc, t) = if l_is_free_name {
                    let (rc, t) = self.expr(r, None, m)?;
                    let (lc, _) = self.expr(l, Some(t), m)?;
                    (lc, rc, t)
                } else {
                    let (lc, t) = self.expr(l, None, m)?;
                    let (rc, _) = self.expr(r, Some(t), m)?;
                    (lc, rc, t)
                };
                if !matches!(op, CmpOp::Eq | CmpOp::Ne) && !t.is_ordered() {
                    let tn = type_name(t, &self.enums);
                    self.err(
                        m,
                        Problem::error(
                            "cspr::type",
                            format!(
                                "`{}` needs numbers, dates or date-times, found {tn}",
                                op.as_str()
                            ),
                        )
                        .label(e.span, "cannot be ordered")
                        .help("compare with `=` or `!=`, or use `in {…}` for several values"),
                    );
                    return None;
                }
                (Expr::Cmp(*op, Box::new(lc), Box::new(rc)), Type::Bool)
            }
            K::In(l, r) => match &r.kind {
                K::SetLit(items) => {
                    let (lc, lt) = self.expr(l, None, m)?;
                    let Type::Enum(en) = lt else {
                        let tn = type_name(lt, &self.enums);
                        self.err(
                            m,
                            Problem::error("cspr::type", format!("`in {{…}}` needs a value from a list, found {tn}"))
                                .label(l.span, format!("this is {tn}"))
                                .help("use `in {…}` with a fact, rule or decision that takes one value of a list"),
                        );
                        return None;
                    };
                    let mut mask = 0u64;
                    let mut ok = true;
                    for item in items {
                        match self.enums[en].index(&item.node) {
                            Some(i) => mask |= 1 << i,
                            None => {
                                self.no_such_value(&item.node, item.span, en, m);
                                ok = false;
                            }
                        }
                    }
                    if !ok {
                        return None;
                    }
                    (Expr::InConst(Box::new(lc), mask), Type::Bool)
                }
                _ => {
                    let (rc, rt) = self.expr(r, None, m)?;
                    let Type::Set(en) = rt else {
                        let tn = type_name(rt, &self.enums);
                        self.err(
                            m,
                            Problem::error("cspr::type", format!("`in` needs a set of values on its right, found {tn}"))
                                .label(r.span, format!("this is {tn}"))
                                .help("write `x in {a, b}`, or `value in SET_FACT` for a fact declared `set of …`"),
                        );
                        return None;
                    };
                    let (lc, _) = self.expr(l, Some(Type::Enum(en)), m)?;
                    (Expr::Member(Box::new(lc), Box::new(rc)), Type::Bool)
                }
            },
        })
    }

    pub(super) fn no_such_value(&mut self, name: &str, span: Span, en: usize, m: ModuleId) {
        let list = self.enums[en].variants.join(", ");
        let hint = did_you_mean(name, self.enums[en].variants.iter().map(String::as_str));
        self.err(
            m,
            Problem::error(
                "cspr::unknown_value",
                format!("`{name}` is not one of the values here"),
            )
            .label(span, "no such value")
            .help(hint.unwrap_or_else(|| format!("the values are: {list}"))),
        );
    }

    pub(super) fn name(
        &mut self,
        n: &str,
        span: Span,
        expected: Option<Type>,
        m: ModuleId,
    ) -> Option<(Expr, Type)> {
        if let Some(Type::Enum(en)) = expected
            && let Some(i) = self.enums[en].index(n)
        {
            return Some((Expr::Const(Value::Enum(i)), Type::Enum(en)));
        }
        match self.names.get(n).copied() {
            Some(Name::Fact(f)) => {
                self.used[f] = true;
                Some((Expr::Fact(f), self.facts[f].ty))
            }
            Some(Name::Rule(r)) => {
                let t = self.ensure_rule(r, span)?;
                Some((Expr::Rule(r), t))
            }
            Some(Name::Duty(_)) => {
                self.err(
                    m,
                    Problem::error("cspr::type", format!("`{n}` is a duty, not a value"))
                        .label(span, "a duty")
                        .help("use the rule or condition that makes the duty apply"),
                );
                None
            }
            None => {
                match expected {
                    Some(Type::Enum(en)) => self.no_such_value(n, span, en, m),
                    _ => self.undefined(n, span, m),
                }
                None
            }
        }
    }
}
