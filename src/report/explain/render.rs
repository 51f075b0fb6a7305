//! Explanations for people: a text tree, Markdown, and HTML fragments.
//!
//! A [`Node`] is first laid out as a [`View`] (a headline, body lines and
//! tables, children); the three formats only differ in how they print a view.

use super::{Detail, Explanation, Kind, Node, PeriodExplanation, RowListing, Shown};
use std::fmt::Write;
use unicode_width::UnicodeWidthStr;

/// A piece of a line, styled by what it is.
enum Seg {
    Text(String),
    Name(String),
    Code(String),
    Value(String),
    Muted(String),
}

enum Block {
    Line(Vec<Seg>),
    /// A formula as written (possibly several lines).
    Formula(String),
    Table(Table),
}

struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    /// Right-aligned columns (numbers).
    right: Vec<bool>,
}

struct View {
    head: Vec<Seg>,
    body: Vec<Block>,
    children: Vec<View>,
}

fn shown(v: &Option<Shown>) -> String {
    v.as_ref().map_or_else(|| "–".to_string(), Shown::text)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn periods_label(periods: &[String]) -> String {
    match periods {
        [] => String::new(),
        [one] => one.clone(),
        [first, .., last] => format!("{first} to {last}"),
    }
}

fn view(node: &Node) -> View {
    let mut head = Vec::new();
    if let Some(r) = node.role {
        head.push(Seg::Muted(format!("{}: ", r.name())));
    }
    let formula = node.formula.as_deref().map(one_line);
    match (&node.detail, node.kind) {
        (Some(Detail::Compare { left, op, right, result }), Kind::Compare) => {
            head.push(Seg::Code(formula.clone().unwrap_or_default()));
            head.push(Seg::Text(": ".into()));
            head.push(Seg::Value(shown(&left.value)));
            head.push(Seg::Text(format!(" {op} ")));
            head.push(Seg::Value(shown(&right.value)));
            head.push(Seg::Text(" → ".into()));
            head.push(Seg::Value(result.to_string()));
        }
        (_, Kind::Constant) => head.push(Seg::Code(formula.clone().unwrap_or_default())),
        (_, Kind::Condition) => {
            head.push(Seg::Code(formula.clone().unwrap_or_default()));
            if let Some(v) = &node.value {
                head.push(Seg::Text(" → ".into()));
                head.push(Seg::Value(v.text()));
            }
        }
        _ => {
            match (&node.name, &formula) {
                (Some(n), _) => head.push(Seg::Name(n.clone())),
                (None, Some(f)) => head.push(Seg::Code(f.clone())),
                (None, None) => head.push(Seg::Text(node.kind.name().into())),
            }
            if let Some(v) = &node.value {
                head.push(Seg::Text(" = ".into()));
                head.push(Seg::Value(v.text()));
            }
        }
    }
    let mut notes: Vec<String> = Vec::new();
    if node.kind.is_definition()
        || matches!(node.kind, Kind::Parameter | Kind::RowValue | Kind::Lookup | Kind::Attribute)
    {
        notes.push(node.kind.name().into());
    }
    match &node.detail {
        Some(Detail::Rows { rows, periods, .. }) => {
            notes.push(format!("{} in {}", plural(*rows, "row", "rows"), periods_label(periods)))
        }
        Some(Detail::At { rows, .. }) => notes.push(format!("{} in this period", plural(*rows, "row", "rows"))),
        Some(Detail::Group { over, group, size, .. }) => notes.push(match group {
            Some(g) => format!("{over} {g}: {}", plural(*size, "member", "members")),
            None => format!("over all: {}", plural(*size, "participant", "participants")),
        }),
        _ => {}
    }
    if let Some(at) = &node.at {
        notes.push(at.clone());
    }
    if let Some(n) = &node.note {
        notes.push(n.clone());
    }
    if !notes.is_empty() {
        head.push(Seg::Muted(format!("  ({})", notes.join(" · "))));
    }

    let mut body = Vec::new();
    if node.see_above {
        // A reference to a definition explained earlier: the headline only.
        return View { head, body, children: Vec::new() };
    }
    if node.name.is_some() {
        if let Some(f) = &node.formula {
            body.push(Block::Formula(f.clone()));
        }
    }
    if let (Some(u), Some(r)) = (&node.unrounded, &node.rounding) {
        body.push(Block::Line(vec![
            Seg::Muted("rounded from ".into()),
            Seg::Value(u.text()),
            Seg::Muted(format!(" ({r})")),
        ]));
    }
    match &node.detail {
        None => {}
        Some(Detail::If { condition, taken }) => {
            body.push(Block::Line(vec![Seg::Muted(format!("the condition is {condition}, so `{taken}`"))]))
        }
        // A comparison node shows its values in its headline already.
        Some(Detail::Compare { .. }) if node.kind == Kind::Compare => {}
        Some(Detail::Compare { left, op, right, result }) => body.push(Block::Line(vec![
            Seg::Code(one_line(&left.formula)),
            Seg::Text(" ".into()),
            Seg::Value(shown(&left.value)),
            Seg::Text(format!(" {op} ")),
            Seg::Code(one_line(&right.formula)),
            Seg::Text(" ".into()),
            Seg::Value(shown(&right.value)),
            Seg::Text(" → ".into()),
            Seg::Value(result.to_string()),
        ])),
        Some(Detail::Choice { function: "clamp", arguments, chosen }) if arguments.len() == 3 => {
            let arg = |i: usize| {
                let (f, v) = (one_line(&arguments[i].formula), shown(&arguments[i].value));
                if f == v || f == "0" {
                    vec![Seg::Code(f)]
                } else {
                    vec![Seg::Code(f), Seg::Text(" ".into()), Seg::Value(v)]
                }
            };
            let mut line = arg(0);
            line.push(Seg::Muted(" kept between ".into()));
            line.extend(arg(1));
            line.push(Seg::Muted(" and ".into()));
            line.extend(arg(2));
            line.push(Seg::Text(" → ".into()));
            line.push(Seg::Code(one_line(&arguments[*chosen].formula)));
            body.push(Block::Line(line));
        }
        Some(Detail::Choice { function, arguments, chosen }) => {
            let mut line = vec![Seg::Muted(format!("{function} of "))];
            for (i, a) in arguments.iter().enumerate() {
                if i > 0 {
                    line.push(Seg::Text(", ".into()));
                }
                let formula = one_line(&a.formula);
                let value = shown(&a.value);
                let constant = formula == value
                    || a.value.as_ref().and_then(Shown::num).is_some_and(|d| d.is_zero()) && formula == "0";
                line.push(Seg::Code(formula));
                if !constant {
                    line.push(Seg::Text(" ".into()));
                    line.push(Seg::Value(value));
                }
            }
            line.push(Seg::Text(" → ".into()));
            line.push(Seg::Code(arguments.get(*chosen).map(|a| one_line(&a.formula)).unwrap_or_default()));
            body.push(Block::Line(line));
        }
        Some(Detail::Prev { of, from, default_used }) => body.push(Block::Line(vec![Seg::Muted(if *default_used {
            format!("the first period has no previous `{of}`: the default")
        } else {
            format!("`{of}` in {}", from.as_deref().unwrap_or("?"))
        })])),
        Some(Detail::Rows { filter, having, keys, keys_total, .. }) => {
            let mut line = Vec::new();
            if let Some(f) = filter {
                line.push(Seg::Muted("rows where ".into()));
                line.push(Seg::Code(one_line(f)));
            }
            if let Some(h) = having {
                line.push(Seg::Muted(
                    if line.is_empty() { "keys counted when " } else { "; keys counted when " }.into(),
                ));
                line.push(Seg::Code(one_line(h)));
            }
            if !line.is_empty() {
                body.push(Block::Line(line));
            }
            if !keys.is_empty() {
                let mut header = vec!["key".to_string()];
                header.extend(keys[0].values.iter().map(|v| one_line(&v.formula)));
                header.push("counted".into());
                let mut right = vec![false];
                right.extend(keys[0].values.iter().map(|_| true));
                right.push(false);
                let rows = keys
                    .iter()
                    .map(|k| {
                        let mut row = vec![k.key.clone()];
                        row.extend(k.values.iter().map(|v| shown(&v.value)));
                        row.push(if k.counted { "yes" } else { "no" }.into());
                        row
                    })
                    .collect();
                body.push(Block::Table(Table { header, rows, right }));
            }
            if let Some(total) = keys_total.filter(|t| *t > keys.len()) {
                body.push(Block::Line(vec![Seg::Muted(format!("… {} more keys", total - keys.len()))]));
            }
        }
        Some(Detail::Group { function, members, truncated, size, pool, weight, total_weight, .. }) => {
            if let (Some(p), Some(t)) = (pool, total_weight) {
                body.push(Block::Line(vec![
                    Seg::Muted("pool ".into()),
                    Seg::Value(p.text()),
                    Seg::Muted(" × weight ".into()),
                    Seg::Value(shown(weight)),
                    Seg::Muted(" ÷ total weight ".into()),
                    Seg::Value(t.text()),
                ]));
            }
            let ranked = *function == "rank";
            let mut header = Vec::new();
            if ranked {
                header.push("rank".to_string());
            }
            header.push("participant".into());
            header.push(
                match *function {
                    "rank" => "ranked on",
                    "share" => "weight",
                    _ => "value",
                }
                .into(),
            );
            header.push(String::new());
            let mut right = if ranked { vec![true] } else { vec![] };
            right.extend([false, true, false]);
            let rows = members
                .iter()
                .map(|m| {
                    let mut row = Vec::new();
                    if ranked {
                        row.push(m.rank.map(|r| r.to_string()).unwrap_or_default());
                    }
                    row.push(m.participant.clone());
                    row.push(shown(&m.value));
                    row.push(if m.this { "◀ this participant".into() } else { String::new() });
                    row
                })
                .collect();
            body.push(Block::Table(Table { header, rows, right }));
            if *truncated {
                body.push(Block::Line(vec![Seg::Muted(format!(
                    "… {} more not listed",
                    size.saturating_sub(members.len())
                ))]));
            }
        }
        Some(Detail::At { of, date, filter, periods, .. }) => {
            let mut line = Vec::new();
            if let Some(f) = filter {
                line.push(Seg::Muted("rows where ".into()));
                line.push(Seg::Code(one_line(f)));
                line.push(Seg::Muted("; ".into()));
            }
            line.push(Seg::Muted("summed by the period of each row's ".into()));
            line.push(Seg::Code(date.clone()));
            line.push(Seg::Muted(", each sum at ".into()));
            line.push(Seg::Code(of.clone()));
            line.push(Seg::Muted(" in that period".into()));
            body.push(Block::Line(line));
            if !periods.is_empty() {
                let rows = periods
                    .iter()
                    .map(|p| vec![p.period.clone(), p.amount.text(), shown(&p.value), shown(&p.product)])
                    .collect();
                body.push(Block::Table(Table {
                    header: vec![format!("{date} in"), "rows' amount".into(), of.clone(), format!("amount × {of}")],
                    rows,
                    right: vec![false, true, true, true],
                }));
            }
        }
        Some(Detail::Periods { values, .. }) => {
            let rows = values.iter().map(|v| vec![v.period.clone(), shown(&v.value)]).collect();
            body.push(Block::Table(Table {
                header: vec!["period".into(), "value".into()],
                rows,
                right: vec![false, true],
            }));
        }
        Some(Detail::Tiers { mode, fixed, base, of, bands }) => {
            let mut line = vec![Seg::Muted(format!("{mode} tiers on ")), Seg::Value(shown(base))];
            if let Some(of) = of {
                line.push(Seg::Muted(", band edges × ".into()));
                line.push(Seg::Value(of.text()));
            }
            body.push(Block::Line(line));
            // A band paying a named rate shows the rate's value too.
            let named = |p: &str| {
                p.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_')
                    && p.chars().all(|c| c.is_alphanumeric() || c == '_')
            };
            let rows = bands
                .iter()
                .map(|b| {
                    let mut row = vec![
                        b.band.clone(),
                        shown(&b.from),
                        b.to.as_ref().map_or_else(|| "and above".into(), Shown::text),
                    ];
                    if !fixed {
                        row.push(b.portion.text());
                    }
                    row.push(if named(&b.pays) { format!("{} {}", b.pays, shown(&b.rate)) } else { b.pays.clone() });
                    row.push(b.amount.text());
                    row
                })
                .collect();
            let (header, right) = if *fixed {
                (vec!["band", "from", "to", "pays", "amount"], vec![false, true, true, false, true])
            } else {
                (vec!["band", "from", "to", "portion", "pays", "amount"], vec![false, true, true, true, false, true])
            };
            body.push(Block::Table(Table { header: header.into_iter().map(String::from).collect(), rows, right }));
        }
    }
    View { head, body, children: node.children.iter().map(view).collect() }
}

/// A formula on one line: comments dropped, whitespace collapsed.
pub fn one_line(formula: &str) -> String {
    formula.lines().map(strip_comment).flat_map(str::split_whitespace).collect::<Vec<_>>().join(" ")
}

fn strip_comment(line: &str) -> &str {
    let mut in_string = false;
    let bytes = line.as_bytes();
    for i in 0..bytes.len() {
        match bytes[i] {
            b'"' => in_string = !in_string,
            b'/' if !in_string && bytes.get(i + 1) == Some(&b'/') => return &line[..i],
            _ => {}
        }
    }
    line
}

/// A formula's lines, continuation lines dedented.
fn formula_lines(formula: &str) -> Vec<String> {
    let lines: Vec<&str> = formula.lines().map(|l| l.trim_end()).collect();
    let indent = lines
        .iter()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| if i == 0 { l.to_string() } else { format!("  {}", l.get(indent..).unwrap_or(l.trim_start())) })
        .collect()
}

// ------------------------------------------------------------------ text

fn text_segs(segs: &[Seg]) -> String {
    segs.iter()
        .map(|s| match s {
            Seg::Text(t) | Seg::Name(t) | Seg::Code(t) | Seg::Value(t) | Seg::Muted(t) => t.as_str(),
        })
        .collect()
}

fn text_table(t: &Table) -> Vec<String> {
    let widths: Vec<usize> = (0..t.header.len())
        .map(|c| std::iter::once(&t.header).chain(&t.rows).map(|r| r[c].width()).max().unwrap_or(0))
        .collect();
    let render = |row: &[String]| {
        let mut out = String::new();
        for (c, cell) in row.iter().enumerate() {
            if c > 0 {
                out.push_str("  ");
            }
            let pad = " ".repeat(widths[c] - cell.width());
            if t.right[c] {
                out.push_str(&pad);
                out.push_str(cell);
            } else {
                out.push_str(cell);
                if c + 1 < row.len() {
                    out.push_str(&pad);
                }
            }
        }
        out.trim_end().to_string()
    };
    std::iter::once(render(&t.header)).chain(t.rows.iter().map(|r| render(r))).collect()
}

fn text_tree(v: &View, first: &str, rest: &str, out: &mut String) {
    let _ = writeln!(out, "{first}{}", text_segs(&v.head));
    let bar = if v.children.is_empty() { "  " } else { "│ " };
    let mut body_line = |line: &str| {
        let _ = writeln!(out, "{}", format!("{rest}{bar}{line}").trim_end());
    };
    for b in &v.body {
        match b {
            Block::Line(segs) => body_line(&text_segs(segs)),
            Block::Formula(f) => formula_lines(f).iter().for_each(|l| body_line(l)),
            Block::Table(t) => text_table(t).iter().for_each(|l| body_line(&format!("  {l}"))),
        }
    }
    for (i, c) in v.children.iter().enumerate() {
        let last = i + 1 == v.children.len();
        let (f, r) = if last { ("└─ ", "   ") } else { ("├─ ", "│  ") };
        text_tree(c, &format!("{rest}{f}"), &format!("{rest}{r}"), out);
    }
}

/// One node as a text tree.
pub fn text_node(node: &Node) -> String {
    let mut out = String::new();
    text_tree(&view(node), "", "", &mut out);
    out
}

fn header_line(e: &Explanation) -> String {
    let mut parts = vec![e.participant.clone(), e.plan.clone()];
    if let Some(v) = &e.version {
        parts.push(format!("version {v}"));
    }
    parts.push(e.currency.clone());
    parts.join(" · ")
}

fn about_line(e: &Explanation) -> String {
    let mut parts: Vec<String> =
        e.attributes.iter().filter(|a| !a.value.is_empty()).map(|a| format!("{} {}", a.name, a.value)).collect();
    parts.push(format!("sections: {}", if e.sections.is_empty() { "none".to_string() } else { e.sections.join(", ") }));
    parts.join(" · ")
}

fn listing_table(r: &RowListing) -> Table {
    let mut header = vec!["line".to_string()];
    header.extend(r.columns.iter().cloned());
    header.extend(r.values.iter().cloned());
    header.extend(r.converted.iter().cloned());
    let mut right = vec![true];
    right.extend(r.columns.iter().map(|_| false));
    right.extend(r.values.iter().map(|_| true));
    right.extend(r.converted.iter().map(|_| true));
    let rows = r
        .rows
        .iter()
        .map(|row| {
            let mut out = vec![row.line.to_string()];
            out.extend(row.fields.iter().cloned());
            out.extend(row.values.iter().map(shown));
            out.extend(row.converted.iter().map(shown));
            out
        })
        .collect();
    Table { header, rows, right }
}

fn period_title(p: &PeriodExplanation) -> String {
    format!("{} ({})", p.period, plural(p.row_count, "row", "rows"))
}

/// The explanation as a text tree (`comp explain`).
pub fn text(e: &Explanation) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", header_line(e));
    let _ = writeln!(out, "{}", about_line(e));
    for p in &e.periods {
        let title = period_title(p);
        let _ = writeln!(out, "\n{title}\n{}", "═".repeat(title.width()));
        if p.lines.is_empty() {
            let _ = writeln!(out, "\nno line of the plan applies to {}", e.participant);
        }
        for line in &p.lines {
            out.push('\n');
            text_tree(&view(line), "", "", &mut out);
        }
        if let Some(t) = &p.total {
            let _ = writeln!(out, "\ntotal = {} (the payout lines)", t.text());
        }
        if let Some(r) = &p.rows {
            let _ = writeln!(out, "\nrows of {} in {}:", e.participant, p.period);
            for l in text_table(&listing_table(r)) {
                let _ = writeln!(out, "  {l}");
            }
        }
    }
    out
}

// ------------------------------------------------------------------ Markdown

fn md_code(s: &str) -> String {
    if s.contains('`') {
        format!("`` {s} ``")
    } else {
        format!("`{s}`")
    }
}

fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(ch) = chars.next() {
        let next = chars.peek().copied();
        // `<` only starts HTML before a letter, `/`, `!` or `?`.
        let html = ch == '<' && next.is_some_and(|n| n.is_alphabetic() || matches!(n, '/' | '!' | '?'));
        if html || matches!(ch, '\\' | '*' | '[' | ']' | '`') {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

fn md_segs(segs: &[Seg]) -> String {
    let mut out = String::new();
    for s in segs {
        match s {
            Seg::Text(t) | Seg::Value(t) => out.push_str(&md_escape(t)),
            Seg::Name(t) => {
                let _ = write!(out, "**{}**", md_escape(t));
            }
            Seg::Code(t) => out.push_str(&md_code(t)),
            Seg::Muted(t) => {
                // Emphasis cannot start or end next to punctuation and spaces:
                // keep those outside the asterisks.
                let outside = |c: char| c.is_whitespace() || ",;:.()".contains(c);
                let inner = t.trim_matches(outside);
                if inner.is_empty() {
                    out.push_str(t);
                } else {
                    let start = t.find(inner).unwrap_or(0);
                    let (lead, trail) = (&t[..start], &t[start + inner.len()..]);
                    let _ = write!(out, "{lead}*{}*{trail}", md_muted(inner));
                }
            }
        }
    }
    out
}

/// Muted text may hold `code`: kept as code inside the emphasis.
fn md_muted(s: &str) -> String {
    s.split('`').enumerate().map(|(i, part)| if i % 2 == 1 { format!("`{part}`") } else { md_escape(part) }).collect()
}

fn md_table(t: &Table, indent: &str, out: &mut String) {
    let cell = |s: &str| s.replace('|', "\\|");
    let _ = writeln!(out, "{indent}| {} |", t.header.iter().map(|h| cell(h)).collect::<Vec<_>>().join(" | "));
    let _ = writeln!(
        out,
        "{indent}|{}|",
        t.right.iter().map(|r| if *r { " ---: " } else { " --- " }).collect::<Vec<_>>().join("|")
    );
    for row in &t.rows {
        let _ = writeln!(out, "{indent}| {} |", row.iter().map(|c| cell(c)).collect::<Vec<_>>().join(" | "));
    }
}

fn md_tree(v: &View, depth: usize, out: &mut String) {
    let indent = "  ".repeat(depth);
    let inner = format!("{indent}  ");
    let _ = write!(out, "{indent}- {}", md_segs(&v.head));
    for b in &v.body {
        match b {
            Block::Line(segs) => {
                let _ = write!(out, "\\\n{inner}{}", md_segs(segs));
            }
            Block::Formula(f) => {
                let _ = write!(out, "\\\n{inner}{}", md_code(&one_line(f)));
            }
            Block::Table(t) => {
                let _ = write!(out, "\n\n");
                md_table(t, &inner, out);
            }
        }
    }
    // Ends the item's last line (after a table, which ends its own lines: a
    // blank line before what follows).
    out.push('\n');
    for c in &v.children {
        md_tree(c, depth + 1, out);
    }
}

/// One node as a Markdown list.
pub fn markdown_node(node: &Node) -> String {
    let mut out = String::new();
    md_tree(&view(node), 0, &mut out);
    out
}

/// The explanation as Markdown, for a ticket or a statement.
pub fn markdown(e: &Explanation) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", md_escape(&header_line(e)));
    let _ = writeln!(out, "{}", md_escape(&about_line(e)));
    for p in &e.periods {
        let _ = writeln!(out, "\n## {}\n", md_escape(&period_title(p)));
        if p.lines.is_empty() {
            let _ = writeln!(out, "No line of the plan applies to {}.", md_escape(&e.participant));
        }
        for line in &p.lines {
            md_tree(&view(line), 0, &mut out);
        }
        if let Some(t) = &p.total {
            let _ = writeln!(out, "\n**total** = {} (the payout lines)", md_escape(&t.text()));
        }
        if let Some(r) = &p.rows {
            let _ = writeln!(out, "\nRows of {} in {}:\n", md_escape(&e.participant), p.period);
            md_table(&listing_table(r), "", &mut out);
        }
    }
    out
}

// ------------------------------------------------------------------ HTML

/// Escapes text for HTML.
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn html_segs(segs: &[Seg]) -> String {
    let mut out = String::new();
    for s in segs {
        let _ =
            match s {
                Seg::Text(t) => write!(out, "{}", html_escape(t)),
                Seg::Name(t) => write!(out, "<b class=\"n\">{}</b>", html_escape(t)),
                Seg::Code(t) => write!(out, "<code>{}</code>", html_escape(t)),
                Seg::Value(t) => write!(out, "<span class=\"v\">{}</span>", html_escape(t)),
                Seg::Muted(t) => {
                    // Notes quote names in backticks: code in the page.
                    let inner: String =
                        t.split('`')
                            .enumerate()
                            .map(|(i, part)| {
                                if i % 2 == 1 {
                                    format!("<code>{}</code>", html_escape(part))
                                } else {
                                    html_escape(part)
                                }
                            })
                            .collect();
                    write!(out, "<span class=\"m\">{inner}</span>")
                }
            };
    }
    out
}

fn html_table(t: &Table, out: &mut String) {
    out.push_str("<table class=\"t\"><thead><tr>");
    for (h, r) in t.header.iter().zip(&t.right) {
        let _ = write!(out, "<th{}>{}</th>", if *r { " class=\"r\"" } else { "" }, html_escape(h));
    }
    out.push_str("</tr></thead><tbody>");
    for row in &t.rows {
        out.push_str("<tr>");
        for (c, r) in row.iter().zip(&t.right) {
            let _ = write!(out, "<td{}>{}</td>", if *r { " class=\"r\"" } else { "" }, html_escape(c));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
}

fn html_view(v: &View, out: &mut String) {
    out.push_str("<li><div class=\"h\">");
    out.push_str(&html_segs(&v.head));
    out.push_str("</div>");
    for b in &v.body {
        match b {
            Block::Line(segs) => {
                let _ = write!(out, "<div class=\"b\">{}</div>", html_segs(segs));
            }
            Block::Formula(f) => {
                let _ = write!(out, "<pre class=\"f\">{}</pre>", html_escape(&formula_lines(f).join("\n")));
            }
            Block::Table(t) => html_table(t, out),
        }
    }
    if !v.children.is_empty() {
        out.push_str("<ul>");
        for c in &v.children {
            html_view(c, out);
        }
        out.push_str("</ul>");
    }
    out.push_str("</li>");
}

/// One node as an HTML list (`<ul class="tree">`), for a page that styles it.
pub fn html_tree(node: &Node) -> String {
    let mut out = String::from("<ul class=\"tree\">");
    html_view(&view(node), &mut out);
    out.push_str("</ul>");
    out
}
