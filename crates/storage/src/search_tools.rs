//! Editors' relevance tools (synonyms, best bets) and search analytics, kept in the database so
//! every node applies the same settings (a change is announced through the outbox as
//! `search_config`) and the query log survives restarts.

use chrono::{Datelike, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use crate::audit::{self, Actor, Change};
use crate::{outbox, write_txn, AnyConnection, Result, StorageError};

diesel::table! {
    search_synonyms (id) {
        id -> BigInt,
        terms -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    search_best_bets (id) {
        id -> BigInt,
        query -> Text,
        doc_ids -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    search_queries (id) {
        id -> BigInt,
        at -> Timestamp,
        week -> Text,
        query -> Text,
        results -> BigInt,
        clicks -> Integer,
    }
}

diesel::table! {
    search_user_words (id) {
        id -> BigInt,
        word -> Text,
        created_at -> Timestamp,
    }
}

/// The outbox entity that tells search nodes to reload synonyms, best bets and user words.
pub const CONFIG_ENTITY: &str = "search_config";

/// The outbox entity that asks every search node to re-tokenise the documents it holds, so that
/// user words added since they were indexed reach their word tokens too.
pub const RETOKENIZE_ENTITY: &str = "search_retokenize";

/// The longest user word, in characters: dictionary words are terms, not sentences.
pub const MAX_USER_WORD_CHARS: usize = 20;

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = search_synonyms)]
pub struct SynonymGroup {
    pub id: i64,
    pub terms: String,
    pub created_at: NaiveDateTime,
}

impl SynonymGroup {
    pub fn terms(&self) -> Vec<String> {
        self.terms.split_whitespace().map(String::from).collect()
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = search_best_bets)]
pub struct BestBet {
    pub id: i64,
    pub query: String,
    pub doc_ids: String,
    pub created_at: NaiveDateTime,
}

impl BestBet {
    pub fn doc_ids(&self) -> Vec<String> {
        self.doc_ids.split_whitespace().map(String::from).collect()
    }
}

fn invalid(field: &str, message: &str) -> StorageError {
    let mut e = gongkai_domain::item::FieldErrors::default();
    e.add(field, message);
    StorageError::Invalid(e)
}

fn changed(conn: &mut AnyConnection, actor: &Actor, action: &str, summary: String) -> Result<()> {
    outbox::push(conn, CONFIG_ENTITY, 0, outbox::Op::Upsert)?;
    audit::record(
        conn,
        actor,
        Change {
            action,
            entity: "search",
            entity_id: "config".into(),
            org_id: None,
            summary,
            before: None,
            after: None,
        },
    )
}

/// Adds a synonym group: two or more terms separated by spaces, commas or 、.
pub fn add_synonyms(conn: &mut AnyConnection, actor: &Actor, raw: &str) -> Result<SynonymGroup> {
    let terms: Vec<&str> = raw
        .split([' ', ',', '，', '、', '='])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .collect();
    if terms.len() < 2 {
        return Err(invalid("terms", "同义词组至少包含两个词，用空格或顿号分隔"));
    }
    if terms.iter().any(|t| t.chars().count() > 30) {
        return Err(invalid("terms", "每个词不超过 30 个字"));
    }
    let joined = terms.join(" ");
    write_txn(conn, |conn| {
        let id: i64 = diesel::insert_into(search_synonyms::table)
            .values((
                search_synonyms::terms.eq(&joined),
                search_synonyms::created_at.eq(crate::now()),
            ))
            .returning(search_synonyms::id)
            .get_result(conn)?;
        changed(
            conn,
            actor,
            "search.synonyms.add",
            format!("synonyms: {joined}"),
        )?;
        Ok(search_synonyms::table
            .find(id)
            .select(SynonymGroup::as_select())
            .first(conn)?)
    })
}

pub fn remove_synonyms(conn: &mut AnyConnection, actor: &Actor, id: i64) -> Result<()> {
    write_txn(conn, |conn| {
        let g: SynonymGroup = search_synonyms::table
            .find(id)
            .select(SynonymGroup::as_select())
            .first(conn)
            .optional()?
            .ok_or(StorageError::NotFound {
                what: "synonym group",
                id: id.to_string(),
            })?;
        diesel::delete(search_synonyms::table.find(id)).execute(conn)?;
        changed(
            conn,
            actor,
            "search.synonyms.remove",
            format!("removed synonyms: {}", g.terms),
        )
    })
}

pub fn synonyms(conn: &mut AnyConnection) -> Result<Vec<SynonymGroup>> {
    Ok(search_synonyms::table
        .order(search_synonyms::id.asc())
        .select(SynonymGroup::as_select())
        .load(conn)?)
}

/// Pins documents (ids like `item:42`) to the top of results for `query` (replacing earlier pins).
pub fn set_best_bet(
    conn: &mut AnyConnection,
    actor: &Actor,
    query: &str,
    doc_ids: &[String],
) -> Result<()> {
    let query = query.trim();
    if query.is_empty() || query.chars().count() > 50 {
        return Err(invalid("query", "检索词必填，且不超过 50 个字"));
    }
    if doc_ids.is_empty() || doc_ids.iter().any(|d| !d.contains(':')) {
        return Err(invalid("doc_ids", "请填写要置顶的信息，如 item:42"));
    }
    let ids = doc_ids.join(" ");
    write_txn(conn, |conn| {
        diesel::delete(search_best_bets::table.filter(search_best_bets::query.eq(query)))
            .execute(conn)?;
        diesel::insert_into(search_best_bets::table)
            .values((
                search_best_bets::query.eq(query),
                search_best_bets::doc_ids.eq(&ids),
                search_best_bets::created_at.eq(crate::now()),
            ))
            .execute(conn)?;
        changed(
            conn,
            actor,
            "search.best_bet.set",
            format!("best bet for “{query}”: {ids}"),
        )
    })
}

pub fn remove_best_bet(conn: &mut AnyConnection, actor: &Actor, id: i64) -> Result<()> {
    write_txn(conn, |conn| {
        let n = diesel::delete(search_best_bets::table.find(id)).execute(conn)?;
        if n == 0 {
            return Err(StorageError::NotFound {
                what: "best bet",
                id: id.to_string(),
            });
        }
        changed(
            conn,
            actor,
            "search.best_bet.remove",
            format!("removed best bet {id}"),
        )
    })
}

pub fn best_bets(conn: &mut AnyConnection) -> Result<Vec<BestBet>> {
    Ok(search_best_bets::table
        .order(search_best_bets::query.asc())
        .select(BestBet::as_select())
        .load(conn)?)
}

/// 用户词典词 — a word an editor added to the segmentation dictionary.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = search_user_words)]
pub struct UserWord {
    pub id: i64,
    pub word: String,
    pub created_at: NaiveDateTime,
}

/// Splits an editor's entry into words (spaces, commas, 、, semicolons or line breaks between
/// them), checking each: 2 to 20 characters, at least one letter, digit or Han character.
pub fn parse_user_words(raw: &str) -> std::result::Result<Vec<String>, String> {
    let mut words: Vec<String> = vec![];
    for w in raw
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '，' | '、' | ';' | '；'))
        .map(str::trim)
        .filter(|w| !w.is_empty())
    {
        let n = w.chars().count();
        if n < 2 || n > MAX_USER_WORD_CHARS {
            return Err(format!("“{w}”：每个词 2 至 {MAX_USER_WORD_CHARS} 个字"));
        }
        if !w.chars().any(char::is_alphanumeric) {
            return Err(format!("“{w}”不含文字或数字"));
        }
        if !words.iter().any(|x| x == w) {
            words.push(w.to_string());
        }
    }
    if words.is_empty() {
        return Err("请填写要加入词典的词，多个词用空格或顿号分隔".into());
    }
    Ok(words)
}

/// Adds words to the user dictionary; words already there are skipped. Returns the words added
/// (an error when none is new). Every node applies them within a second, without a restart.
pub fn add_user_words(conn: &mut AnyConnection, actor: &Actor, raw: &str) -> Result<Vec<String>> {
    let words = parse_user_words(raw).map_err(|m| invalid("words", &m))?;
    write_txn(conn, |conn| {
        let existing: Vec<String> = search_user_words::table
            .filter(search_user_words::word.eq_any(&words))
            .select(search_user_words::word)
            .load(conn)?;
        let new: Vec<String> = words
            .iter()
            .filter(|w| !existing.contains(w))
            .cloned()
            .collect();
        if new.is_empty() {
            return Err(invalid("words", "这些词已在用户词典中"));
        }
        let at = crate::now();
        for w in &new {
            diesel::insert_into(search_user_words::table)
                .values((
                    search_user_words::word.eq(w),
                    search_user_words::created_at.eq(at),
                ))
                .execute(conn)?;
        }
        changed(
            conn,
            actor,
            "search.user_words.add",
            format!("user dictionary: added {}", new.join(" ")),
        )?;
        Ok(new)
    })
}

pub fn remove_user_word(conn: &mut AnyConnection, actor: &Actor, id: i64) -> Result<()> {
    write_txn(conn, |conn| {
        let w: UserWord = search_user_words::table
            .find(id)
            .select(UserWord::as_select())
            .first(conn)
            .optional()?
            .ok_or(StorageError::NotFound {
                what: "user dictionary word",
                id: id.to_string(),
            })?;
        diesel::delete(search_user_words::table.find(id)).execute(conn)?;
        changed(
            conn,
            actor,
            "search.user_words.remove",
            format!("user dictionary: removed {}", w.word),
        )
    })
}

/// The user dictionary, oldest first.
pub fn user_words(conn: &mut AnyConnection) -> Result<Vec<UserWord>> {
    Ok(search_user_words::table
        .order(search_user_words::id.asc())
        .select(UserWord::as_select())
        .load(conn)?)
}

/// Asks every search node to re-tokenise its index (announced through the outbox, audited).
pub fn request_retokenize(conn: &mut AnyConnection, actor: &Actor) -> Result<()> {
    write_txn(conn, |conn| {
        outbox::push(conn, RETOKENIZE_ENTITY, 0, outbox::Op::Upsert)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "search.retokenize",
                entity: "search",
                entity_id: "index".into(),
                org_id: None,
                summary: "re-tokenise every node's search index".into(),
                before: None,
                after: None,
            },
        )
    })
}

/// ISO week label (`2026-W48`) under which a query is counted.
pub fn week_of(t: NaiveDateTime) -> String {
    let w = t.date().iso_week();
    format!("{}-W{:02}", w.year(), w.week())
}

/// Logs one search (normalised text and result count only); returns its id for click counting.
pub fn log_query(
    conn: &mut AnyConnection,
    query: &str,
    results: i64,
    at: NaiveDateTime,
) -> Result<i64> {
    let q: String = query
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(200)
        .collect();
    Ok(diesel::insert_into(search_queries::table)
        .values((
            search_queries::at.eq(at),
            search_queries::week.eq(week_of(at)),
            search_queries::query.eq(q),
            search_queries::results.eq(results),
        ))
        .returning(search_queries::id)
        .get_result(conn)?)
}

/// Counts a click on a result of logged query `id`.
pub fn log_click(conn: &mut AnyConnection, id: i64) -> Result<()> {
    diesel::update(search_queries::table.find(id))
        .set(search_queries::clicks.eq(search_queries::clicks + 1))
        .execute(conn)?;
    Ok(())
}

/// One line of a weekly report.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct QueryStat {
    pub query: String,
    pub searches: i64,
    pub clicks: i64,
    pub results: i64,
}

/// The week's queries by frequency: every query, those with no results, and those whose results
/// nobody clicked.
#[derive(Debug, Clone, Serialize)]
pub struct WeekReport {
    pub week: String,
    pub top: Vec<QueryStat>,
    pub zero_results: Vec<QueryStat>,
    pub no_clicks: Vec<QueryStat>,
}

pub fn week_report(conn: &mut AnyConnection, week: &str, limit: usize) -> Result<WeekReport> {
    use diesel::dsl::{count_star, max, sum};
    let rows: Vec<(String, i64, Option<i64>, Option<i64>)> = search_queries::table
        .filter(search_queries::week.eq(week))
        .group_by(search_queries::query)
        .select((
            search_queries::query,
            count_star(),
            sum(search_queries::clicks),
            max(search_queries::results),
        ))
        .load(conn)?;
    let mut stats: Vec<QueryStat> = rows
        .into_iter()
        .map(|(query, searches, clicks, results)| QueryStat {
            query,
            searches,
            clicks: clicks.unwrap_or(0),
            results: results.unwrap_or(0),
        })
        .collect();
    stats.sort_by(|a, b| b.searches.cmp(&a.searches).then(a.query.cmp(&b.query)));
    let pick = |f: &dyn Fn(&QueryStat) -> bool| {
        stats
            .iter()
            .filter(|s| f(s))
            .take(limit)
            .cloned()
            .collect::<Vec<_>>()
    };
    Ok(WeekReport {
        week: week.to_string(),
        zero_results: pick(&|s| s.results == 0),
        no_clicks: pick(&|s| s.results > 0 && s.clicks == 0),
        top: stats.into_iter().take(limit).collect(),
    })
}

/// Weeks that have logged queries, newest first.
pub fn weeks(conn: &mut AnyConnection) -> Result<Vec<String>> {
    Ok(search_queries::table
        .select(search_queries::week)
        .distinct()
        .order(search_queries::week.desc())
        .limit(52)
        .load(conn)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::on_both;

    #[test]
    fn synonyms_best_bets_and_weekly_analytics() {
        on_both(|db| {
            let mut c = db.conn().unwrap();
            let a = Actor::system("test");
            assert!(matches!(
                add_synonyms(&mut c, &a, "低保"),
                Err(StorageError::Invalid(_))
            ));
            let g = add_synonyms(&mut c, &a, "低保、最低生活保障").unwrap();
            assert_eq!(g.terms(), ["低保", "最低生活保障"]);
            set_best_bet(&mut c, &a, "招生", &["item:7".into()]).unwrap();
            set_best_bet(&mut c, &a, "招生", &["item:8".into(), "item:9".into()]).unwrap();
            assert_eq!(
                best_bets(&mut c).unwrap()[0].doc_ids(),
                ["item:8", "item:9"],
                "replaced, not added"
            );
            // Every change is announced to search nodes through the outbox.
            let announced = crate::outbox::since(&mut c, 0, 10)
                .unwrap()
                .iter()
                .filter(|e| e.entity == CONFIG_ENTITY)
                .count();
            assert_eq!(announced, 3);
            remove_synonyms(&mut c, &a, g.id).unwrap();
            assert!(synonyms(&mut c).unwrap().is_empty());

            let t = chrono::NaiveDate::from_ymd_opt(2026, 11, 24)
                .unwrap()
                .and_hms_opt(10, 0, 0)
                .unwrap();
            let q1 = log_query(&mut c, "  低保   标准 ", 12, t).unwrap();
            log_query(&mut c, "低保 标准", 12, t).unwrap();
            log_query(&mut c, "不存在的词", 0, t).unwrap();
            log_query(&mut c, "公积金", 3, t).unwrap();
            log_click(&mut c, q1).unwrap();
            let r = week_report(&mut c, "2026-W48", 10).unwrap();
            assert_eq!(
                r.top[0],
                QueryStat {
                    query: "低保 标准".into(),
                    searches: 2,
                    clicks: 1,
                    results: 12
                }
            );
            assert_eq!(
                r.zero_results
                    .iter()
                    .map(|s| s.query.as_str())
                    .collect::<Vec<_>>(),
                ["不存在的词"]
            );
            assert_eq!(
                r.no_clicks
                    .iter()
                    .map(|s| s.query.as_str())
                    .collect::<Vec<_>>(),
                ["公积金"]
            );
            assert_eq!(weeks(&mut c).unwrap(), ["2026-W48"]);
        });
    }

    #[test]
    fn user_dictionary_words_are_checked_announced_and_audited() {
        on_both(|db| {
            let mut c = db.conn().unwrap();
            let a = Actor::system("test");
            for bad in ["", " 、 ", "字", "。。", &"长".repeat(21)] {
                assert!(
                    matches!(
                        add_user_words(&mut c, &a, bad),
                        Err(StorageError::Invalid(_))
                    ),
                    "{bad:?}"
                );
            }
            let added = add_user_words(&mut c, &a, "一网通办、惠企直达 一网通办\n好差评").unwrap();
            assert_eq!(added, ["一网通办", "惠企直达", "好差评"]);
            // Known words are skipped; only new ones are added and announced.
            assert_eq!(
                add_user_words(&mut c, &a, "好差评 跨省通办").unwrap(),
                ["跨省通办"]
            );
            assert!(matches!(
                add_user_words(&mut c, &a, "好差评"),
                Err(StorageError::Invalid(_))
            ));
            let words = user_words(&mut c).unwrap();
            assert_eq!(
                words.iter().map(|w| w.word.as_str()).collect::<Vec<_>>(),
                ["一网通办", "惠企直达", "好差评", "跨省通办"]
            );
            remove_user_word(&mut c, &a, words[1].id).unwrap();
            assert!(matches!(
                remove_user_word(&mut c, &a, words[1].id),
                Err(StorageError::NotFound { .. })
            ));
            assert_eq!(user_words(&mut c).unwrap().len(), 3);
            request_retokenize(&mut c, &a).unwrap();
            let entities: Vec<String> = crate::outbox::since(&mut c, 0, 10)
                .unwrap()
                .into_iter()
                .map(|e| e.entity)
                .collect();
            assert_eq!(
                entities,
                [
                    CONFIG_ENTITY,
                    CONFIG_ENTITY,
                    CONFIG_ENTITY,
                    RETOKENIZE_ENTITY
                ]
            );
            let q = crate::audit::AuditQuery {
                entity: Some("search".into()),
                page: 1,
                per_page: 50,
                ..Default::default()
            };
            let actions: Vec<String> = crate::audit::list(&mut c, &q)
                .unwrap()
                .rows
                .into_iter()
                .map(|e| e.action)
                .collect();
            for want in [
                "search.user_words.add",
                "search.user_words.remove",
                "search.retokenize",
            ] {
                assert!(actions.iter().any(|a| a == want), "{want}: {actions:?}");
            }
        });
    }
}
