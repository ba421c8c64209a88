//! `gongkai report annual`: the annual report generated from the demo city's records in every
//! output format, and the errors a user can make.

use std::process::Command;

fn gongkai(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(args)
        .env_remove("GONGKAI_DATABASE_URL")
        .output()
        .expect("run gongkai");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn annual_report_in_every_format_and_clear_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_str().unwrap();
    let (ok, _, err) = gongkai(&["demo", "--data", dir, "--items", "40"]);
    assert!(ok, "demo failed: {err}");
    let out = |ext: &str| tmp.path().join(format!("report.{ext}"));

    let json = out("json");
    let (ok, stdout, err) = gongkai(&[
        "report",
        "annual",
        "--data",
        dir,
        "--year",
        "2025",
        "--format",
        "json",
        "--out",
        json.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    assert!(
        stdout.contains("2025年政府信息公开工作年度报告"),
        "{stdout}"
    );
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(v["format"], "2021");
    // Every row of the 2021 format: 26 rows of either format less the 2019 （六）.
    assert_eq!(v["table3"]["rows"].as_object().unwrap().len(), 25);
    assert!(v["problems"].as_array().unwrap().is_empty());

    for (format, magic) in [
        ("html", &b"<!DOCTYPE html>"[..]),
        ("docx", &b"PK"[..]),
        ("xlsx", &b"PK"[..]),
        ("pdf", &b"%PDF"[..]),
    ] {
        let path = out(format);
        let (ok, _, err) = gongkai(&[
            "report",
            "annual",
            "--data",
            dir,
            "--year",
            "2025",
            "--scope",
            "city-level",
            "--format",
            format,
            "--out",
            path.to_str().unwrap(),
        ]);
        if !ok && format == "pdf" && err.contains("fonts-noto-cjk") {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI must have the fonts: {err}"
            );
            eprintln!("skipping PDF: {err}");
            continue;
        }
        assert!(ok, "{format}: {err}");
        assert!(std::fs::read(&path).unwrap().starts_with(magic), "{format}");
    }

    // A year without records: zeros and a notice, not an error. (The demo's real letters run
    // to 2022 and its items are city-level, so the counties have nothing in 2021.)
    let (ok, _, err) = gongkai(&[
        "report",
        "annual",
        "--data",
        dir,
        "--scope",
        "counties",
        "--year",
        "2021",
        "--format",
        "json",
        "--out",
        json.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    assert!(err.contains("均为零"), "{err}");

    // Unknown scope, unknown organisation, unknown format, a year before the standard format.
    for (args, needle) in [
        (vec!["--scope", "province"], "unknown scope `province`"),
        (vec!["--scope", "org:NOSUCH"], "NOSUCH"),
        (vec!["--format", "odt"], "odt"),
        (vec!["--year", "2017"], "2019"),
    ] {
        let mut all = vec![
            "report",
            "annual",
            "--data",
            dir,
            "--out",
            json.to_str().unwrap(),
        ];
        if !args.contains(&"--year") {
            all.extend(["--year", "2025"]);
        }
        if !args.contains(&"--format") {
            all.extend(["--format", "json"]);
        }
        all.extend(args.iter().copied());
        let (ok, _, err) = gongkai(&all);
        assert!(!ok, "{args:?} should fail");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
}
