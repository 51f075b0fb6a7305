//! The HTML statement opens in a real browser: headless Chromium (Debian's
//! `chromium` package) renders it to a screenshot, which must not be blank.
//!
//! Without `/usr/bin/chromium` the test fails under CI (`CI=true`; `.ci/run`
//! installs the package) and is skipped, with a message, elsewhere.

mod common;

use std::path::Path;
use std::process::Command;

const CHROMIUM: &str = "/usr/bin/chromium";

#[test]
fn statement_page_renders_in_headless_chromium() {
    if !Path::new(CHROMIUM).exists() {
        let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
        assert!(!ci, "{CHROMIUM} is missing: CI must install it (`apt-get install -y chromium`, see .ci/run)");
        eprintln!("skipped: {CHROMIUM} is missing (install Debian's `chromium` package to run this test)");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let page = dir.path().join("statement.html");
    let out = Command::new(env!("CARGO_BIN_EXE_comp"))
        .current_dir(common::root())
        .args(["statement", "rules/sales_2024.comp", "--data", "rules/data/2024", "--participant", "R03"])
        .args(["--format", "html", "--output"])
        .arg(&page)
        .output()
        .expect("run comp");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let shot = dir.path().join("shot.png");
    let profile = dir.path().join("profile");
    let mut url = String::from("file://");
    url.push_str(&page.to_string_lossy());
    let browser = Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg("--window-size=1000,1400")
        .arg(&url)
        .output()
        .expect("run chromium");
    let stderr = String::from_utf8_lossy(&browser.stderr);
    assert!(browser.status.success(), "chromium failed ({}):\n{stderr}", browser.status);
    // The page loads nothing, so no load can fail; a console error would be ours.
    for problem in ["Failed to load resource", "Uncaught", "net::ERR_", "CONSOLE"] {
        assert!(!stderr.contains(problem), "chromium reported `{problem}`:\n{stderr}");
    }

    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&shot).expect("a screenshot")));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("a size")];
    let info = reader.next_frame(&mut buf).expect("a frame");
    assert_eq!((info.width, info.height), (1000, 1400));
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    let channels = info.color_type.samples();
    let pixels: Vec<&[u8]> = buf[..info.buffer_size()].chunks(channels).collect();
    let colours: std::collections::HashSet<&[u8]> = pixels.iter().copied().collect();
    let inked = pixels.iter().filter(|p| p.iter().take(3).any(|&c| c < 200)).count();
    let share = inked as f64 / pixels.len() as f64;
    assert!(colours.len() > 1, "the screenshot is one colour");
    // Text, rules and figures, on a mostly white page.
    assert!((0.01..0.6).contains(&share), "{:.1}% of the pixels are inked", share * 100.0);
}
