//! Rules and decisions compared: the expression of a plain rule; the default and the
//! exceptions of a rule with exceptions; the branches of a decision and their order.
//!
//! Exceptions and branches have no names, so they are paired: identical canonical texts
//! first, then equal keys (an exception's condition, so a flipped value is one changed
//! exception; a branch's value, so a changed condition is one changed branch), then
//! equal citations. What is left over was added or removed. The branches both sides
//! share, met in another order, are a change of their own ("branch order").

use super::{Change, Side, change, side, union};
use crate::check::{Body, Cite, Program, RuleKind};
use crate::diff::canon;

fn kind_of(k: RuleKind) -> &'static str {
    match k {
        RuleKind::Rule => "rule",
        RuleKind::Decision => "decision",
    }
}

pub(super) fn rules(old: &Program, new: &Program, out: &mut Vec<Change>) {
    let names = union(
        old.rules.iter().map(|r| r.name.as_str()).collect(),
        new.rules.iter().map(|r| r.name.as_str()).collect(),
    );
    for name in names {
        fn find<'a>(p: &'a Program, name: &str) -> Option<&'a crate::check::RuleDef> {
            match p.lookup(name) {
                Some(crate::check::Name::Rule(r)) => Some(&p.rules[r]),
                _ => None,
            }
        }
        let (o, n) = (find(old, name), find(new, name));
        let whole = |p: &Program, r: &crate::check::RuleDef| {
            side(
                p,
                r.module,
                r.span,
                r.cite.as_ref(),
                canon::rule_body(p, r).join("; "),
            )
        };
        let (o, n) = match (o, n) {
            (Some(o), Some(n)) => (o, n),
            (o, n) => {
                let kind = kind_of(o.or(n).map_or(RuleKind::Rule, |r| r.kind));
                out.push(change(
                    kind,
                    name,
                    "declaration",
                    o.map(|r| whole(old, r)),
                    n.map(|r| whole(new, r)),
                ));
                continue;
            }
        };
        let kind = kind_of(n.kind);
        if o.label != n.label {
            out.push(change(
                kind,
                name,
                "label",
                Some(side(
                    old,
                    o.module,
                    o.span,
                    o.cite.as_ref(),
                    super::label(o.label.as_ref()),
                )),
                Some(side(
                    new,
                    n.module,
                    n.span,
                    n.cite.as_ref(),
                    super::label(n.label.as_ref()),
                )),
            ));
        }
        if o.cite != n.cite {
            let c = |c: &Option<Cite>| c.as_ref().map_or("(none)".into(), |c| c.text.clone());
            out.push(change(
                kind,
                name,
                "citation",
                Some(side(old, o.module, o.span, o.cite.as_ref(), c(&o.cite))),
                Some(side(new, n.module, n.span, n.cite.as_ref(), c(&n.cite))),
            ));
        }
        let (wo, wn) = (super::words(o.cite.as_ref()), super::words(n.cite.as_ref()));
        if wo != wn {
            out.push(change(
                kind,
                name,
                "quote",
                Some(side(old, o.module, o.span, o.cite.as_ref(), wo)),
                Some(side(new, n.module, n.span, n.cite.as_ref(), wn)),
            ));
        }
        match (&o.body, &n.body) {
            (Body::Expr(a), Body::Expr(b)) => {
                let (ta, tb) = (canon::expr(old, a), canon::expr(new, b));
                if ta != tb {
                    out.push(change(
                        kind,
                        name,
                        "expression",
                        Some(side(old, o.module, o.span, o.cite.as_ref(), ta)),
                        Some(side(new, n.module, n.span, n.cite.as_ref(), tb)),
                    ));
                }
            }
            (
                Body::Default {
                    default: da,
                    exceptions: ea,
                },
                Body::Default {
                    default: db,
                    exceptions: eb,
                },
            ) => {
                let (ta, tb) = (canon::expr(old, da), canon::expr(new, db));
                if ta != tb {
                    out.push(change(
                        kind,
                        name,
                        "default",
                        Some(side(old, o.module, o.span, o.cite.as_ref(), ta)),
                        Some(side(new, n.module, n.span, n.cite.as_ref(), tb)),
                    ));
                }
                let items =
                    |p: &Program, r: &crate::check::RuleDef, es: &[crate::check::ExceptionDef]| {
                        es.iter()
                            .map(|e| Item {
                                text: canon::exception(p, r, e),
                                key: canon::expr(p, &e.when),
                                side: side(
                                    p,
                                    r.module,
                                    e.span,
                                    e.cite.as_ref(),
                                    canon::exception(p, r, e),
                                ),
                            })
                            .collect::<Vec<_>>()
                    };
                let (ia, ib) = (items(old, o, ea), items(new, n, eb));
                pair_items(kind, name, "exception", ia, ib, false, out);
            }
            (Body::Decision { branches: ba }, Body::Decision { branches: bb }) => {
                let items =
                    |p: &Program, r: &crate::check::RuleDef, bs: &[crate::check::BranchDef]| {
                        bs.iter()
                            .map(|b| Item {
                                text: canon::branch(p, r, b),
                                key: canon::enum_name(p, r.ty, b.value),
                                side: side(
                                    p,
                                    r.module,
                                    b.span,
                                    b.cite.as_ref(),
                                    canon::branch(p, r, b),
                                ),
                            })
                            .collect::<Vec<_>>()
                    };
                let (ia, ib) = (items(old, o, ba), items(new, n, bb));
                pair_items(kind, name, "branch", ia, ib, true, out);
            }
            _ => out.push(change(
                kind,
                name,
                "expression",
                Some(whole(old, o)),
                Some(whole(new, n)),
            )),
        }
    }
}

/// An exception or branch, with the key a changed one is paired by (the condition of an
/// exception, the value of a branch).
struct Item {
    text: String,
    key: String,
    side: Side,
}

/// How two items may be paired.
type Pass = fn(&Item, &Item) -> bool;

/// Pair the items of both sides: identical texts first, then equal keys, then equal
/// citations; what is left is added or removed. With `ordered`, a change in the order of
/// the items both sides share is reported too.
fn pair_items(
    kind: &'static str,
    name: &str,
    aspect: &'static str,
    old: Vec<Item>,
    new: Vec<Item>,
    ordered: bool,
    out: &mut Vec<Change>,
) {
    let mut partner: Vec<Option<usize>> = vec![None; old.len()];
    let mut taken = vec![false; new.len()];
    let passes: [Pass; 3] = [
        |a, b| a.text == b.text,
        |a, b| a.key == b.key,
        |a, b| a.side.cite.is_some() && a.side.cite == b.side.cite,
    ];
    for pass in passes {
        for (i, a) in old.iter().enumerate() {
            if partner[i].is_some() {
                continue;
            }
            if let Some(j) = (0..new.len()).find(|&j| !taken[j] && pass(a, &new[j])) {
                partner[i] = Some(j);
                taken[j] = true;
            }
        }
    }
    for (i, a) in old.iter().enumerate() {
        match partner[i] {
            Some(j) if a.text == new[j].text => {
                if a.side.cite != new[j].side.cite {
                    out.push(change(
                        kind,
                        name,
                        "citation",
                        Some(a.side.clone()),
                        Some(new[j].side.clone()),
                    ));
                }
            }
            Some(j) => out.push(change(
                kind,
                name,
                aspect,
                Some(a.side.clone()),
                Some(new[j].side.clone()),
            )),
            None => out.push(change(kind, name, aspect, Some(a.side.clone()), None)),
        }
    }
    for (j, b) in new.iter().enumerate() {
        if !taken[j] {
            out.push(change(kind, name, aspect, None, Some(b.side.clone())));
        }
    }
    if ordered {
        // The shared items in old's order, against the order new gives them.
        let mut pairs: Vec<(usize, usize)> = partner
            .iter()
            .enumerate()
            .filter_map(|(i, p)| p.map(|j| (i, j)))
            .collect();
        let in_old: Vec<usize> = pairs.iter().map(|(_, j)| *j).collect();
        pairs.sort_by_key(|(_, j)| *j);
        if in_old.windows(2).any(|w| w[0] > w[1]) {
            let list = |items: &[&Item]| {
                items
                    .iter()
                    .map(|i| i.text.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            let olds: Vec<&Item> = partner
                .iter()
                .enumerate()
                .filter(|(_, p)| p.is_some())
                .map(|(i, _)| &old[i])
                .collect();
            let news: Vec<&Item> = pairs.iter().map(|(_, j)| &new[*j]).collect();
            let (Some(fo), Some(fn_)) = (olds.first(), news.first()) else {
                return;
            };
            out.push(change(
                kind,
                name,
                "branch order",
                Some(Side {
                    text: list(&olds),
                    ..fo.side.clone()
                }),
                Some(Side {
                    text: list(&news),
                    ..fn_.side.clone()
                }),
            ));
        }
    }
}
