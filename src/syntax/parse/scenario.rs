//! Converters for scenario files (`*.scenario`).

use super::*;

pub(in crate::syntax) fn parse_scenarios(
    source: &Source,
) -> std::result::Result<Vec<Scenario>, Vec<Problem>> {
    check_nesting(&source.text).map_err(|p| vec![p.in_source(source)])?;
    match PolicyParser::parse(Rule::scenario_file, &source.text) {
        Ok(mut pairs) => {
            let Some(file) = pairs.next() else {
                return Ok(Vec::new());
            };
            inner(file)
                .filter(|p| p.as_rule() == Rule::scenario)
                .map(scenario)
                .collect::<Result<Vec<_>>>()
                .map_err(|p| vec![p.in_source(source)])
        }
        Err(first) => Err(recover_parts(
            source,
            first,
            &["scenario"],
            None,
            Rule::lone_scenario,
        )),
    }
}

pub(super) fn scenario(pair: Pair<'_, Rule>) -> Result<Scenario> {
    let at = span(&pair);
    let mut parts = inner(pair);
    let name_pair = next(&mut parts, at, "scenario name")?;
    let name = Spanned::new(string(name_pair.clone()), span(&name_pair));
    let target = ident(next(&mut parts, at, "procedure")?);
    let mut out = Scenario {
        name,
        target,
        as_of: None,
        given: Vec::new(),
        expects: Vec::new(),
        span: at,
    };
    for clause in parts {
        let cspan = span(&clause);
        match clause.as_rule() {
            Rule::as_of => {
                if out.as_of.is_some() {
                    return Err(repeated("as of", cspan));
                }
                let d = next(&mut inner(clause), cspan, "date")?;
                out.as_of = Some(Spanned::new(date(&d)?, span(&d)));
            }
            Rule::given => {
                for a in inner(clause) {
                    let aspan = span(&a);
                    let mut it = inner(a);
                    let name = ident(next(&mut it, aspan, "fact")?);
                    let value = expr(next(&mut it, aspan, "value")?)?;
                    out.given.push((name, value));
                }
            }
            Rule::expect => {
                let mut it = inner(clause);
                let e = next(&mut it, cspan, "expectation")?;
                let under = match it.next() {
                    Some(u) => {
                        let uspan = span(&u);
                        Some(ident(next(&mut inner(u), uspan, "edition")?))
                    }
                    None => None,
                };
                out.expects.push(Expectation {
                    kind: expectation(e)?,
                    under,
                    span: cspan,
                });
            }
            _ => return Err(shape("scenario clause", cspan)),
        }
    }
    Ok(out)
}

pub(super) fn expectation(pair: Pair<'_, Rule>) -> Result<ExpectKind> {
    let at = span(&pair);
    let rule = pair.as_rule();
    let mut it = inner(pair);
    if rule == Rule::expect_missing {
        let set = next(&mut it, at, "set")?;
        return Ok(ExpectKind::Missing(inner(set).map(ident).collect()));
    }
    let name = ident(next(&mut it, at, "name")?);
    Ok(match rule {
        Rule::expect_undetermined => {
            ExpectKind::Undetermined(name, it.next().map(|set| inner(set).map(ident).collect()))
        }
        Rule::expect_applies => ExpectKind::Applies(name, true),
        Rule::expect_not_applies => ExpectKind::Applies(name, false),
        Rule::expect_due => ExpectKind::Due(name, expr(next(&mut it, at, "date")?)?),
        Rule::expect_status => ExpectKind::Status(name, ident(next(&mut it, at, "status")?)),
        Rule::expect_value => ExpectKind::Value(name, expr(next(&mut it, at, "value")?)?),
        _ => return Err(shape("expectation", at)),
    })
}
