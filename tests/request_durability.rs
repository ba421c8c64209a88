//! Durability of public 依申请公开 submissions: `gongkai serve` is killed with SIGKILL in the middle
//! of a burst of concurrent submissions through the public form (with its CSRF double-submit
//! cookie); after a restart, every request whose tracking code and password were shown to an
//! applicant is found again by tracking it with that password. On SQLite and on PostgreSQL.
//! The harness is `support` (shared with the letters' test).

mod support;

use std::net::Ipv4Addr;

use support::{between, burst_then_kill_then_track, csrf_of, form, get, http, post};

/// Submits one request through the public form; the tracking code and password when the server
/// acknowledged it.
async fn submit(from: Ipv4Addr, port: u16, n: u32) -> Option<(String, String)> {
    let page = http(from, port, get("/request")).await?;
    let (cookie, token) = csrf_of(&page)?;
    let org_select = between(&page, "name=\"org_id\"", "</select>")?;
    let org = org_select
        .split("<option value=\"")
        .skip(1)
        .map(|o| o.split('"').next().unwrap_or(""))
        .find(|v| !v.is_empty())?
        .to_string();
    let description = format!("突发提交测试第 {n} 件：本市 2024 年义务教育招生计划");
    let body = form(&[
        ("csrf", &token),
        ("org_id", &org),
        ("applicant_type", "natural_person"),
        ("name", "张三"),
        ("id_type", "resident_id"),
        ("id_number", "420106199001011231"),
        ("phone", "13812345678"),
        ("email", ""),
        ("address", "示范市中山路 1 号"),
        ("description", &description),
        ("preferred_form", "electronic"),
        ("delivery", "online"),
    ]);
    let resp = http(from, port, post("/request", &cookie, &body)).await?;
    if !resp.starts_with("HTTP/1.1 200") {
        return None;
    }
    let rest = resp
        .split_once("查询码：<strong class=\"tracking-code\">")?
        .1;
    let code = rest.split('<').next()?.to_string();
    let password = between(rest, "查询密码：<strong class=\"tracking-code\">", "<")?.to_string();
    Some((code, password))
}

/// Tracks a request with its password; true when the server shows it.
async fn found(from: Ipv4Addr, port: u16, code: String, password: String) -> bool {
    let Some(page) = http(from, port, get("/request/track")).await else {
        return false;
    };
    let Some((cookie, token)) = csrf_of(&page) else {
        return false;
    };
    let body = form(&[("csrf", &token), ("code", &code), ("password", &password)]);
    match http(from, port, post("/request/track", &cookie, &body)).await {
        Some(r) => r.starts_with("HTTP/1.1 200") && r.contains(&format!("申请 {code}</h2>")),
        None => false,
    }
}

#[test]
fn kill_9_during_a_burst_loses_no_acknowledged_request_sqlite() {
    support::on_sqlite(|t| {
        burst_then_kill_then_track(t, &["demo", "--structure-only"], submit, found)
    });
}

#[test]
fn kill_9_during_a_burst_loses_no_acknowledged_request_postgres() {
    support::on_postgres("request", |t| {
        burst_then_kill_then_track(t, &["demo", "--structure-only"], submit, found)
    });
}
