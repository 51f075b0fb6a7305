//! Every example in docs/language.md runs: `comp` blocks check cleanly,
//! `comp-error` blocks are rejected. Fragments are checked after the prelude
//! (the first block), as the page says.

mod common;

fn blocks() -> Vec<(String, String, usize)> {
    let text = std::fs::read_to_string(common::root().join("docs/language.md")).unwrap();
    let mut out = Vec::new();
    let mut current: Option<(String, String, usize)> = None;
    for (n, line) in text.lines().enumerate() {
        match (&mut current, line.strip_prefix("```")) {
            (None, Some(lang)) if !lang.is_empty() => current = Some((lang.to_string(), String::new(), n + 1)),
            (Some(_), Some("")) => out.push(current.take().unwrap()),
            (Some((_, body, _)), _) => {
                body.push_str(line);
                body.push('\n');
            }
            _ => {}
        }
    }
    out
}

fn check(text: &str) -> Result<(), String> {
    let file = comp::syntax::parse(text).map_err(|e| format!("{e:?}"))?;
    comp::check::check(&file, &[]).map(|_| ()).map_err(|e| format!("{e:#?}"))
}

#[test]
fn every_example_in_the_language_reference_runs() {
    let blocks = blocks();
    let prelude = blocks.iter().find(|(lang, _, _)| lang == "comp").expect("a prelude").1.clone();
    let mut checked = 0;
    for (lang, body, line) in &blocks {
        let whole = body.trim_start().starts_with("plan");
        let text = if whole { body.clone() } else { format!("{prelude}\n{body}") };
        match lang.as_str() {
            "comp" => {
                if let Err(e) = check(&text) {
                    panic!("docs/language.md:{line}: the example does not check:\n{body}\n{e}");
                }
            }
            "comp-error" => {
                assert!(check(&text).is_err(), "docs/language.md:{line}: the example should be rejected:\n{body}");
            }
            _ => continue,
        }
        checked += 1;
    }
    assert!(checked >= 15, "only {checked} examples found");
}
