//! A real `gongkai serve` process killed with SIGKILL during a burst of public submissions, then
//! restarted: the shared harness of the durability tests (requests, letters).
//!
//! Each simulated visitor connects from its own loopback address (127.x.y.z), as real visitors come
//! from their own addresses, so the per-client rate limit of the public forms does not turn the
//! burst away. Plain HTTP/1.1 over sockets bound to those addresses (no client library binds a
//! source address per request).

#![allow(dead_code)]

use std::net::{Ipv4Addr, SocketAddr};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Where the platform keeps its data: a SQLite directory, or PostgreSQL beside a directory.
pub struct Target {
    pub data: String,
    pub database_url: Option<String>,
}

pub fn command(t: &Target) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_gongkai"));
    match &t.database_url {
        Some(url) => c.env("GONGKAI_DATABASE_URL", url),
        None => c.env_remove("GONGKAI_DATABASE_URL"),
    };
    c
}

pub fn start(t: &Target) -> (Child, u16) {
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

pub fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub fn form(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// One HTTP/1.1 exchange from the local address `from`; `None` when the server is unreachable or
/// the connection breaks.
pub async fn http(from: Ipv4Addr, port: u16, request: String) -> Option<String> {
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

pub fn get(path: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
}

pub fn post(path: &str, cookie: &str, body: &str) -> String {
    format!(
        "POST {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nCookie: {cookie}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

/// The text between `start` and the next `end` after it.
pub fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let i = s.find(start)? + start.len();
    let j = s[i..].find(end)?;
    Some(&s[i..i + j])
}

/// The anonymous CSRF cookie and the form's echo of it.
pub fn csrf_of(resp: &str) -> Option<(String, String)> {
    let cookie = between(resp, "set-cookie: gk_csrf=", ";")
        .or_else(|| between(resp, "Set-Cookie: gk_csrf=", ";"))?;
    let token = between(resp, "name=\"csrf\" value=\"", "\"")?;
    Some((format!("gk_csrf={cookie}"), token.to_string()))
}

pub fn wait_healthy(port: u16) {
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
pub fn client(phase: u8, i: u32) -> Ipv4Addr {
    Ipv4Addr::new(127, phase, (i / 250) as u8 + 1, (i % 250) as u8 + 1)
}

/// Prepares the data with `gongkai <setup>`, starts `gongkai serve`, has 12 workers submit through
/// `submit` until 40 submissions are acknowledged, kills the server with SIGKILL, restarts it and
/// checks with `found` that every acknowledged submission is there (and that a wrong password
/// finds nothing).
pub fn burst_then_kill_then_track<S, SF, F, FF>(t: &Target, setup: &[&str], submit: S, found: F)
where
    S: Fn(Ipv4Addr, u16, u32) -> SF + Clone + Send + 'static,
    SF: std::future::Future<Output = Option<(String, String)>> + Send,
    F: Fn(Ipv4Addr, u16, String, String) -> FF,
    FF: std::future::Future<Output = bool>,
{
    let (ok, _, err) = {
        let out = command(t)
            .args(setup.iter().copied().chain(["--data", t.data.as_str()]))
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
            let submit = submit.clone();
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
            if !found(client(20, i as u32), port, code.clone(), password.clone()).await {
                lost.push(code.clone());
            }
        }
        lost
    });
    // A wrong password finds nothing, exactly like an unknown code.
    let wrong = rt.block_on(found(
        client(30, 0),
        port,
        acked[0].0.clone(),
        "WRONGPASS1".into(),
    ));
    again.kill().unwrap();
    let _ = again.wait();
    assert!(
        lost.is_empty(),
        "acknowledged but lost after kill -9: {lost:?}"
    );
    assert!(!wrong);
}

/// Runs `scenario` on a fresh SQLite data directory.
pub fn on_sqlite(scenario: impl FnOnce(&Target)) {
    let tmp = tempfile::tempdir().unwrap();
    scenario(&Target {
        data: tmp.path().to_str().unwrap().to_string(),
        database_url: None,
    });
}

/// Runs `scenario` on a fresh PostgreSQL database beside a data directory (skipped without
/// `GONGKAI_TEST_PG_URL`).
pub fn on_postgres(tag: &str, scenario: impl FnOnce(&Target)) {
    let Ok(admin_url) = std::env::var("GONGKAI_TEST_PG_URL") else {
        eprintln!("note: GONGKAI_TEST_PG_URL unset; PostgreSQL durability test skipped");
        return;
    };
    let name = format!("gongkai_durable_{tag}_{}", std::process::id());
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
    scenario(&Target {
        data: tmp.path().to_str().unwrap().to_string(),
        database_url: Some(format!("{}/{name}", admin_url.rsplit_once('/').unwrap().0)),
    });
    psql(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
}
