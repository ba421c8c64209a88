//! Durability of 领导信箱 letters: `gongkai serve` is killed with SIGKILL in the middle of a burst of
//! letters written through the public form (with its CSRF double-submit cookie); after a restart,
//! every letter whose tracking code and password were shown to its writer is found again by
//! tracking it with that password. On SQLite and on PostgreSQL. The harness is `support` (shared
//! with the requests' test); this replaces the manual `scripts/mailbox-kill-burst.py`.

mod support;

use std::net::Ipv4Addr;

use support::{between, burst_then_kill_then_track, csrf_of, form, get, http, post};

/// The demo city's structure, its mailbox categories, routing rules and leaders, no letters.
const SETUP: &[&str] = &["demo", "--items", "0"];

/// The first non-empty `<option value="…">` after `marker` and before `end`.
fn first_option(page: &str, marker: &str, end: &str) -> Option<String> {
    between(page, marker, end)?
        .split("<option value=\"")
        .skip(1)
        .map(|o| o.split('"').next().unwrap_or(""))
        .find(|v| !v.is_empty())
        .map(String::from)
}

/// Writes one letter through the public form; the tracking code and password when the server
/// acknowledged it.
async fn submit(from: Ipv4Addr, port: u16, n: u32) -> Option<(String, String)> {
    let page = http(from, port, get("/mailbox/write")).await?;
    let (cookie, token) = csrf_of(&page)?;
    let recipient = first_option(&page, "name=\"recipient\"", "</select>")?;
    let category = first_option(&page, "name=\"category\"", "</select>")?;
    let subject = format!("燃气压力不足第 {n} 封");
    let body = form(&[
        ("csrf", &token),
        ("recipient", &recipient),
        ("category", &category),
        ("subject", &subject),
        (
            "body",
            "入冬以来小区燃气压力一直不足，做饭都成问题，请尽快解决。",
        ),
        ("name", "李小四"),
        ("phone", "13900001111"),
        ("email", ""),
        ("publish", "1"),
    ]);
    let resp = http(from, port, post("/mailbox/write", &cookie, &body)).await?;
    if !resp.starts_with("HTTP/1.1 200") {
        return None;
    }
    let code = between(&resp, "查询码：<strong class=\"tracking-code\">", "<")?.to_string();
    let password = between(&resp, "查询密码：<strong class=\"tracking-code\">", "<")?.to_string();
    Some((code, password))
}

/// Tracks a letter with its password; true when the server shows it.
async fn found(from: Ipv4Addr, port: u16, code: String, password: String) -> bool {
    let Some(page) = http(from, port, get("/mailbox/track")).await else {
        return false;
    };
    let Some((cookie, token)) = csrf_of(&page) else {
        return false;
    };
    let body = form(&[("csrf", &token), ("code", &code), ("password", &password)]);
    match http(from, port, post("/mailbox/track", &cookie, &body)).await {
        Some(r) => r.starts_with("HTTP/1.1 200") && r.contains(&format!("信件 {code}</h2>")),
        None => false,
    }
}

#[test]
fn kill_9_during_a_burst_loses_no_acknowledged_letter_sqlite() {
    support::on_sqlite(|t| burst_then_kill_then_track(t, SETUP, submit, found));
}

#[test]
fn kill_9_during_a_burst_loses_no_acknowledged_letter_postgres() {
    support::on_postgres("letter", |t| {
        burst_then_kill_then_track(t, SETUP, submit, found)
    });
}
