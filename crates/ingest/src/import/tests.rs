use super::*;
use crate::demo::{load_demo_city_with, DemoOptions};
use crate::export::{export_items, ExportFilter};
use gongkai_storage::testing::{on_both, postgres, sqlite, TestDb};
use gongkai_storage::Backend;

fn empty_city(db: &Database) {
    load_demo_city_with(
        db,
        None,
        false,
        &DemoOptions {
            structure_only: true,
            ..Default::default()
        },
    )
    .unwrap();
}

fn run(db: &Database, text: &str) -> ImportReport {
    let mut seen = Vec::new();
    let r = import_items(
        db,
        text.as_bytes(),
        &ImportOptions {
            batch: 3,
            ..Default::default()
        },
        &mut |p| seen.push(p.done),
    )
    .unwrap();
    assert!(
        seen.windows(2).all(|w| w[0] < w[1]),
        "progress goes forward: {seen:?}"
    );
    r
}

/// A test database of the same backend as `db`, for the other end of a round trip.
fn twin(db: &Database) -> TestDb {
    match db.backend() {
        Backend::Sqlite => sqlite(),
        Backend::Postgres => postgres().expect("a PostgreSQL test already runs"),
    }
}

#[test]
fn bad_lines_are_reported_by_number_and_good_lines_imported() {
    on_both(|db| {
        empty_city(db);
        let lines = [
            // 1: good, published elsewhere with its own 索引号
            r#"{"site":"www","columns":["szfwj","gfxwj"],"title":"示范市人民政府关于印发示范市河道管理办法的通知","doc_number":"示政发[2024] 7号","made_on":"2024-03-01","genre":"行政规范性文件","subject":"0503","published_at":"2024-03-05T09:00:00","index_number":"000014349/2024-00007","channels":["website","gazette"],"keywords":["河道","管理"]}"#,
            // 2: not JSON
            r#"{"site": "www", "title": "缺右括号""#,
            // 3: unknown site
            r#"{"site":"nowhere","title":"某通知","genre":"通知公告"}"#,
            // 4: several bad fields at once
            r#"{"site":"jyj","title":"  ","made_on":"2024-13-45","genre":"小说","columns":["tzgg","no-such-column"]}"#,
            "",
            // 6: good draft of a department, with its organisation named by code
            r#"{"site":"jyj","org":"JYJ_CODE","columns":["tzgg"],"title":"关于做好寒假安全工作的通知","genre":"notice","status":"draft"}"#,
            // 7: withdrawn without a reason, and an organisation of another branch
            r#"{"site":"jyj","org":"MZJ_CODE","title":"关于调整低保标准的通知","genre":"notice","status":"withdrawn","published_at":"2024-01-02"}"#,
            // 8: good, related to line 1 and interpreting it
            r#"{"site":"www","columns":["zcjd"],"title":"《示范市河道管理办法》政策解读","genre":"interpretation","published_at":"2024-03-05 11:00","related":["000014349/2024-00007"],"interprets":"000014349/2024-00007"}"#,
            // 9: a reference to nothing
            r#"{"site":"www","title":"某公告","genre":"notice","related":["000014349/1999-00001"]}"#,
            // 10: an 索引号 already taken (by line 1)
            r#"{"site":"www","title":"重复索引号","genre":"notice","index_number":"000014349/2024-00007","published_at":"2024-04-01"}"#,
            // 11: a field of the wrong type
            r#"{"site":"www","title":"渠道写错","genre":"notice","channels":{"a":1}}"#,
            // 12: a misspelt field name
            r#"{"site":"www","title":"字段写错","genre":"notice","colour":"red"}"#,
        ];
        let code = |slug: &str| {
            let i = crate::demo::city::DEPARTMENTS
                .iter()
                .position(|d| d.slug == slug)
                .unwrap();
            gongkai_domain::org::org_code_with_check(&crate::demo::city::department_code8(i))
                .as_str()
                .to_string()
        };
        let text = lines
            .join("\n")
            .replace("JYJ_CODE", &code("jyj"))
            .replace("MZJ_CODE", &code("mzj"));
        let report = run(db, &text);
        assert_eq!(report.imported, 3, "{report:?}");
        let lines_with_errors: Vec<usize> = report.errors.iter().map(|(n, _)| *n).collect();
        assert_eq!(lines_with_errors, [2, 3, 4, 7, 9, 10, 11, 12], "{report:?}");
        let msg = |n: usize| {
            report
                .errors
                .iter()
                .find(|(l, _)| *l == n)
                .unwrap()
                .1
                .clone()
        };
        assert!(msg(2).starts_with("JSON"), "{}", msg(2));
        assert!(
            msg(3).contains("site") && msg(3).contains("nowhere"),
            "{}",
            msg(3)
        );
        for field in ["title", "made_on", "genre", "columns"] {
            assert!(
                msg(4).contains(&format!("{field}:")),
                "line 4 lacks {field}: {}",
                msg(4)
            );
        }
        assert!(
            msg(4).contains("no-such-column") && msg(4).contains("2024-13-45"),
            "{}",
            msg(4)
        );
        assert!(
            msg(7).contains("status_reason") && msg(7).contains("org:"),
            "{}",
            msg(7)
        );
        assert!(
            msg(9).contains("related") && msg(9).contains("1999-00001"),
            "{}",
            msg(9)
        );
        assert!(msg(12).contains("colour"), "{}", msg(12));
        assert!(
            msg(10).contains("index_number") && msg(10).contains("已被使用"),
            "{}",
            msg(10)
        );
        assert!(msg(11).contains("channels"), "{}", msg(11));

        let mut c = db.conn().unwrap();
        let policy = item::get_by_index_number(&mut c, "000014349/2024-00007")
            .unwrap()
            .unwrap();
        assert_eq!(policy.doc_number.as_deref(), Some("示政发[2024] 7号"));
        assert_eq!(policy.doc_number_key.as_deref(), Some("示政发〔2024〕7号"));
        assert_eq!(
            policy.published_at.unwrap().to_string(),
            "2024-03-05 09:00:00"
        );
        assert_eq!(item::column_ids(&mut c, policy.id).unwrap().len(), 2);
        assert_eq!(policy.keywords, "河道 管理");
        let interpretations = item::related(&mut c, policy.id, INTERPRETATION).unwrap();
        assert_eq!(interpretations.len(), 1);
        assert_eq!(item::related(&mut c, policy.id, RELATED).unwrap().len(), 1);
        // The line-8 interpretation got the next serial of its year: the imported number moved
        // the counter past 7, so no later publication can collide with it.
        let interp = item::get(&mut c, interpretations[0].id).unwrap();
        assert_eq!(interp.index_number.as_deref(), Some("000014349/2024-00008"));
        // Nothing of a bad line was left behind.
        let n: i64 = gongkai_storage::schema::items::table
            .count()
            .get_result(&mut c)
            .unwrap();
        assert_eq!(n, 3);
    });
}

#[test]
fn export_then_import_gives_the_same_items() {
    on_both(|db| {
        // A small demo city: published, withdrawn, interpretations, drafts, every workflow state.
        load_demo_city_with(db, None, false, &DemoOptions::default()).unwrap();
        let mut first = Vec::new();
        let n = export_items(db, &mut first, &ExportFilter::default()).unwrap();
        assert!(n > 50, "{n}");
        let text = String::from_utf8(first.clone()).unwrap();
        assert_eq!(text.lines().count(), n);
        for status in [
            "\"status\":\"withdrawn\"",
            "\"status\":\"draft\"",
            "\"status\":\"rejected\"",
            "\"status\":\"scheduled\"",
            "\"interprets\":",
        ] {
            assert!(text.contains(status), "export lacks {status}");
        }

        let target = twin(db);
        empty_city(&target.db);
        let report = import_items(
            &target.db,
            first.as_slice(),
            &ImportOptions::default(),
            &mut |_| {},
        )
        .unwrap();
        assert!(
            report.is_clean(),
            "{:?}",
            &report.errors[..report.errors.len().min(5)]
        );
        assert_eq!(report.imported, n);

        let mut second = Vec::new();
        export_items(&target.db, &mut second, &ExportFilter::default()).unwrap();
        let (a, b) = (
            String::from_utf8(first).unwrap(),
            String::from_utf8(second).unwrap(),
        );
        for (i, (x, y)) in a.lines().zip(b.lines()).enumerate() {
            assert_eq!(x, y, "line {} differs", i + 1);
        }
        assert_eq!(a.lines().count(), b.lines().count());

        // Filters: one site's items only.
        let mut jyj = Vec::new();
        let k = export_items(
            db,
            &mut jyj,
            &ExportFilter {
                site: Some("jyj".into()),
                ..Default::default()
            },
        )
        .unwrap();
        assert!(k > 0 && k < n);
        assert!(String::from_utf8(jyj)
            .unwrap()
            .lines()
            .all(|l| l.starts_with(r#"{"site":"jyj""#)));
    });
}

#[test]
fn dates_are_read_in_the_usual_spellings() {
    assert_eq!(
        parse_datetime("2024-03-05T09:00:00").unwrap().to_string(),
        "2024-03-05 09:00:00"
    );
    assert_eq!(
        parse_datetime("2024-03-05 09:00").unwrap().to_string(),
        "2024-03-05 09:00:00"
    );
    assert_eq!(
        parse_datetime("2024-03-05").unwrap().to_string(),
        "2024-03-05 00:00:00"
    );
    assert_eq!(
        parse_datetime("2024-03-05T09:00:00Z").unwrap().to_string(),
        "2024-03-05 09:00:00"
    );
    assert!(parse_datetime("05/03/2024").is_none());
}
