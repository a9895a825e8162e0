//! The procedure as a picture (`cspr graph`): facts → rules → decisions → duties, with
//! exceptions as nodes of their own, each node labelled with its citation.
//!
//! [`Graph::of`] builds the nodes and edges from a checked program, optionally only
//! what one outcome depends on; [`Graph::dot`] and [`Graph::mermaid`] write it for
//! Graphviz and Mermaid, and [`Graph::svg`] draws it without either, by a small layered
//! layout:
//!
//! 1. each node's column is one more than the highest column it depends on, so every
//!    edge points right; a fact sits in the column just before its first user;
//! 2. within a column, nodes start in declaration order, then four sweeps move each to
//!    the mean row of its neighbours in the column before (and after), which untangles
//!    most crossings (the barycentre heuristic of Sugiyama-style layouts);
//! 3. edges are cubic curves from the right side of a node to the left side of the next.
//!
//! The whole procedure ([`Graph::staged`]) is laid out by stage: the facts in the first
//! column, the rules, exceptions and decisions in the columns after them (by dependency,
//! as rules and decisions use each other), the duties in the last; each stage a band with
//! its name in the SVG, a cluster in DOT (the facts the source rank, the duties the sink)
//! and a subgraph in Mermaid. What one outcome depends on keeps the compact layout.
//!
//! Everything is deterministic, so a graph's SVG is the same bytes every time.

use std::fmt::Write as _;

use crate::check::{Anchor, Body, Cite, Name, Program};
use crate::report::html::escape;

/// What a node of the graph stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    Fact,
    Rule,
    Decision,
    Exception,
    Duty,
}

impl NodeKind {
    fn as_str(self) -> &'static str {
        match self {
            NodeKind::Fact => "fact",
            NodeKind::Rule => "rule",
            NodeKind::Decision => "decision",
            NodeKind::Exception => "exception",
            NodeKind::Duty => "duty",
        }
    }
}

/// One node: a fact, rule, decision, exception or duty.
#[derive(Debug, Clone)]
pub struct GraphNode {
    /// Unique, safe as a DOT or Mermaid id: `f_child_died`, `x_lcspr_required_1`.
    pub id: String,
    pub kind: NodeKind,
    pub label: String,
    pub cite: Option<String>,
}

/// How one node feeds another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeKind {
    /// Used in a condition or expression.
    Uses,
    /// An exception overriding its rule.
    Overrides,
    /// The date a deadline counts from.
    Deadline,
}

/// A procedure's dependency graph.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    pub nodes: Vec<GraphNode>,
    /// `(from, to, kind)`: `from` is used by `to`.
    pub edges: Vec<(usize, usize, EdgeKind)>,
    /// The whole procedure, laid out by stage (facts → rules and decisions → duties).
    pub staged: bool,
}

/// A graph of more nodes than this is hard to read whole: `cspr graph` suggests drawing
/// what one outcome depends on.
pub const LARGE: usize = 60;

/// The stages of a procedure, in the order a case runs through them.
const STAGES: [(&str, &str); 4] = [
    ("facts", "Facts"),
    ("rules", "Rules"),
    ("decisions", "Decisions"),
    ("duties", "Duties"),
];

impl NodeKind {
    /// The stage a node belongs to (an index into `STAGES`).
    fn stage(self) -> usize {
        match self {
            NodeKind::Fact => 0,
            NodeKind::Rule | NodeKind::Exception => 1,
            NodeKind::Decision => 2,
            NodeKind::Duty => 3,
        }
    }
}

fn cite_text(c: Option<&Cite>) -> Option<String> {
    c.map(|c| c.text.clone())
}

impl Graph {
    /// The whole procedure, or with `only`, what that rule, decision or duty depends on
    /// (itself included).
    pub fn of(program: &Program, only: Option<Name>) -> Graph {
        let mut g = Graph::default();
        let facts: Vec<usize> = program
            .facts
            .iter()
            .map(|f| g.add(format!("f_{}", f.name), NodeKind::Fact, &f.name, None))
            .collect();
        let rules: Vec<usize> = program
            .rules
            .iter()
            .map(|r| {
                let kind = match r.kind {
                    crate::check::RuleKind::Decision => NodeKind::Decision,
                    crate::check::RuleKind::Rule => NodeKind::Rule,
                };
                g.add(
                    format!("r_{}", r.name),
                    kind,
                    &r.name,
                    cite_text(r.cite.as_ref()),
                )
            })
            .collect();
        let duties: Vec<usize> = program
            .duties
            .iter()
            .map(|d| {
                let label = format!("{}: {} {}", d.name, d.actor, d.modality.as_str());
                g.add(
                    format!("d_{}", d.name),
                    NodeKind::Duty,
                    &label,
                    cite_text(d.cite.as_ref()),
                )
            })
            .collect();
        let node_of = |n: Name| match n {
            Name::Fact(f) => facts[f],
            Name::Rule(r) => rules[r],
            Name::Duty(d) => duties[d],
        };
        for (r, rule) in program.rules.iter().enumerate() {
            let to = rules[r];
            match &rule.body {
                Body::Default {
                    default,
                    exceptions,
                } => {
                    default.visit_refs(&mut |n| g.edge(node_of(n), to, EdgeKind::Uses));
                    for (i, ex) in exceptions.iter().enumerate() {
                        let x = g.add(
                            format!("x_{}_{}", rule.name, i + 1),
                            NodeKind::Exception,
                            &format!("exception: {}", ex.text),
                            cite_text(ex.cite.as_ref()),
                        );
                        ex.when
                            .visit_refs(&mut |n| g.edge(node_of(n), x, EdgeKind::Uses));
                        ex.value
                            .visit_refs(&mut |n| g.edge(node_of(n), x, EdgeKind::Uses));
                        g.edge(x, to, EdgeKind::Overrides);
                    }
                }
                _ => {
                    for e in rule.exprs() {
                        e.visit_refs(&mut |n| g.edge(node_of(n), to, EdgeKind::Uses));
                    }
                }
            }
        }
        for (d, duty) in program.duties.iter().enumerate() {
            let to = duties[d];
            if let Some(w) = &duty.when {
                w.visit_refs(&mut |n| g.edge(node_of(n), to, EdgeKind::Uses));
            }
            if let Some(dl) = &duty.deadline {
                for (cond, _) in &dl.choices {
                    cond.visit_refs(&mut |n| g.edge(node_of(n), to, EdgeKind::Uses));
                }
                for a in dl.anchors() {
                    let from = match a {
                        Anchor::Fact(f) | Anchor::Done(_, f) => facts[f],
                        Anchor::Duty(o) => duties[o],
                    };
                    g.edge(from, to, EdgeKind::Deadline);
                }
            }
        }
        match only {
            Some(n) => g.cone(node_of(n)),
            None => {
                g.staged = true;
                g
            }
        }
    }

    fn add(&mut self, id: String, kind: NodeKind, label: &str, cite: Option<String>) -> usize {
        self.nodes.push(GraphNode {
            id,
            kind,
            label: label.to_string(),
            cite,
        });
        self.nodes.len() - 1
    }

    fn edge(&mut self, from: usize, to: usize, kind: EdgeKind) {
        if !self.edges.contains(&(from, to, kind)) {
            self.edges.push((from, to, kind));
        }
    }

    /// The part of the graph `root` depends on.
    fn cone(&self, root: usize) -> Graph {
        let mut keep = vec![false; self.nodes.len()];
        keep[root] = true;
        let mut stack = vec![root];
        while let Some(n) = stack.pop() {
            for (from, to, _) in &self.edges {
                if *to == n && !keep[*from] {
                    keep[*from] = true;
                    stack.push(*from);
                }
            }
        }
        let mut index = vec![usize::MAX; self.nodes.len()];
        let mut g = Graph::default();
        for (i, node) in self.nodes.iter().enumerate() {
            if keep[i] {
                index[i] = g.nodes.len();
                g.nodes.push(node.clone());
            }
        }
        g.edges = self
            .edges
            .iter()
            .filter(|(f, t, _)| keep[*f] && keep[*t])
            .map(|(f, t, k)| (index[*f], index[*t], *k))
            .collect();
        g
    }

    /// Graphviz DOT (`dot -Tsvg graph.dot > graph.svg`).
    pub fn dot(&self) -> String {
        let q = |s: &str| {
            s.replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace('\n', " ")
        };
        let mut out = String::from(
            "digraph procedure {\n  rankdir=LR;\n  node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", fontname=\"Helvetica\", fontsize=10];\n  edge [color=\"#667085\"];\n",
        );
        if self.staged {
            // One cluster per stage; the facts are the source rank, the duties the sink.
            out.push_str("  newrank=true;\n");
            for (stage, (id, title)) in STAGES.iter().enumerate() {
                let ids: Vec<&str> = self
                    .nodes
                    .iter()
                    .filter(|n| n.kind.stage() == stage)
                    .map(|n| n.id.as_str())
                    .collect();
                if ids.is_empty() {
                    continue;
                }
                let _ = writeln!(
                    out,
                    "  subgraph cluster_{id} {{ label=\"{title}\"; style=\"rounded,dashed\"; color=\"#d0d5dd\"; fontname=\"Helvetica\"; {}; }}",
                    ids.join("; ")
                );
                match stage {
                    0 => {
                        let _ = writeln!(out, "  {{ rank=source; {}; }}", ids.join("; "));
                    }
                    3 => {
                        let _ = writeln!(out, "  {{ rank=sink; {}; }}", ids.join("; "));
                    }
                    _ => {}
                }
            }
        }
        for n in &self.nodes {
            let label = match &n.cite {
                Some(c) => format!("{}\\n[{}]", q(&n.label), q(c)),
                None => q(&n.label),
            };
            let style = match n.kind {
                NodeKind::Fact => "shape=ellipse, fillcolor=\"#eef4ff\"",
                NodeKind::Rule => "fillcolor=\"#ffffff\"",
                NodeKind::Decision => "shape=hexagon, fillcolor=\"#fff4d6\"",
                NodeKind::Exception => "style=\"rounded,filled,dashed\", fillcolor=\"#fde8e8\"",
                NodeKind::Duty => "shape=note, fillcolor=\"#e7f6ec\"",
            };
            let _ = writeln!(out, "  {} [label=\"{label}\", {style}];", n.id);
        }
        for (f, t, k) in &self.edges {
            let style = match k {
                EdgeKind::Uses => "",
                EdgeKind::Overrides => " [style=dashed, color=\"#c62828\", label=\"overrides\"]",
                EdgeKind::Deadline => " [style=dotted, label=\"counts from\"]",
            };
            let _ = writeln!(
                out,
                "  {} -> {}{style};",
                self.nodes[*f].id, self.nodes[*t].id
            );
        }
        out.push_str("}\n");
        out
    }

    /// A Mermaid flowchart (renders in GitHub Markdown inside a ```mermaid block).
    pub fn mermaid(&self) -> String {
        let q = |s: &str| {
            s.replace('&', "#amp;")
                .replace('"', "#quot;")
                .replace('<', "#lt;")
                .replace('>', "#gt;")
        };
        let mut out = String::from("flowchart LR\n");
        let stages: Vec<usize> = if self.staged {
            (0..STAGES.len()).collect()
        } else {
            vec![usize::MAX]
        };
        for stage in stages {
            let in_stage = |n: &&GraphNode| stage == usize::MAX || n.kind.stage() == stage;
            if stage != usize::MAX {
                if !self.nodes.iter().any(|n| n.kind.stage() == stage) {
                    continue;
                }
                let (id, title) = STAGES[stage];
                let _ = writeln!(out, "  subgraph stage_{id} [\"{title}\"]");
            }
            for n in self.nodes.iter().filter(in_stage) {
                let label = match &n.cite {
                    Some(c) => format!("{}<br/>[{}]", q(&n.label), q(c)),
                    None => q(&n.label),
                };
                let (open, close) = match n.kind {
                    NodeKind::Fact => ("([", "])"),
                    NodeKind::Rule => ("[", "]"),
                    NodeKind::Decision => ("{{", "}}"),
                    NodeKind::Exception => ("[/", "/]"),
                    NodeKind::Duty => ("[[", "]]"),
                };
                let _ = writeln!(out, "  {}{open}\"{label}\"{close}", n.id);
            }
            if stage != usize::MAX {
                out.push_str("  end\n");
            }
        }
        for (f, t, k) in &self.edges {
            let arrow = match k {
                EdgeKind::Uses => "-->",
                EdgeKind::Overrides => "-. overrides .->",
                EdgeKind::Deadline => "-. counts from .->",
            };
            let _ = writeln!(out, "  {} {arrow} {}", self.nodes[*f].id, self.nodes[*t].id);
        }
        for kind in [
            NodeKind::Fact,
            NodeKind::Decision,
            NodeKind::Exception,
            NodeKind::Duty,
        ] {
            let ids: Vec<&str> = self
                .nodes
                .iter()
                .filter(|n| n.kind == kind)
                .map(|n| n.id.as_str())
                .collect();
            if !ids.is_empty() {
                let _ = writeln!(out, "  class {} {}", ids.join(","), kind.as_str());
            }
        }
        out.push_str("  classDef fact fill:#eef4ff,stroke:#5b7bd5\n  classDef decision fill:#fff4d6,stroke:#b7791f\n  classDef exception fill:#fde8e8,stroke:#c62828,stroke-dasharray:4\n  classDef duty fill:#e7f6ec,stroke:#2e7d32\n");
        out
    }

    /// The band of columns a node's stage takes in the SVG: facts, then rules, exceptions
    /// and decisions (which use each other), then duties.
    fn band(kind: NodeKind) -> usize {
        match kind {
            NodeKind::Fact => 0,
            NodeKind::Duty => 2,
            _ => 1,
        }
    }

    /// Columns by stage: facts in 0; rules, exceptions and decisions from 1, each one
    /// right of what it uses; duties right of them all, one right of a duty they count
    /// from. Every edge points right (nothing feeds a fact, and no rule uses a duty).
    fn staged_columns(&self) -> Vec<usize> {
        let n = self.nodes.len();
        let band: Vec<usize> = self.nodes.iter().map(|x| Self::band(x.kind)).collect();
        let mut col: Vec<usize> = band.iter().map(|b| usize::from(*b == 1)).collect();
        let relax = |col: &mut Vec<usize>, within: usize| {
            // Longest path; the checker refuses cycles, and n rounds bound it.
            for _ in 0..n {
                let mut changed = false;
                for (f, t, _) in &self.edges {
                    if band[*t] == within && band[*f] <= within && col[*t] < col[*f] + 1 {
                        col[*t] = col[*f] + 1;
                        changed = true;
                    }
                }
                if !changed {
                    break;
                }
            }
        };
        relax(&mut col, 1);
        let first_duty = (0..n)
            .filter(|i| band[*i] == 1)
            .map(|i| col[i] + 1)
            .max()
            .unwrap_or(1);
        for i in 0..n {
            if band[i] == 2 {
                col[i] = first_duty;
            }
        }
        relax(&mut col, 2);
        col
    }

    /// A staged graph's fact and duty columns, much taller than its rules', wrapped into
    /// several columns side by side (no edge joins two nodes of one column), so the whole
    /// procedure is not a strip many times taller than it is wide.
    fn wrap_tall_columns(&self, columns: Vec<Vec<usize>>) -> Vec<Vec<usize>> {
        let middle = columns
            .iter()
            .filter(|c| {
                c.first()
                    .is_some_and(|n| Self::band(self.nodes[*n].kind) == 1)
            })
            .map(Vec::len)
            .max()
            .unwrap_or(0);
        // About two rows for every column's worth of nodes: √(2n) rows at least.
        let n = self.nodes.len();
        let mut rows = 1;
        while rows * rows < 2 * n {
            rows += 1;
        }
        let limit = middle.max(rows);
        let mut out = Vec::new();
        for c in columns {
            if c.len() > limit {
                let parts = c.len().div_ceil(limit);
                let per = c.len().div_ceil(parts);
                out.extend(c.chunks(per).map(<[usize]>::to_vec));
            } else {
                out.push(c);
            }
        }
        out
    }

    /// Column of each node: facts 0, everything else one right of what it uses.
    fn columns(&self) -> Vec<usize> {
        if self.staged {
            return self.staged_columns();
        }
        let n = self.nodes.len();
        let mut col = vec![0usize; n];
        // Longest path by relaxation; the checker refuses cycles, and n rounds bound it.
        for _ in 0..n {
            let mut changed = false;
            for (f, t, _) in &self.edges {
                if col[*t] < col[*f] + 1 {
                    col[*t] = col[*f] + 1;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        // A node nothing feeds (a fact) sits just before its first user, so its edges
        // stay short.
        for i in 0..n {
            if self.edges.iter().any(|(_, t, _)| *t == i) {
                continue;
            }
            if let Some(first) = self
                .edges
                .iter()
                .filter(|(f, _, _)| *f == i)
                .map(|(_, t, _)| col[*t])
                .min()
            {
                col[i] = first.saturating_sub(1);
            }
        }
        col
    }

    /// The graph drawn as a standalone SVG image.
    pub fn svg(&self) -> String {
        const ROW: f64 = 46.0;
        const GAP: f64 = 70.0;
        const CHAR: f64 = 6.2;
        const PAD: f64 = 12.0;
        let col = self.columns();
        let ncols = col.iter().max().map_or(0, |m| m + 1);
        let mut columns: Vec<Vec<usize>> = vec![Vec::new(); ncols];
        for (i, c) in col.iter().enumerate() {
            columns[*c].push(i);
        }
        if self.staged {
            columns = self.wrap_tall_columns(columns);
        }
        let ncols = columns.len();
        // Barycentre sweeps: order each column by the mean row of its neighbours.
        let mut row = vec![0.0f64; self.nodes.len()];
        let place = |columns: &Vec<Vec<usize>>, row: &mut Vec<f64>| {
            for c in columns {
                for (k, n) in c.iter().enumerate() {
                    row[*n] = k as f64;
                }
            }
        };
        place(&columns, &mut row);
        for sweep in 0..4 {
            let forward = sweep % 2 == 0;
            let order: Vec<usize> = if forward {
                (1..ncols).collect()
            } else {
                (0..ncols.saturating_sub(1)).rev().collect()
            };
            for c in order {
                let mut keyed: Vec<(f64, usize)> = columns[c]
                    .iter()
                    .map(|n| {
                        let near: Vec<f64> = self
                            .edges
                            .iter()
                            .filter_map(|(f, t, _)| match forward {
                                true if t == n => Some(row[*f]),
                                false if f == n => Some(row[*t]),
                                _ => None,
                            })
                            .collect();
                        let key = if near.is_empty() {
                            row[*n]
                        } else {
                            near.iter().sum::<f64>() / near.len() as f64
                        };
                        (key, *n)
                    })
                    .collect();
                keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
                columns[c] = keyed.into_iter().map(|(_, n)| n).collect();
                for (k, n) in columns[c].iter().enumerate() {
                    row[*n] = k as f64;
                }
            }
        }
        let width = |n: &GraphNode| {
            let chars = n
                .label
                .chars()
                .count()
                .max(n.cite.as_ref().map_or(0, |c| c.chars().count() + 2))
                .min(48);
            chars as f64 * CHAR + 2.0 * PAD
        };
        let col_width: Vec<f64> = columns
            .iter()
            .map(|c| c.iter().map(|n| width(&self.nodes[*n])).fold(0.0, f64::max))
            .collect();
        let tallest = columns.iter().map(Vec::len).max().unwrap_or(0) as f64;
        // A staged graph has a line above for the names of its stages.
        let top = if self.staged { 24.0 } else { 0.0 };
        let height = tallest * ROW + 20.0 + top;
        let mut x0 = vec![10.0f64; ncols];
        for c in 1..ncols {
            x0[c] = x0[c - 1] + col_width[c - 1] + GAP;
        }
        let total_w =
            x0.last().copied().unwrap_or(10.0) + col_width.last().copied().unwrap_or(0.0) + 10.0;
        let mut pos = vec![(0.0f64, 0.0f64, 0.0f64); self.nodes.len()];
        for (c, nodes) in columns.iter().enumerate() {
            let offset = (tallest - nodes.len() as f64) * ROW / 2.0 + 10.0 + top;
            for (k, n) in nodes.iter().enumerate() {
                pos[*n] = (x0[c], offset + k as f64 * ROW, width(&self.nodes[*n]));
            }
        }
        let mut out = String::new();
        let _ = writeln!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"graph\" viewBox=\"0 0 {total_w:.0} {height:.0}\" width=\"{total_w:.0}\" height=\"{height:.0}\" role=\"img\" aria-label=\"map of the procedure\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"11\">"
        );
        if self.staged {
            // Each stage a shaded band with its name above.
            let names = ["Facts", "Rules and decisions", "Duties"];
            for (b, name) in names.iter().enumerate() {
                let cols: Vec<usize> = (0..ncols)
                    .filter(|c| {
                        columns[*c]
                            .first()
                            .is_some_and(|n| Self::band(self.nodes[*n].kind) == b)
                    })
                    .collect();
                let (Some(&first), Some(&last)) = (cols.first(), cols.last()) else {
                    continue;
                };
                let x = x0[first] - 6.0;
                let w = x0[last] + col_width[last] - x0[first] + 12.0;
                let fill = if b % 2 == 0 { "#f5f7fa" } else { "#fbfcfd" };
                let _ = writeln!(
                    out,
                    "<g class=\"stage\"><rect x=\"{x:.1}\" y=\"2\" width=\"{w:.1}\" height=\"{:.1}\" rx=\"6\" fill=\"{fill}\" stroke=\"#e4e7ec\"/><text x=\"{:.1}\" y=\"17\" font-size=\"12\" font-weight=\"600\" fill=\"#475467\">{name}</text></g>",
                    height - 4.0,
                    x + 8.0
                );
            }
        }
        out.push_str("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#667085\"/></marker></defs>\n");
        for (f, t, k) in &self.edges {
            let (fx, fy, fw) = pos[*f];
            let (tx, ty, _) = pos[*t];
            let (x1, y1, x2, y2) = (fx + fw, fy + 17.0, tx, ty + 17.0);
            let mid = (x1 + x2) / 2.0;
            let style = match k {
                EdgeKind::Uses => "stroke=\"#98a2b3\"",
                EdgeKind::Overrides => "stroke=\"#c62828\" stroke-dasharray=\"5 3\"",
                EdgeKind::Deadline => "stroke=\"#2e7d32\" stroke-dasharray=\"2 3\"",
            };
            let _ = writeln!(
                out,
                "<path d=\"M{x1:.1},{y1:.1} C{mid:.1},{y1:.1} {mid:.1},{y2:.1} {x2:.1},{y2:.1}\" fill=\"none\" {style} marker-end=\"url(#arrow)\"/>"
            );
        }
        for (i, n) in self.nodes.iter().enumerate() {
            let (x, y, w) = pos[i];
            let (fill, stroke, rx, dash) = match n.kind {
                NodeKind::Fact => ("#eef4ff", "#5b7bd5", 17, ""),
                NodeKind::Rule => ("#ffffff", "#475467", 4, ""),
                NodeKind::Decision => ("#fff4d6", "#b7791f", 4, ""),
                NodeKind::Exception => ("#fde8e8", "#c62828", 4, " stroke-dasharray=\"4 2\""),
                NodeKind::Duty => ("#e7f6ec", "#2e7d32", 0, ""),
            };
            let label = truncate(&n.label, 48);
            let _ = write!(
                out,
                "<g class=\"{}\"><title>{}</title><rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"34\" rx=\"{rx}\" fill=\"{fill}\" stroke=\"{stroke}\"{dash}/>",
                n.kind.as_str(),
                escape(&n.label)
            );
            let text_y = if n.cite.is_some() { y + 14.0 } else { y + 21.0 };
            let _ = write!(
                out,
                "<text x=\"{:.1}\" y=\"{text_y:.1}\">{}</text>",
                x + PAD,
                escape(&label)
            );
            if let Some(c) = &n.cite {
                let _ = write!(
                    out,
                    "<text x=\"{:.1}\" y=\"{:.1}\" fill=\"#475467\" font-size=\"9\">[{}]</text>",
                    x + PAD,
                    y + 27.0,
                    escape(&truncate(c, 46))
                );
            }
            out.push_str("</g>\n");
        }
        out.push_str("</svg>\n");
        out
    }
}

/// At most `n` characters, with an ellipsis when cut.
fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}
