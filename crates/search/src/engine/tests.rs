use std::collections::HashMap;
use std::time::{Duration, Instant};

use chrono::NaiveDate;

use super::*;
use crate::error::QueryProblem;
use crate::query::Sort;

fn at(y: i32, m: u32, d: u32) -> Option<NaiveDateTime> {
    NaiveDate::from_ymd_opt(y, m, d).and_then(|d| d.and_hms_opt(9, 0, 0))
}

/// Small realistic corpus: notices, a letter, an interpretation.
fn corpus() -> Vec<SearchDoc> {
    let mut a = SearchDoc::new(
        DocKind::Item,
        1,
        "市人民政府办公室关于调整城乡最低生活保障标准的通知",
        "各区县人民政府，市政府各部门：经市政府同意，自2023年7月1日起，将城乡最低生活保障标准由每人每月800元提高到850元。请各地认真做好资金保障工作。",
    );
    a.published = at(2023, 6, 20);
    a.site_slugs = vec!["city".into()];
    a.org_code = Some("000014349".into());
    a.org_name = Some("市人民政府办公室".into());
    a.columns = vec!["policy".into()];
    a.subject = Some("民政、扶贫、救灾".into());
    a.genre = Some("行政规范性文件".into());
    a.validity = Some("有效".into());
    a.index_no = Some("000014349/2023-00012".into());
    a.doc_number = Some("市政办发〔2023〕5号".into());

    let mut b = SearchDoc::new(
        DocKind::Item,
        2,
        "市民政局政府信息公开指南",
        "申请人可以通过互联网、信函或者当面提交政府信息公开申请。行政机关收到申请后，能够当场答复的，应当当场予以答复。",
    );
    b.published = at(2022, 3, 1);
    b.site_slugs = vec!["city".into(), "minzheng".into()];
    b.org_code = Some("000014350".into());
    b.org_name = Some("市民政局".into());
    b.columns = vec!["guide".into()];
    b.genre = Some("其他文件".into());
    b.validity = Some("有效".into());
    b.index_no = Some("000014350/2022-00003".into());

    let mut c = SearchDoc::new(
        DocKind::Letter,
        3,
        "关于低保申请办理进度的咨询",
        "我于上月向街道提交了低保申请，请问目前办理到哪一步了？",
    );
    c.published = at(2024, 1, 15);
    c.site_slugs = vec!["city".into()];
    c.org_code = Some("000014350".into());
    c.org_name = Some("市民政局".into());

    let mut d = SearchDoc::new(
        DocKind::Interpretation,
        4,
        "《关于调整城乡最低生活保障标准的通知》政策解读",
        "一、出台背景。为贯彻落实国办发〔2023〕12号文件精神，进一步保障困难群众基本生活，市政府决定调整保障标准。二、主要内容。标准提高50元。",
    );
    d.published = at(2023, 6, 21);
    d.site_slugs = vec!["city".into()];
    d.org_code = Some("000014349".into());
    d.org_name = Some("市人民政府办公室".into());
    d.genre = Some("政策解读".into());

    let mut e = SearchDoc::new(
        DocKind::Item,
        5,
        "国务院办公厅关于进一步优化政务服务提升行政效能的意见",
        "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：为深化政务公开，推进一网通办，经国务院同意，现提出以下意见。撤销不合理的证明事项。",
    );
    e.published = at(2023, 3, 10);
    e.site_slugs = vec!["city".into()];
    e.org_code = Some("000014000".into());
    e.org_name = Some("国务院办公厅".into());
    e.genre = Some("其他文件".into());
    e.validity = Some("有效".into());
    e.doc_number = Some("国办发〔2023〕12号".into());
    vec![a, b, c, d, e]
}

fn engine() -> SearchEngine {
    let e = SearchEngine::open_in_ram().unwrap();
    e.upsert(&corpus()).unwrap();
    e.commit().unwrap();
    e
}

fn ids(r: &SearchResults) -> Vec<&str> {
    r.hits.iter().map(|h| h.id.as_str()).collect()
}

fn search(e: &SearchEngine, q: &str) -> SearchResults {
    e.search(&SearchRequest::new(q)).unwrap()
}

#[test]
fn engine_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<SearchEngine>();
}

#[test]
fn fragments_that_are_not_words_are_found_through_bigrams() {
    let e = engine();
    // 息公 and 请人可 cross jieba word boundaries: no word token holds them.
    let words = dict::jieba()
        .cut_for_search("申请人可以通过互联网提交政府信息公开申请", false)
        .join("|");
    assert!(
        !words.split('|').any(|w| w == "息公" || w == "请人可"),
        "{words}"
    );
    assert_eq!(ids(&search(&e, "息公")), vec!["item:2"]);
    assert_eq!(ids(&search(&e, "请人可")), vec!["item:2"]);
    // A single character is found too.
    assert!(ids(&search(&e, "函")).contains(&"item:2"));
    // Bigrams do not span punctuation: "网、信" is not the text "网信".
    assert!(search(&e, "网信").hits.is_empty());
}

#[test]
fn words_are_and_ed() {
    let e = engine();
    let r = search(&e, "低保 进度");
    assert_eq!(ids(&r), vec!["letter:3"]);
    assert_eq!(r.total, 1);
    assert!(r.total_is_exact);
    assert!(search(&e, "低保 不存在的词语组合").hits.is_empty());
    // Several multi-character clauses (phrases over bigrams) intersect.
    assert_eq!(
        ids(&search(&e, "城乡 生活保障 标准由每人 提高到")),
        vec!["item:1"]
    );
    assert_eq!(
        ids(&search(&e, "城乡 生活保障 标准由每人 -\"资金保障\"")),
        Vec::<&str>::new()
    );
}

#[test]
fn title_matches_rank_above_body_matches() {
    let e = engine();
    // 政府信息公开 is in item:2's title and body; item:5 only has 政务公开 in its body.
    let r = search(&e, "公开");
    assert_eq!(r.hits[0].id, "item:2", "{:?}", ids(&r));
    let r = search(&e, "答复");
    assert_eq!(ids(&r), vec!["item:2"]);
    // Title beats body for the same word.
    let r = search(&e, "政策解读");
    assert_eq!(r.hits[0].id, "interpretation:4");
}

#[test]
fn quoted_phrases_must_be_contiguous() {
    let e = engine();
    // 提交 and 申请 both occur in letter:3 and item:2, contiguously only in item:2... and letter:3
    // has 提交了低保申请.
    let loose = search(&e, "提交 申请");
    assert_eq!(loose.total, 2, "{:?}", ids(&loose));
    let exact = search(&e, "\"提交政府信息公开申请\"");
    assert_eq!(ids(&exact), vec!["item:2"]);
    // Chinese quotation marks work the same way.
    assert_eq!(ids(&search(&e, "“提交政府信息公开申请”")), vec!["item:2"]);
}

#[test]
fn exclusions_remove_documents() {
    let e = engine();
    let all = search(&e, "人民政府");
    assert!(ids(&all).contains(&"item:5"));
    let without = search(&e, "人民政府 -撤销");
    assert!(!ids(&without).contains(&"item:5"));
    assert_eq!(without.total + 1, all.total);
    let without_phrase = search(&e, "人民政府 -\"一网通办\"");
    assert!(!ids(&without_phrase).contains(&"item:5"));
}

#[test]
fn doc_numbers_are_found_in_any_spelling_and_rank_first() {
    let e = engine();
    for q in [
        "国办发〔2023〕12号",
        "国办发[2023]12号",
        "国办发（２０２３）１２号",
        " 国办发(2023)12号 ",
    ] {
        let r = search(&e, q);
        assert_eq!(
            r.hits.first().map(|h| h.id.as_str()),
            Some("item:5"),
            "{q}: {:?}",
            ids(&r)
        );
        assert_eq!(r.hits[0].pinned, Some(PinReason::DocNumber), "{q}");
        // The interpretation citing it in its body follows.
        assert!(ids(&r).contains(&"interpretation:4"), "{q}: {:?}", ids(&r));
        assert_eq!(r.total, 2, "{q}");
    }
    // The start of a number finds it too, first.
    let r = search(&e, "市政办发〔2023〕");
    assert_eq!(
        r.hits.first().map(|h| h.id.as_str()),
        Some("item:1"),
        "{:?}",
        ids(&r)
    );
}

#[test]
fn index_numbers_are_looked_up_exactly() {
    let e = engine();
    let r = search(&e, "000014350/2022-00003");
    assert_eq!(ids(&r), vec!["item:2"]);
    assert_eq!(r.hits[0].pinned, Some(PinReason::IndexNumber));
    let r = search(&e, "０００014349/2023-00012");
    assert_eq!(r.hits.first().map(|h| h.id.as_str()), Some("item:1"));
    assert!(search(&e, "000014349/2023-99999").hits.is_empty());
}

#[test]
fn filters_narrow_and_facets_count_the_current_query() {
    let e = engine();
    let r = search(&e, "保障");
    assert_eq!(r.total, 2, "{:?}", ids(&r));
    let kind: Vec<(&str, u64)> = r
        .facets
        .kind
        .iter()
        .map(|f| (f.value.as_str(), f.count))
        .collect();
    assert_eq!(kind, vec![("interpretation", 1), ("item", 1)]);
    let org = &r.facets.org[0];
    assert_eq!(
        (org.value.as_str(), org.label.as_str(), org.count),
        ("000014349", "市人民政府办公室", 2)
    );
    let years: Vec<&str> = r.facets.year.iter().map(|f| f.value.as_str()).collect();
    assert_eq!(years, vec!["2023"]);
    assert_eq!(
        r.facets
            .genre
            .iter()
            .find(|g| g.value == "normative_document")
            .map(|g| g.label.as_str()),
        Some("行政规范性文件")
    );
    assert!(r.facets.exact);

    let mut req = SearchRequest::new("保障");
    req.filters.kind = Some(DocKind::Interpretation);
    let r = e.search(&req).unwrap();
    assert_eq!(ids(&r), vec!["interpretation:4"]);
    assert_eq!(r.facets.kind.len(), 1);

    let mut req = SearchRequest::new("申请");
    req.filters.site = Some("minzheng".into());
    assert_eq!(ids(&e.search(&req).unwrap()), vec!["item:2"]);
    req.filters = Filters {
        org: Some("000014350".into()),
        year: Some(2024),
        ..Filters::default()
    };
    assert_eq!(ids(&e.search(&req).unwrap()), vec!["letter:3"]);
    req.filters = Filters {
        genre: Some("其他文件".into()),
        validity: Some("valid".into()),
        ..Filters::default()
    };
    assert_eq!(ids(&e.search(&req).unwrap()), vec!["item:2"]);
    req.filters = Filters {
        column: Some("guide".into()),
        subject: Some("无".into()),
        ..Filters::default()
    };
    assert!(e.search(&req).unwrap().hits.is_empty());
}

#[test]
fn date_sort_puts_newest_first_and_undated_last() {
    let e = engine();
    let mut undated = SearchDoc::new(
        DocKind::Survey,
        9,
        "关于低保政策的意见征集",
        "欢迎提出意见。",
    );
    undated.published = None;
    e.upsert(&[undated]).unwrap();
    e.commit().unwrap();
    let mut req = SearchRequest::new("低保");
    req.sort = Sort::Date;
    let r = e.search(&req).unwrap();
    assert_eq!(
        ids(&r),
        vec!["letter:3", "interpretation:4", "item:1", "survey:9"]
    );
    assert!(r.total_is_exact);
}

#[test]
fn hits_are_highlighted_and_escaped() {
    let e = SearchEngine::open_in_ram().unwrap();
    let d = SearchDoc::new(
        DocKind::Item,
        1,
        "<script>政务公开</script>工作要点",
        "全面推进政务公开标准化规范化 & 基层政务公开。",
    );
    e.upsert(&[d]).unwrap();
    e.commit().unwrap();
    let r = search(&e, "政务公开");
    let h = &r.hits[0];
    assert_eq!(
        h.title_html,
        "&lt;script&gt;<mark>政务公开</mark>&lt;/script&gt;工作要点"
    );
    assert_eq!(
        h.snippet_html,
        "全面推进<mark>政务公开</mark>标准化规范化 &amp; 基层<mark>政务公开</mark>。"
    );
    assert_eq!(h.title, "<script>政务公开</script>工作要点");
}

#[test]
fn synonyms_apply_and_change_without_reopening() {
    let e = engine();
    // Built-in: 低保 ↔ 最低生活保障. item:1 only says 最低生活保障.
    let r = search(&e, "低保");
    assert!(ids(&r).contains(&"item:1"), "{:?}", ids(&r));
    assert!(r
        .hits
        .iter()
        .any(|h| h.title_html.contains("最低生活保障</mark>")));

    e.set_synonyms(vec![]);
    assert!(!ids(&search(&e, "低保")).contains(&"item:1"));

    e.set_synonyms(vec![vec!["政务服务".into(), "办事服务".into()]]);
    assert_eq!(e.synonyms().len(), 1);
    assert_eq!(ids(&search(&e, "办事服务")), vec!["item:5"]);
}

#[test]
fn best_bets_pin_documents_first_without_reopening() {
    let e = engine();
    let before = search(&e, "政府信息公开");
    assert_ne!(before.hits.first().map(|h| h.id.as_str()), Some("item:5"));
    let mut bets = HashMap::new();
    bets.insert(
        "政府信息公开".to_string(),
        vec!["item:5".to_string(), "item:999".to_string()],
    );
    e.set_best_bets(bets);
    assert_eq!(
        e.best_bets()["政府信息公开"],
        vec!["item:5".to_string(), "item:999".to_string()]
    );
    let r = search(&e, "  政府信息公开 ");
    assert_eq!(r.hits[0].id, "item:5");
    assert_eq!(r.hits[0].pinned, Some(PinReason::BestBet));
    assert_eq!(ids(&r).iter().filter(|i| **i == "item:5").count(), 1);
    assert_eq!(
        r.total,
        before.total + 1,
        "a pinned document that does not match adds one"
    );
    // Filters apply to pins too.
    let mut req = SearchRequest::new("政府信息公开");
    req.filters.kind = Some(DocKind::Letter);
    assert!(!ids(&e.search(&req).unwrap()).contains(&"item:5"));
    e.set_best_bets(HashMap::new());
    assert_eq!(ids(&search(&e, "政府信息公开")), ids(&before));
}

#[test]
fn upserts_and_deletes_are_visible_after_commit() {
    let e = engine();
    let mut d = SearchDoc::new(DocKind::Gazette, 1, "政府公报2024年第1期", "目录");
    e.upsert(std::slice::from_ref(&d)).unwrap();
    assert!(search(&e, "公报").hits.is_empty(), "visible before commit");
    let t = Instant::now();
    e.commit().unwrap();
    assert!(
        t.elapsed() < Duration::from_secs(1),
        "commit took {:?}",
        t.elapsed()
    );
    assert_eq!(ids(&search(&e, "公报")), vec!["gazette:1"]);
    assert_eq!(e.doc_count(), 6);

    d.title = "政府公报2024年第2期".into();
    e.upsert(&[d]).unwrap();
    e.commit().unwrap();
    assert_eq!(e.doc_count(), 6, "upsert replaces by id");
    assert!(search(&e, "第1期").hits.is_empty());
    assert_eq!(ids(&search(&e, "第2期")), vec!["gazette:1"]);

    e.delete(&["gazette:1", "no:such"]).unwrap();
    e.commit().unwrap();
    assert!(search(&e, "公报").hits.is_empty());
    assert_eq!(e.doc_count(), 5);

    e.clear().unwrap();
    assert_eq!(e.doc_count(), 5, "clear is staged");
    e.commit().unwrap();
    assert_eq!(e.doc_count(), 0);
}

#[test]
fn invalid_documents_stage_nothing() {
    let e = SearchEngine::open_in_ram().unwrap();
    let good = SearchDoc::new(DocKind::Item, 1, "标题", "正文");
    let mut bad = good.clone();
    bad.id = String::new();
    assert!(matches!(
        e.upsert(&[good, bad]),
        Err(SearchError::InvalidDoc { .. })
    ));
    e.commit().unwrap();
    assert_eq!(e.doc_count(), 0);
}

#[test]
fn bad_queries_are_errors_or_corrected_and_paging_past_the_end_is_empty() {
    let e = engine();
    for (q, want) in [
        ("", QueryProblem::Empty),
        ("，。、！", QueryProblem::NoSearchableText),
        ("-低保", QueryProblem::OnlyExclusions),
    ] {
        match e.search(&SearchRequest::new(q)) {
            Err(SearchError::Query(p)) => assert_eq!(p, want, "{q}"),
            other => panic!("{q}: {other:?}"),
        }
    }
    let long = "政".repeat(201);
    let err = e.search(&SearchRequest::new(long)).unwrap_err();
    assert!(
        err.to_string().contains("检索词过长") && err.to_string().contains("too long"),
        "{err}"
    );

    let r = search(&e, "\"低保 进度");
    assert_eq!(ids(&r), vec!["letter:3"]);
    assert!(r.notice.as_deref().unwrap_or("").contains("引号"));

    let mut req = SearchRequest::new("低保");
    req.page = 50;
    let r = e.search(&req).unwrap();
    assert!(r.hits.is_empty());
    assert!(r.total > 0);
    req.page = u32::MAX;
    req.per_page = u32::MAX;
    let r = e.search(&req).unwrap();
    assert!(r.hits.is_empty());
    assert!(r.notice.is_some());
}

#[test]
fn pages_partition_the_results() {
    let e = SearchEngine::open_in_ram().unwrap();
    let docs: Vec<SearchDoc> = (0..25)
        .map(|i| {
            SearchDoc::new(
                DocKind::Item,
                i,
                format!("第{i}号通知"),
                "关于做好安全生产工作的通知",
            )
        })
        .collect();
    e.upsert(&docs).unwrap();
    e.commit().unwrap();
    let mut seen = Vec::new();
    for page in 1..=3 {
        let mut req = SearchRequest::new("安全生产");
        req.page = page;
        let r = e.search(&req).unwrap();
        assert_eq!(r.total, 25);
        assert_eq!(r.hits.len(), if page < 3 { 10 } else { 5 });
        seen.extend(r.hits.into_iter().map(|h| h.id));
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 25);
}

#[test]
fn huge_result_sets_report_an_estimate_over_the_newest_matches() {
    let config = SearchConfig {
        writer_threads: 1,
        writer_memory_bytes: 30_000_000,
        exact_count_bound: Some(100),
        verify_checksums_on_open: false,
        ..SearchConfig::default()
    };
    let e = SearchEngine::open_in_ram_with(config).unwrap();
    let day0 = NaiveDate::from_ymd_opt(2015, 1, 1)
        .unwrap()
        .and_hms_opt(8, 0, 0)
        .unwrap();
    // Inserted out of date order, in three commits (segments).
    let docs: Vec<SearchDoc> = (0..3000u32)
        .map(|i| {
            let n = (i * 7919) % 3000;
            let mut d = SearchDoc::new(
                DocKind::Item,
                n,
                format!("文件{n}"),
                "关于做好安全生产工作的通知",
            );
            d.published = Some(day0 + chrono::Duration::days(i64::from(n)));
            d
        })
        .collect();
    for chunk in docs.chunks(1000) {
        e.upsert(chunk).unwrap();
        e.commit().unwrap();
    }
    let r = search(&e, "安全生产");
    assert!(!r.total_is_exact);
    assert!(!r.facets.exact);
    assert!((2000..=4000).contains(&r.total), "{}", r.total);
    assert!(r.total_label_zh().starts_with("约 "));
    assert_eq!(r.hits.len(), 10);
    // The scan saw the newest matches first, so a date-sorted page is still exact.
    let mut req = SearchRequest::new("安全生产");
    req.sort = Sort::Date;
    let r = e.search(&req).unwrap();
    let want: Vec<String> = (0..10).map(|i| format!("item:{}", 2999 - i)).collect();
    assert_eq!(ids(&r), want);
    req.page = 3;
    let r = e.search(&req).unwrap();
    let want: Vec<String> = (20..30).map(|i| format!("item:{}", 2999 - i)).collect();
    assert_eq!(ids(&r), want);
}

#[test]
fn facets_are_cached_until_commit() {
    let e = engine();
    let first = search(&e, "保障");
    let again = search(&e, "保障");
    assert_eq!(first.facets, again.facets);
    let mut d = SearchDoc::new(DocKind::Letter, 77, "最低生活保障咨询", "");
    d.org_code = Some("000099999".into());
    e.upsert(&[d]).unwrap();
    e.commit().unwrap();
    let after = search(&e, "保障");
    assert!(
        after.facets.org.iter().any(|f| f.value == "000099999"),
        "{:?}",
        after.facets.org
    );
}

#[test]
fn user_words_apply_to_queries_and_after_retokenising_to_documents() {
    let e = SearchEngine::open_in_ram().unwrap();
    let d = SearchDoc::new(
        DocKind::Item,
        1,
        "推行垚鑫通办服务",
        "各部门要落实垚鑫通办。",
    );
    e.upsert(&[d]).unwrap();
    e.commit().unwrap();
    assert_eq!(
        ids(&search(&e, "垚鑫通办")),
        vec!["item:1"],
        "found through n-grams before"
    );
    assert_eq!(e.add_user_words(&["垚鑫通办"]), 1);
    assert_eq!(ids(&search(&e, "垚鑫通办")), vec!["item:1"]);
    assert_eq!(e.retokenize_all().unwrap(), 1);
    assert_eq!(e.doc_count(), 1);
    let r = search(&e, "垚鑫通办");
    assert_eq!(ids(&r), vec!["item:1"]);
}

fn disk_config() -> SearchConfig {
    SearchConfig {
        writer_threads: 1,
        writer_memory_bytes: 30_000_000,
        ..SearchConfig::default()
    }
}

#[test]
fn on_disk_index_is_created_reopened_and_recreated_when_corrupt() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("idx");
    {
        let e = SearchEngine::open_or_create_with(&dir, disk_config()).unwrap();
        assert_eq!(e.open_state(), &OpenState::Created);
        assert!(e.open_state().needs_rebuild());
        e.upsert(&corpus()).unwrap();
        e.commit().unwrap();
    }
    {
        let e = SearchEngine::open_or_create_with(&dir, disk_config()).unwrap();
        assert_eq!(e.open_state(), &OpenState::Opened);
        assert_eq!(e.doc_count(), 5);
        assert_eq!(ids(&search(&e, "息公")), vec!["item:2"]);
    }
    // Garbage meta.json.
    fs::write(dir.join("meta.json"), b"{not json").unwrap();
    {
        let e = SearchEngine::open_or_create_with(&dir, disk_config()).unwrap();
        assert!(
            matches!(e.open_state(), OpenState::Recreated { .. }),
            "{:?}",
            e.open_state()
        );
        assert_eq!(e.doc_count(), 0);
        e.upsert(&corpus()).unwrap();
        e.commit().unwrap();
    }
    // A damaged segment file.
    let seg = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "idx"))
        .expect("a segment file");
    let mut bytes = fs::read(&seg).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0xFF;
    fs::write(&seg, bytes).unwrap();
    {
        let e = SearchEngine::open_or_create_with(&dir, disk_config()).unwrap();
        match e.open_state() {
            OpenState::Recreated { reason } => assert!(reason.contains("corrupt"), "{reason}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(e.doc_count(), 0);
    }
}

#[test]
fn other_schema_versions_are_recreated_and_foreign_directories_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("idx");
    drop(SearchEngine::open_or_create_with(&dir, disk_config()).unwrap());
    fs::write(dir.join(MARKER), r#"{"schema_version":0}"#).unwrap();
    let e = SearchEngine::open_or_create_with(&dir, disk_config()).unwrap();
    assert!(
        matches!(e.open_state(), OpenState::Recreated { reason } if reason.contains("version"))
    );
    drop(e);

    let foreign = tmp.path().join("docs");
    fs::create_dir_all(&foreign).unwrap();
    fs::write(foreign.join("notes.txt"), "keep me").unwrap();
    let err = SearchEngine::open_or_create_with(&foreign, disk_config())
        .err()
        .expect("refused");
    assert!(matches!(err, SearchError::ForeignFiles { .. }), "{err}");
    assert!(foreign.join("notes.txt").exists());
}

#[test]
fn second_writer_on_the_same_directory_is_an_error_not_a_wipe() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("idx");
    let first = SearchEngine::open_or_create_with(&dir, disk_config()).unwrap();
    first.upsert(&corpus()).unwrap();
    first.commit().unwrap();
    let second = SearchEngine::open_or_create_with(&dir, disk_config());
    assert!(second.is_err());
    assert_eq!(first.doc_count(), 5);
    assert_eq!(search(&first, "低保 进度").total, 1);
}

#[test]
fn outbox_position_is_committed_with_the_index_and_survives_reopening() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("idx");
    {
        let e = SearchEngine::open_or_create_with(&dir, disk_config()).unwrap();
        assert_eq!(e.applied_seq(), None, "a new index has applied nothing");
        e.upsert(&corpus()).unwrap();
        e.commit_through(41).unwrap();
        assert_eq!(e.applied_seq(), Some(41));
        // A plain commit keeps the position; an empty commit_through moves it.
        e.delete(&["letter:3"]).unwrap();
        e.commit().unwrap();
        assert_eq!(e.applied_seq(), Some(41));
        e.commit_through(42).unwrap();
        assert_eq!(e.applied_seq(), Some(42));
        // Staged but uncommitted changes do not move it.
        e.upsert(&[SearchDoc::new(DocKind::Item, 99, "未提交", "")])
            .unwrap();
    }
    {
        let e = SearchEngine::open_or_create_with(&dir, disk_config()).unwrap();
        assert_eq!(e.open_state(), &OpenState::Opened);
        assert_eq!(e.applied_seq(), Some(42));
        assert_eq!(
            e.doc_count(),
            4,
            "the uncommitted upsert was lost with its position"
        );
        // Clearing forgets the position at the next commit, unless that commit records one.
        e.clear().unwrap();
        assert_eq!(e.applied_seq(), Some(42), "clear is staged");
        e.commit().unwrap();
        assert_eq!(e.applied_seq(), None);
        e.commit().unwrap();
        assert_eq!(e.applied_seq(), None);
        e.clear().unwrap();
        e.upsert(&corpus()).unwrap();
        e.commit_through(7).unwrap();
        assert_eq!(e.applied_seq(), Some(7));
    }
    fs::write(dir.join("meta.json"), b"{not json").unwrap();
    let e = SearchEngine::open_or_create_with(&dir, disk_config()).unwrap();
    assert!(e.open_state().needs_rebuild());
    assert_eq!(
        e.applied_seq(),
        None,
        "a recreated index has applied nothing"
    );
}

#[test]
fn requests_from_query_parameters_run() {
    let e = engine();
    let req =
        SearchRequest::from_params([("q", "保障"), ("kind", "interpretation"), ("sort", "date")])
            .unwrap();
    assert_eq!(ids(&e.search(&req).unwrap()), vec!["interpretation:4"]);
    let err: SearchError = SearchRequest::from_params([("q", "保障"), ("type", "item")])
        .unwrap_err()
        .into();
    assert!(
        matches!(&err, SearchError::Params(p) if p.unknown == ["type"]),
        "{err}"
    );
}

#[test]
fn query_words_follow_the_editors_user_dictionary() {
    let _serial = crate::dict::USER_WORDS_TEST_LOCK
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let e = engine();
    // A programme name no dictionary holds whole (read as 金秋 助学 计划), used by no other test.
    let w = "金秋助学计划";
    let before = e.query_words(w).unwrap();
    assert!(before.len() > 1, "{before:?}");
    assert!(!e.set_user_words(&[w]).is_empty());
    assert_eq!(e.query_words(w).unwrap(), vec![vec![w.to_string()]]);
    assert!(matches!(e.query_words("。。"), Err(SearchError::Query(_))));
    e.set_user_words::<&str>(&[]);
    assert_eq!(e.query_words(w).unwrap(), before);
}
