//! Letters in bulk: `gongkai import letters FILE.jsonl` (one [`ImportLetter`] per line) and the
//! demo city's mailbox — the category tree from the taxonomy file, routing rules to the demo
//! departments, two leaders, and the real letters of `shared/data/letters/` with their real
//! timestamps (TipDM 2020 messages with replies; People's Daily 留言板 gas and heating complaints).
//! Every step is idempotent: a second run adds nothing.

use std::path::{Path, PathBuf};

use gongkai_domain::calendar::WorkingCalendar;
use gongkai_domain::mailbox::CategoryTree;
use gongkai_storage::audit::Actor;
use gongkai_storage::crypto::DataKey;
use gongkai_storage::mailbox::{self, ImportLetter, ImportSummary};
use gongkai_storage::schema::organisations;
use gongkai_storage::AnyConnection;
use serde::Deserialize;

use crate::error::{IngestError, Result};

/// Reads an import file: one JSON object per line (blank lines skipped); a bad line is an error
/// naming it, and nothing is imported.
pub fn read_file(path: &Path) -> Result<Vec<ImportLetter>> {
    let text = std::fs::read_to_string(path).map_err(|e| IngestError::io(path, e))?;
    let mut out = vec![];
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let rec: ImportLetter = serde_json::from_str(line).map_err(|e| IngestError::Data {
            path: path.to_path_buf(),
            line: n + 1,
            message: e.to_string(),
        })?;
        out.push(rec);
    }
    Ok(out)
}

/// Imports letters into the portal's mailbox (see [`mailbox::import`]).
pub fn import(
    conn: &mut AnyConnection,
    key: &DataKey,
    records: &[ImportLetter],
) -> Result<ImportSummary> {
    let site_id = gongkai_storage::site::portal(conn)?.map(|s| s.id);
    Ok(mailbox::import(
        conn,
        key,
        &WorkingCalendar::builtin(),
        &Actor::system("import letters"),
        site_id,
        records,
    )?)
}

/// Where letters of a first-level category (or a deeper node) go in the demo city, by department name.
const DEMO_ROUTES: &[(&str, &str)] = &[
    ("城乡建设", "住房和城乡建设局"),
    ("城乡建设/城市建设和市政管理/城管执法", "城市管理执法局"),
    ("城乡建设/安全生产", "应急管理局"),
    ("农村农业", "农业农村局"),
    ("政法", "公安局"),
    ("教育文体", "教育局"),
    ("劳动和社会保障", "人力资源和社会保障局"),
    ("民政", "民政局"),
    ("经济管理", "发展和改革委员会"),
    ("卫生计生", "卫生健康委员会"),
    ("商贸旅游", "商务局"),
    ("环境保护", "生态环境局"),
    ("交通运输", "交通运输局"),
    ("国土资源", "自然资源和规划局"),
    ("科技与信息产业", "科学技术局"),
];

#[derive(Deserialize)]
struct Taidi {
    message_id: i64,
    user: String,
    subject: String,
    created_at: String,
    body: String,
    #[serde(default)]
    reply: String,
    #[serde(default)]
    replied_at: String,
}

#[derive(Deserialize)]
#[allow(non_snake_case)]
struct Liuyan {
    replyID: String,
    replyDate: String,
    title: String,
    #[serde(default)]
    replyName: String,
    replyContentMain: String,
    #[serde(default)]
    stateInfo: String,
    #[serde(default)]
    handleTime: Option<String>,
    #[serde(default)]
    handleContent: Option<String>,
}

fn lines<T: for<'de> Deserialize<'de>>(path: &Path, max: usize) -> Result<Vec<T>> {
    let text = std::fs::read_to_string(path).map_err(|e| IngestError::io(path, e))?;
    let mut out = vec![];
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        if out.len() >= max {
            break;
        }
        out.push(serde_json::from_str(line).map_err(|e| IngestError::Data {
            path: path.to_path_buf(),
            line: n + 1,
            message: e.to_string(),
        })?);
    }
    Ok(out)
}

fn letters_dir(shared: &Path) -> Option<PathBuf> {
    [shared.join("data/letters"), shared.join("letters")]
        .into_iter()
        .find(|d| d.join("taidi2020_category_taxonomy.jsonl").is_file())
}

fn org_by_name(conn: &mut AnyConnection, name: &str) -> Result<Option<(i64, String)>> {
    use diesel::prelude::*;
    Ok(organisations::table
        .filter(organisations::name.eq(name))
        .select((organisations::id, organisations::code))
        .first(conn)
        .optional()?)
}

/// The demo mailbox: categories, routing rules, leaders and up to `max` real letters (split over
/// the two files). Needs the demo city's organisations; returns `None` without the data files.
pub fn load_demo(
    conn: &mut AnyConnection,
    key: &DataKey,
    shared: &Path,
    max: usize,
) -> Result<Option<ImportSummary>> {
    let Some(dir) = letters_dir(shared) else {
        return Ok(None);
    };
    let actor = Actor::system("demo");
    let city = crate::demo::city::CITY;
    let Some((_, gov_code)) = org_by_name(conn, crate::demo::city::GOVERNMENT)? else {
        return Err(IngestError::Conflict(
            "the demo city is not loaded: no organisation 示范市人民政府".into(),
        ));
    };
    let taxonomy = dir.join("taidi2020_category_taxonomy.jsonl");
    let text = std::fs::read_to_string(&taxonomy).map_err(|e| IngestError::io(&taxonomy, e))?;
    let tree = CategoryTree::from_jsonl(&text)?;
    mailbox::seed_categories(conn, &actor, &tree)?;
    // `其他` catches letters no category word matches.
    mailbox::seed_categories(
        conn,
        &actor,
        &CategoryTree::new(vec![gongkai_domain::mailbox::CategoryPath::parse("其他")?]),
    )?;
    let existing: Vec<String> = mailbox::routes(conn)?
        .into_iter()
        .map(|r| r.category)
        .collect();
    for (category, dept) in DEMO_ROUTES {
        if existing.iter().any(|c| c == category) {
            continue;
        }
        if let Some((id, _)) = org_by_name(conn, &format!("{city}{dept}"))? {
            mailbox::set_route(conn, &actor, category, id)?;
        }
    }
    // The leaders the demo's letters are written to, there even when no letter is loaded.
    let gov_id = org_by_name(conn, crate::demo::city::GOVERNMENT)?
        .map(|(id, _)| id)
        .unwrap_or_default();
    for title in ["市长", "市委书记"] {
        mailbox::ensure_leader(conn, &actor, "", title, gov_id)?;
    }
    let half = max / 2;
    let mut records: Vec<ImportLetter> = vec![];
    for t in lines::<Taidi>(
        &dir.join("taidi2020_messages_with_replies.jsonl"),
        max - half,
    )? {
        let replied = !t.reply.trim().is_empty() && !t.replied_at.trim().is_empty();
        records.push(ImportLetter {
            source: "taidi2020".into(),
            external_id: t.message_id.to_string(),
            leader_title: "市长".into(),
            org: gov_code.clone(),
            subject: t.subject,
            body: t.body,
            writer: t.user,
            received_at: t.created_at,
            reply: if replied { t.reply } else { String::new() },
            replied_at: t.replied_at,
            publish: replied,
            ..Default::default()
        });
    }
    for g in lines::<Liuyan>(&dir.join("people_liuyan_gas_complaints.jsonl"), half)? {
        // 办理中 carries only the acknowledgement "已转相关部门处理": not a reply.
        let reply = match (g.stateInfo.as_str(), &g.handleTime, &g.handleContent) {
            ("已办理", Some(t), Some(c)) if !c.trim().is_empty() => Some((t.clone(), c.clone())),
            _ => None,
        };
        records.push(ImportLetter {
            source: "people_liuyan".into(),
            external_id: g.replyID,
            leader_title: "市委书记".into(),
            org: gov_code.clone(),
            subject: g.title,
            body: g.replyContentMain,
            writer: g.replyName,
            received_at: g.replyDate,
            publish: reply.is_some(),
            replied_at: reply.as_ref().map(|r| r.0.clone()).unwrap_or_default(),
            reply: reply.map(|r| r.1).unwrap_or_default(),
            ..Default::default()
        });
    }
    // Subjects of the source are sometimes empty; fall back to the start of the body.
    for r in &mut records {
        if r.subject.trim().is_empty() {
            r.subject = r.body.chars().take(30).collect();
        }
    }
    Ok(Some(import(conn, key, &records)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use gongkai_storage::testing::on_both;

    #[test]
    fn the_demo_mailbox_loads_real_letters_once() {
        let Some(shared) = std::env::var_os("GONGKAI_SHARED").map(PathBuf::from) else {
            eprintln!("GONGKAI_SHARED unset: skipped");
            return;
        };
        on_both(|db| {
            crate::demo::load_demo_city_with(
                db,
                None,
                false,
                &crate::demo::DemoOptions {
                    structure_only: true,
                    ..Default::default()
                },
            )
            .unwrap();
            let mut c = db.conn().unwrap();
            let key = DataKey::generate();
            let s = load_demo(&mut c, &key, &shared, 40).unwrap().unwrap();
            assert_eq!(s.added, 40);
            assert!(s.replied >= 20 && s.published >= 20, "{s:?}");
            let again = load_demo(&mut c, &key, &shared, 40).unwrap().unwrap();
            assert_eq!((again.added, again.already_present), (0, 40));
            let list = mailbox::published(&mut c, None, None, 1, 100).unwrap();
            assert_eq!(list.total as usize, s.published);
            // Real timestamps: the TipDM letters are from 2011-2020, the complaints from 2023.
            assert!(list
                .rows
                .iter()
                .all(|p| p.received_on.format("%Y").to_string().as_str() <= "2023"));
            assert!(list.rows.iter().any(|p| p.reply_working_days.is_some()));
            let stats = mailbox::statistics(
                &mut c,
                &WorkingCalendar::builtin(),
                None,
                None,
                chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
            )
            .unwrap();
            assert_eq!(stats.total.received, 40);
            assert_eq!(stats.by_leader.len(), 2);
            assert!(stats.by_org.len() > 1, "routed to departments by category");
        });
    }

    #[test]
    fn a_bad_import_line_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("l.jsonl");
        std::fs::write(
            &p,
            "{\"source\": \"x\", \"external_id\": \"1\"}\n{\"nope\": 1}\n",
        )
        .unwrap();
        match read_file(&p) {
            Err(IngestError::Data { line, .. }) => assert_eq!(line, 2),
            other => panic!("{other:?}"),
        }
    }
}
