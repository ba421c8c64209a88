//! `gongkai import trading`: good lines imported, bad lines reported by number with the reason,
//! a non-zero exit when any line was bad; the demo city comes with trading projects.

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
fn import_trading_reports_bad_lines_and_keeps_good_ones() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_str().unwrap();
    let (ok, _, err) = gongkai(&["demo", "--data", dir, "--items", "60"]);
    assert!(ok, "demo failed: {err}");
    let (code, before) = {
        let db = gongkai_storage::Database::open_sqlite_in(tmp.path()).unwrap();
        let mut c = db.conn().unwrap();
        let orgs = gongkai_storage::org::all(&mut c).unwrap();
        let centre = orgs
            .iter()
            .find(|o| o.name == "示范市公共资源交易中心")
            .expect("the demo city has a trading centre");
        let before = gongkai_storage::trading::list(
            &mut c,
            &gongkai_storage::trading::TradingQuery {
                page: 1,
                per_page: 1,
                ..Default::default()
            },
            1,
        )
        .unwrap()
        .total;
        (centre.code.clone(), before)
    };
    assert_eq!(before, 22, "the demo city's trading announcements");

    let file = tmp.path().join("trading.csv");
    std::fs::write(
        &file,
        format!(
            "公告编号,交易类别,公告类型,公告标题,项目名称,项目编号,采购人,发布机构代码,预算金额,发布日期\n\
             T1,政府采购,采购公告,示范市档案馆档案数字化服务采购公告,示范市档案馆档案数字化服务,SFCG-T-1,示范市档案馆,{code},96万元,2026-02-03\n\
             T2,政府采购,采购公告,坏行,坏行,SFCG-T-2,示范市档案馆,{code},九十六万,2026-02-03\n\
             T3,政府采购,采购公告,未知机构,未知机构,SFCG-T-3,示范市档案馆,NOSUCHORG,1万元,2026-02-03\n"
        ),
    )
    .unwrap();
    let (ok, out, err) = gongkai(&["import", "trading", "--data", dir, file.to_str().unwrap()]);
    assert!(!ok, "bad lines make the run fail");
    assert!(out.contains("imported 1 new and 0 updated"), "{out}");
    assert!(err.contains("trading.csv:3: budget"), "{err}");
    assert!(err.contains("trading.csv:4: org_code"), "{err}");
}
