//! Evaluation order of per-participant definitions.
//!
//! Definitions form a graph: `x` needs `y` in the same period, in the previous
//! period (`prev`), or in all periods (`over year`). Strongly connected groups are
//! legal only when every loop goes through `prev`; such a group is evaluated
//! period by period. Everything else is one definition per stage.

use super::errors::CheckError;
use super::expr::DepKind;
use super::plan::{CellDef, Stage};
use miette::LabeledSpan;
use petgraph::graph::{DiGraph, NodeIndex};

pub fn stages(
    cells: &[CellDef],
    is_cell: &[bool],
    deps: &[Vec<(usize, DepKind)>],
) -> Result<Vec<Stage>, Vec<CheckError>> {
    let mut graph: DiGraph<usize, DepKind> = DiGraph::new();
    let nodes: Vec<NodeIndex> = (0..cells.len()).map(|i| graph.add_node(i)).collect();
    for (from, ds) in deps.iter().enumerate() {
        for (to, kind) in ds {
            if is_cell[from] && is_cell[*to] {
                graph.add_edge(nodes[from], nodes[*to], *kind);
            }
        }
    }
    let mut errors = Vec::new();
    let mut stages = Vec::new();
    // tarjan_scc lists components dependencies-first for edges "needs → needed".
    // petgraph's Tarjan recurses once per definition along a chain of them.
    let room = 64 * 1024 + cells.len() * 1024;
    let components = stacker::maybe_grow(room, room, || petgraph::algo::tarjan_scc(&graph));
    for component in components {
        let members: Vec<usize> = component.iter().map(|n| graph[*n]).filter(|i| is_cell[*i]).collect();
        if members.is_empty() {
            continue;
        }
        let inside = |i: usize| members.contains(&i);
        let mut recursive = false;
        for &m in &members {
            for (to, kind) in &deps[m] {
                if !inside(*to) {
                    continue;
                }
                match kind {
                    DepKind::Prev => recursive = true,
                    DepKind::AllPeriods => errors.push(CheckError::Cycle {
                        message: format!("`{}` depends on itself", cells[m].name),
                        labels: vec![LabeledSpan::at(cells[m].span, format!("`{}` is defined here", cells[m].name))],
                        help: format!(
                            "`{}` needs `{}` over the whole year, which needs `{}` back",
                            cells[m].name, cells[*to].name, cells[m].name
                        ),
                    }),
                    DepKind::Same => {}
                }
            }
        }
        // Order members by same-period needs (acyclic: same-period loops were
        // rejected while resolving names).
        let mut ordered: Vec<usize> = Vec::new();
        let mut remaining = members.clone();
        while !remaining.is_empty() {
            let before = remaining.len();
            remaining.retain(|&m| {
                let ready = deps[m].iter().all(|(to, k)| *k != DepKind::Same || !inside(*to) || ordered.contains(to));
                if ready {
                    ordered.push(m);
                }
                !ready
            });
            if remaining.len() == before {
                for &m in &remaining {
                    errors.push(CheckError::Cycle {
                        message: format!("`{}` depends on itself", cells[m].name),
                        labels: vec![LabeledSpan::at(cells[m].span, format!("`{}` is defined here", cells[m].name))],
                        help: "these definitions need each other in the same period; break the loop with `prev(...)`"
                            .into(),
                    });
                }
                break;
            }
        }
        stages.push(Stage { cells: ordered, recursive });
    }
    if errors.is_empty() {
        Ok(stages)
    } else {
        Err(errors)
    }
}
