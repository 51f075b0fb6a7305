//! The TextMate grammar (`editors/comp.tmLanguage.json`) tokenises the
//! reference plan and the language reference's examples leaving no character
//! without a scope, and gives the tokens that matter the scopes they should
//! have. A small TextMate tokenizer: line by line, at each position the rule
//! whose match starts first wins (the first listed on a tie); `begin`/`end`
//! rules span lines; `captures` name groups.

mod common;

use regex::Regex;
use serde_json::Value;

struct Rule {
    regex: Regex,
    name: Option<String>,
    captures: Vec<(usize, String)>,
    end: Option<Regex>,
}

fn rules(grammar: &Value, patterns: &Value, out: &mut Vec<Rule>) {
    for p in patterns.as_array().expect("patterns is a list") {
        if let Some(include) = p["include"].as_str() {
            let key = include.strip_prefix('#').expect("a repository include");
            rules(grammar, &grammar["repository"][key]["patterns"], out);
            continue;
        }
        let (pattern, end) = match (p["match"].as_str(), p["begin"].as_str()) {
            (Some(m), _) => (m, None),
            (None, Some(b)) => (b, Some(Regex::new(p["end"].as_str().expect("begin has an end")).unwrap())),
            _ => panic!("a rule with neither match nor begin: {p}"),
        };
        let regex =
            Regex::new(pattern).unwrap_or_else(|e| panic!("`{pattern}` is not a pattern the tests can run: {e}"));
        let captures = p["captures"]
            .as_object()
            .map(|c| c.iter().map(|(k, v)| (k.parse().unwrap(), v["name"].as_str().unwrap().to_string())).collect())
            .unwrap_or_default();
        out.push(Rule { regex, name: p["name"].as_str().map(str::to_string), captures, end });
    }
}

fn grammar() -> Vec<Rule> {
    let text = std::fs::read_to_string(common::root().join("editors/comp.tmLanguage.json")).unwrap();
    let grammar: Value = serde_json::from_str(&text).expect("the grammar is JSON");
    assert_eq!(grammar["scopeName"], "source.comp");
    let mut out = Vec::new();
    rules(&grammar, &grammar["patterns"], &mut out);
    out
}

/// `(line, column, text, scope)` for every token; scope `None` for a
/// character no rule matched.
fn tokenize(rules: &[Rule], text: &str) -> Vec<(usize, usize, String, Option<String>)> {
    let mut tokens = Vec::new();
    let mut open: Option<&Rule> = None;
    for (n, line) in text.lines().enumerate() {
        let mut at = 0;
        let mut push = |start: usize, end: usize, scope: Option<&str>| {
            if start < end {
                tokens.push((n + 1, start + 1, line[start..end].to_string(), scope.map(str::to_string)));
            }
        };
        while at < line.len() {
            if let Some(rule) = open {
                let end = rule.end.as_ref().unwrap().find_at(line, at).map_or(line.len(), |m| m.end());
                push(at, end, rule.name.as_deref());
                if end < line.len() || rule.end.as_ref().unwrap().find_at(line, at).is_some() {
                    open = None;
                }
                at = end;
                continue;
            }
            let best = rules
                .iter()
                .filter_map(|r| r.regex.captures_at(line, at).map(|c| (r, c)))
                .filter(|(_, c)| c.get(0).unwrap().end() > c.get(0).unwrap().start())
                .min_by_key(|(_, c)| c.get(0).unwrap().start());
            let Some((rule, caps)) = best else {
                line[at..].char_indices().for_each(|(i, ch)| push(at + i, at + i + ch.len_utf8(), None));
                break;
            };
            let whole = caps.get(0).unwrap();
            line[at..whole.start()].char_indices().for_each(|(i, ch)| push(at + i, at + i + ch.len_utf8(), None));
            if rule.end.is_some() {
                open = Some(rule);
                push(whole.start(), whole.end(), rule.name.as_deref());
                at = whole.end();
                continue;
            }
            let mut pos = whole.start();
            let mut groups: Vec<(usize, usize, &str)> = rule
                .captures
                .iter()
                .filter_map(|(g, name)| caps.get(*g).map(|m| (m.start(), m.end(), name.as_str())))
                .collect();
            groups.sort();
            for (s, e, name) in groups {
                push(pos, s, rule.name.as_deref());
                push(s, e, Some(name));
                pos = e;
            }
            push(pos, whole.end(), rule.name.as_deref());
            at = whole.end();
        }
    }
    tokens
}

const ROOTS: [&str; 9] =
    ["comment", "string", "constant", "keyword", "storage", "entity", "variable", "support", "punctuation"];

fn assert_covered(text: &str, what: &str) -> Vec<(usize, usize, String, Option<String>)> {
    let tokens = tokenize(&grammar(), text);
    let unknown: Vec<String> = tokens
        .iter()
        .filter(|(_, _, t, scope)| scope.is_none() && !t.trim().is_empty())
        .map(|(l, c, t, _)| format!("{what}:{l}:{c}: `{t}`"))
        .collect();
    assert!(unknown.is_empty(), "characters without a scope:\n{}", unknown.join("\n"));
    for (l, c, t, scope) in &tokens {
        if let Some(scope) = scope {
            let root = scope.split('.').next().unwrap();
            assert!(ROOTS.contains(&root) && scope.ends_with(".comp"), "{what}:{l}:{c}: `{t}` has scope {scope}");
        }
    }
    tokens
}

fn scope_of<'a>(tokens: &'a [(usize, usize, String, Option<String>)], text: &str) -> &'a str {
    tokens
        .iter()
        .find(|(_, _, t, _)| t == text)
        .and_then(|(_, _, _, s)| s.as_deref())
        .unwrap_or_else(|| panic!("no token `{text}`"))
}

#[test]
fn the_reference_plan_has_a_scope_for_every_character() {
    let text = std::fs::read_to_string(common::root().join("rules/sales_2024.comp")).unwrap();
    let tokens = assert_covered(&text, "rules/sales_2024.comp");
    assert_eq!(scope_of(&tokens, "100,000 CNY"), "constant.numeric.money.comp");
    assert_eq!(scope_of(&tokens, "120%"), "constant.numeric.percent.comp");
    assert_eq!(scope_of(&tokens, "2024"), "constant.numeric.comp");
    assert_eq!(scope_of(&tokens, "\"new_energy\""), "string.quoted.double.comp");
    assert_eq!(scope_of(&tokens, "×"), "keyword.operator.arithmetic.comp");
    assert_eq!(scope_of(&tokens, ">="), "keyword.operator.comparison.comp");
    assert_eq!(scope_of(&tokens, "tiers"), "storage.type.comp");
    assert_eq!(scope_of(&tokens, "payout"), "storage.type.comp");
    assert_eq!(scope_of(&tokens, "commission_paid"), "entity.name.function.comp");
    assert_eq!(scope_of(&tokens, "reps"), "entity.name.type.comp");
    assert_eq!(scope_of(&tokens, "money"), "support.type.column.comp");
    assert_eq!(scope_of(&tokens, "sum"), "support.function.comp");
    assert_eq!(scope_of(&tokens, "where"), "keyword.other.comp");
    assert_eq!(scope_of(&tokens, "if"), "keyword.control.conditional.comp");
    assert_eq!(scope_of(&tokens, "    currency"), "variable.other.setting.comp");
    assert!(scope_of(&tokens, "// 13. 每项金额四舍五入到分").starts_with("comment.line"));
}

#[test]
fn the_language_reference_examples_have_a_scope_for_every_character() {
    let text = std::fs::read_to_string(common::root().join("docs/language.md")).unwrap();
    let mut blocks = 0;
    for block in text.split("```").skip(1).step_by(2) {
        if let Some(body) = block.strip_prefix("comp\n").or_else(|| block.strip_prefix("comp-error\n")) {
            assert_covered(body, "docs/language.md");
            blocks += 1;
        }
    }
    assert!(blocks >= 15);
    let tokens = assert_covered("param a = ¥20,000 ÷ 2 /* a\nblock */ ≤ 2024-03-31", "inline");
    assert_eq!(scope_of(&tokens, "¥20,000"), "constant.numeric.money.comp");
    assert_eq!(scope_of(&tokens, "2024-03-31"), "constant.other.date.comp");
    assert_eq!(scope_of(&tokens, "block */"), "comment.block.comp");
}

#[test]
fn the_vscode_extension_points_at_the_grammar() {
    let root = common::root().join("editors/vscode");
    let manifest: Value = serde_json::from_str(&std::fs::read_to_string(root.join("package.json")).unwrap()).unwrap();
    let grammar = &manifest["contributes"]["grammars"][0];
    assert_eq!(grammar["scopeName"], "source.comp");
    let path = root.join(grammar["path"].as_str().unwrap());
    let linked: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(linked["scopeName"], "source.comp");
    let config = manifest["contributes"]["languages"][0]["configuration"].as_str().unwrap();
    let config: Value = serde_json::from_str(&std::fs::read_to_string(root.join(config)).unwrap()).unwrap();
    assert_eq!(config["comments"]["lineComment"], "//");
}

#[test]
fn a_splits_table_is_a_declaration() {
    let text = std::fs::read_to_string(common::root().join("rules/examples/split_credit.comp")).unwrap();
    let tokens = assert_covered(&text, "rules/examples/split_credit.comp");
    assert_eq!(scope_of(&tokens, "splits"), "storage.type.comp");
    assert_eq!(scope_of(&tokens, "deal_splits"), "entity.name.type.comp");
    assert_eq!(scope_of(&tokens, "for"), "keyword.other.comp");
    assert_eq!(scope_of(&tokens, "percent"), "support.type.column.comp");
}

#[test]
fn a_clawback_reads_at_a_date() {
    let text = std::fs::read_to_string(common::root().join("rules/examples/clawback.comp")).unwrap();
    let tokens = assert_covered(&text, "rules/examples/clawback.comp");
    assert_eq!(scope_of(&tokens, "at"), "keyword.other.comp");
    assert_eq!(scope_of(&tokens, "days_between"), "support.function.comp");
}

/// Exchange rates, amounts in other currencies and changes from a date on.
#[test]
fn dated_and_currency_words_have_scopes() {
    for name in ["multi_currency", "dated_changes"] {
        let path = format!("rules/examples/{name}.comp");
        let text = std::fs::read_to_string(common::root().join(&path)).unwrap();
        assert_covered(&text, &path);
    }
    let tokens = assert_covered(
        "fx rates by currency on date {\n    amount: money in currency\n}\nparam r = 3%, from 2024-07-01: 4%",
        "inline",
    );
    assert_eq!(scope_of(&tokens, "fx"), "storage.type.comp");
    assert_eq!(scope_of(&tokens, "rates"), "entity.name.type.comp");
    assert_eq!(scope_of(&tokens, "in"), "keyword.other.comp");
    assert_eq!(scope_of(&tokens, "from"), "keyword.other.comp");
    assert_eq!(scope_of(&tokens, "2024-07-01"), "constant.other.date.comp");
}
