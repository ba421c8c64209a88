//! Durability of public 依申请公开 submissions: `gongkai serve` is killed with SIGKILL in the middle
//! of a burst of concurrent submissions through the public form (with its CSRF double-submit
//! cookie); after a restart, every request whose tracking code and password were shown to an
//! applicant is found again by tracking it with that password. On SQLite and on PostgreSQL.
//!
//! Each simulated applicant connects from its own loopback address (127.x.y.z), as real
//! applicants come from their own addresses, so the per-client rate limit of the public form does
//! not turn the burst away.

use std::net::{Ipv4Addr, SocketAddr};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Where the platform keeps its data: a SQLite directory, or PostgreSQL beside a directory.
struct Target {
    data: String,
    database_url: Option<String>,
}

fn command(t: &Target) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_gongkai"));
    match &t.database_url {
        Some(url) => c.env("GONGKAI_DATABASE_URL", url),
        None => c.env_remove("GONGKAI_DATABASE_URL"),
    };
    c
}

fn start(t: &Target) -> (Child, u16) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = command(t)
        .args([
            "serve",
            "--data",
            &t.data,
            "--addr",
            &format!("127.0.0.1:{port}"),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start gongkai serve");
    (child, port)
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn form(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// One HTTP/1.1 exchange from the local address `from`; `None` when the server is unreachable or
/// the connection breaks.
async fn http(from: Ipv4Addr, port: u16, request: String) -> Option<String> {
    let socket = tokio::net::TcpSocket::new_v4().ok()?;
    socket.bind(SocketAddr::from((from, 0))).ok()?;
    let mut s = tokio::time::timeout(
        Duration::from_secs(10),
        socket.connect(SocketAddr::from(([127, 0, 0, 1], port))),
    )
    .await
    .ok()?
    .ok()?;
    s.write_all(request.as_bytes()).await.ok()?;
    let mut buf = Vec::new();
    tokio::time::timeout(Duration::from_secs(30), s.read_to_end(&mut buf))
        .await
        .ok()?
        .ok()?;
    let text = String::from_utf8_lossy(&buf).into_owned();
    text.starts_with("HTTP/1.1 ").then_some(text)
}

fn get(path: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
}

fn post(path: &str, cookie: &str, body: &str) -> String {
    format!(
        "POST {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nCookie: {cookie}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

/// The text between `start` and the next `end` after it.
fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let i = s.find(start)? + start.len();
    let j = s[i..].find(end)?;
    Some(&s[i..i + j])
}

/// The anonymous CSRF cookie and the form's echo of it.
fn csrf_of(resp: &str) -> Option<(String, String)> {
    let cookie = between(resp, "set-cookie: gk_csrf=", ";")
        .or_else(|| between(resp, "Set-Cookie: gk_csrf=", ";"))?;
    let token = between(resp, "name=\"csrf\" value=\"", "\"")?;
    Some((format!("gk_csrf={cookie}"), token.to_string()))
}

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
async fn found(from: Ipv4Addr, port: u16, code: &str, password: &str) -> bool {
    let Some(page) = http(from, port, get("/request/track")).await else {
        return false;
    };
    let Some((cookie, token)) = csrf_of(&page) else {
        return false;
    };
    let body = form(&[("csrf", &token), ("code", code), ("password", password)]);
    match http(from, port, post("/request/track", &cookie, &body)).await {
        Some(r) => r.starts_with("HTTP/1.1 200") && r.contains(&format!("申请 {code}</h2>")),
        None => false,
    }
}

fn wait_healthy(port: u16) {
    let started = Instant::now();
    loop {
        if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            use std::io::{Read, Write};
            let _ = s.write_all(get("/healthz").as_bytes());
            let mut r = String::new();
            let _ = s.read_to_string(&mut r);
            if r.starts_with("HTTP/1.1 200") {
                return;
            }
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "serve did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A distinct loopback address for the `i`-th simulated client of `phase`.
fn client(phase: u8, i: u32) -> Ipv4Addr {
    Ipv4Addr::new(127, phase, (i / 250) as u8 + 1, (i % 250) as u8 + 1)
}

fn burst_then_kill_then_track(t: &Target) {
    let (ok, _, err) = {
        let out = command(t)
            .args(["demo", "--data", &t.data, "--structure-only"])
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    assert!(ok, "demo: {err}");
    let (server, port) = start(t);
    wait_healthy(port);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let acked: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let next = Arc::new(AtomicU32::new(0));
    let failed = Arc::new(AtomicU32::new(0));
    let server = Arc::new(Mutex::new(server));
    rt.block_on(async {
        let mut workers = Vec::new();
        for _ in 0..12 {
            let (acked, stop, next, failed) =
                (acked.clone(), stop.clone(), next.clone(), failed.clone());
            workers.push(tokio::spawn(async move {
                while !stop.load(Ordering::SeqCst) {
                    let n = next.fetch_add(1, Ordering::SeqCst);
                    match submit(client(10, n), port, n).await {
                        Some(ack) => acked.lock().unwrap().push(ack),
                        None => {
                            failed.fetch_add(1, Ordering::SeqCst);
                            // The server is gone: this worker is done.
                            if stop.load(Ordering::SeqCst) {
                                break;
                            }
                        }
                    }
                }
            }));
        }
        // SIGKILL once the burst is well under way, with submissions in flight.
        let started = Instant::now();
        while acked.lock().unwrap().len() < 40 {
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "the burst stalled: {} acknowledged, {} failed",
                acked.lock().unwrap().len(),
                failed.load(Ordering::SeqCst)
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let failed_before_kill = failed.load(Ordering::SeqCst);
        eprintln!("{failed_before_kill} attempts failed while the server was up");
        {
            let mut s = server.lock().unwrap();
            s.kill().unwrap(); // SIGKILL on Unix: no shutdown, no flush.
            let _ = s.wait();
        }
        stop.store(true, Ordering::SeqCst);
        for w in workers {
            let _ = w.await;
        }
    });
    let acked = acked.lock().unwrap().clone();
    eprintln!(
        "{} acknowledged before the kill; {} attempts in all went unanswered (in flight at the kill, or after it)",
        acked.len(),
        failed.load(Ordering::SeqCst)
    );
    let mut codes: Vec<&str> = acked.iter().map(|(c, _)| c.as_str()).collect();
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), acked.len(), "tracking codes are unique");

    let (mut again, port) = start(t);
    wait_healthy(port);
    let lost: Vec<String> = rt.block_on(async {
        let mut lost = Vec::new();
        for (i, (code, password)) in acked.iter().enumerate() {
            if !found(client(20, i as u32), port, code, password).await {
                lost.push(code.clone());
            }
        }
        lost
    });
    // A wrong password finds nothing, exactly like an unknown code.
    let wrong = rt.block_on(found(client(30, 0), port, &acked[0].0, "WRONGPASS1"));
    again.kill().unwrap();
    let _ = again.wait();
    assert!(
        lost.is_empty(),
        "acknowledged but lost after kill -9: {lost:?}"
    );
    assert!(!wrong);
}

#[test]
fn kill_9_during_a_burst_loses_no_acknowledged_request_sqlite() {
    let tmp = tempfile::tempdir().unwrap();
    burst_then_kill_then_track(&Target {
        data: tmp.path().to_str().unwrap().to_string(),
        database_url: None,
    });
}

#[test]
fn kill_9_during_a_burst_loses_no_acknowledged_request_postgres() {
    let Ok(admin_url) = std::env::var("GONGKAI_TEST_PG_URL") else {
        eprintln!("note: GONGKAI_TEST_PG_URL unset; PostgreSQL durability test skipped");
        return;
    };
    let name = format!("gongkai_durable_{}", std::process::id());
    let psql = |sql: &str| {
        let ok = Command::new("psql")
            .args([admin_url.as_str(), "-q", "-c", sql])
            .stdout(Stdio::null())
            .status()
            .unwrap()
            .success();
        assert!(ok, "psql {sql}");
    };
    psql(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
    psql(&format!("CREATE DATABASE {name}"));
    let tmp = tempfile::tempdir().unwrap();
    burst_then_kill_then_track(&Target {
        data: tmp.path().to_str().unwrap().to_string(),
        database_url: Some(format!("{}/{name}", admin_url.rsplit_once('/').unwrap().0)),
    });
    psql(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
}
