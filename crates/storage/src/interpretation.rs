//! 政策解读 — an interpretation item's form (text, graphic, video link), the policies it explains
//! (`item_relations` of kind [`crate::item::INTERPRETATION`]), and the yearly counts for the annual
//! report.

use diesel::prelude::*;
use gongkai_domain::catalogue::Genre;
use gongkai_domain::interpretation::InterpretationForm;
use gongkai_domain::item::FieldErrors;
use gongkai_domain::workflow::ItemStatus;

use crate::audit::{self, Actor, Change};
use crate::schema::{item_relations, items, organisations};
use crate::survey::{count_rows, OrgCount};
use crate::{outbox, write_txn, AnyConnection, Result, StorageError};

diesel::table! {
    interpretation_forms (item_id) {
        item_id -> BigInt,
        form -> Text,
        video_url -> Nullable<Text>,
    }
}

fn invalid(field: &str, message: String) -> StorageError {
    let mut e = FieldErrors::default();
    e.add(field, message);
    StorageError::Invalid(e)
}

/// The form of an interpretation (text when never set) and its video link.
pub fn form_of(
    conn: &mut AnyConnection,
    item_id: i64,
) -> Result<(InterpretationForm, Option<String>)> {
    let row: Option<(String, Option<String>)> = interpretation_forms::table
        .find(item_id)
        .select((interpretation_forms::form, interpretation_forms::video_url))
        .first(conn)
        .optional()?;
    Ok(match row {
        Some((f, url)) => (f.parse().unwrap_or(InterpretationForm::Text), url),
        None => (InterpretationForm::Text, None),
    })
}

/// Sets an interpretation's form and the policies it explains (replacing the earlier links).
/// The item must be of genre 政策解读; each policy must exist and not be an interpretation itself.
pub fn set(
    conn: &mut AnyConnection,
    actor: &Actor,
    item_id: i64,
    form: InterpretationForm,
    video_url: Option<&str>,
    policy_ids: &[i64],
) -> Result<()> {
    write_txn(conn, |conn| {
        let item = crate::item::get(conn, item_id)?;
        if item.genre != Genre::Interpretation.as_str() {
            return Err(invalid(
                "genre",
                "只有体裁为“政策解读”的信息才能关联被解读的政策".into(),
            ));
        }
        let mut ids: Vec<i64> = policy_ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        for &p in &ids {
            if p == item_id {
                return Err(invalid("policies", "解读不能关联自身".into()));
            }
            let policy = crate::item::get(conn, p)
                .map_err(|_| invalid("policies", format!("找不到编号为 {p} 的政策文件")))?;
            if policy.genre == Genre::Interpretation.as_str() {
                return Err(invalid(
                    "policies",
                    format!("编号 {p} 本身是政策解读，请关联被解读的政策文件"),
                ));
            }
        }
        let before = policies_of(conn, item_id)?;
        diesel::delete(
            item_relations::table
                .filter(item_relations::related_id.eq(item_id))
                .filter(item_relations::kind.eq(crate::item::INTERPRETATION)),
        )
        .execute(conn)?;
        for &p in &ids {
            crate::item::link_interpretation(conn, p, item_id)?;
        }
        diesel::delete(interpretation_forms::table.find(item_id)).execute(conn)?;
        diesel::insert_into(interpretation_forms::table)
            .values((
                interpretation_forms::item_id.eq(item_id),
                interpretation_forms::form.eq(form.as_str()),
                interpretation_forms::video_url.eq(video_url),
            ))
            .execute(conn)?;
        // The interpretation's page and its policies' pages change.
        if item.status == ItemStatus::Published.as_str() {
            for id in std::iter::once(item_id)
                .chain(ids.iter().copied())
                .chain(before.iter().copied())
            {
                outbox::push(conn, "item", id, outbox::Op::Upsert)?;
            }
        }
        audit::record(
            conn,
            actor,
            Change {
                action: "interpretation.set",
                entity: "item",
                entity_id: item_id.to_string(),
                org_id: Some(item.org_id),
                summary: format!(
                    "interpretation “{}”: {} of policies {:?}",
                    item.title,
                    form.as_str(),
                    ids
                ),
                before: Some(serde_json::json!({"policies": before})),
                after: Some(
                    serde_json::json!({"form": form.as_str(), "video_url": video_url, "policies": ids}),
                ),
            },
        )
    })
}

/// Creates an interpretation as a draft item of genre 政策解读 with its form and the policies it
/// explains, in one transaction: a bad policy reference leaves no orphan draft behind.
pub fn create(
    conn: &mut AnyConnection,
    actor: &Actor,
    at: crate::item::Placement,
    fields: &gongkai_domain::item::ItemFields,
    form: InterpretationForm,
    video_url: Option<&str>,
    policy_ids: &[i64],
) -> Result<crate::item::Item> {
    if fields.genre != Genre::Interpretation {
        return Err(invalid("genre", "体裁应为“政策解读”".into()));
    }
    if policy_ids.is_empty() {
        return Err(invalid("policies", "请至少关联一件被解读的政策文件".into()));
    }
    write_txn(conn, |conn| {
        let item = crate::item::create_draft(conn, actor, at, fields)?;
        set(conn, actor, item.id, form, video_url, policy_ids)?;
        Ok(item)
    })
}

/// Resolves the policies staff name, one per line or separated by commas or spaces: an item
/// number (`123`), its page address (`/items/123`, with or without the host) or its 索引号.
/// Every reference that matches no item is reported under `policies`.
pub fn resolve_policies(conn: &mut AnyConnection, refs: &str) -> Result<Vec<i64>> {
    let mut ids = Vec::new();
    let mut unknown = Vec::new();
    for r in refs
        .split(|c: char| c == ',' || c == '，' || c == '、' || c.is_whitespace())
        .map(str::trim)
        .filter(|r| !r.is_empty())
    {
        let tail = r.rsplit("/items/").next().unwrap_or(r);
        let found: Option<i64> = match tail.parse::<i64>() {
            Ok(id) if r.contains("/items/") || !r.contains('/') => items::table
                .find(id)
                .select(items::id)
                .first(conn)
                .optional()?,
            _ => items::table
                .filter(items::index_number.eq(r))
                .select(items::id)
                .first(conn)
                .optional()?,
        };
        match found {
            Some(id) if !ids.contains(&id) => ids.push(id),
            Some(_) => {}
            None => unknown.push(r.to_string()),
        }
    }
    if !unknown.is_empty() {
        return Err(invalid(
            "policies",
            format!("找不到这些政策文件：{}", unknown.join("、")),
        ));
    }
    Ok(ids)
}

/// Interpretations (items of genre 政策解读, any status but removed) of the organisations in
/// `org_ids` (`None`: all), optionally on one site, newest first, each with its form and the
/// policies it explains.
pub fn list(
    conn: &mut AnyConnection,
    org_ids: Option<&[i64]>,
    site_id: Option<i64>,
) -> Result<Vec<Listed>> {
    let mut q = items::table
        .filter(items::genre.eq(Genre::Interpretation.as_str()))
        .filter(items::status.ne(ItemStatus::Removed.as_str()))
        .into_boxed();
    if let Some(ids) = org_ids {
        q = q.filter(items::org_id.eq_any(ids.to_vec()));
    }
    if let Some(s) = site_id {
        q = q.filter(items::site_id.eq(s));
    }
    let rows: Vec<crate::item::ItemSummary> = q
        .order((items::updated_at.desc(), items::id.desc()))
        .limit(500)
        .select(crate::item::ItemSummary::as_select())
        .load(conn)?;
    let mut out = Vec::with_capacity(rows.len());
    for item in rows {
        let (form, video_url) = form_of(conn, item.id)?;
        let policy_ids = policies_of(conn, item.id)?;
        let policies: Vec<(i64, String)> = items::table
            .filter(items::id.eq_any(policy_ids.clone()))
            .order(items::id.asc())
            .select((items::id, items::title))
            .load(conn)?;
        out.push(Listed {
            item,
            form,
            video_url,
            policies,
        });
    }
    Ok(out)
}

/// One row of [`list`].
#[derive(Debug, Clone)]
pub struct Listed {
    pub item: crate::item::ItemSummary,
    pub form: InterpretationForm,
    pub video_url: Option<String>,
    /// (id, title) of the policies explained.
    pub policies: Vec<(i64, String)>,
}

/// The policies an interpretation explains (any status).
pub fn policies_of(conn: &mut AnyConnection, item_id: i64) -> Result<Vec<i64>> {
    Ok(item_relations::table
        .filter(item_relations::related_id.eq(item_id))
        .filter(item_relations::kind.eq(crate::item::INTERPRETATION))
        .order(item_relations::item_id.asc())
        .select(item_relations::item_id)
        .load(conn)?)
}

/// Interpretations for the annual report: items of genre 政策解读 first published in `year`
/// (`published_year`, fixed at first publication) that are published or withdrawn now — a removed
/// (删除) item is not counted — per organisation with its level.
pub fn yearly_counts(conn: &mut AnyConnection, year: i32) -> Result<Vec<OrgCount>> {
    let rows: Vec<(i64, String)> = items::table
        .inner_join(organisations::table)
        .filter(items::genre.eq(Genre::Interpretation.as_str()))
        .filter(items::published_year.eq(year))
        .filter(items::status.eq_any([
            ItemStatus::Published.as_str(),
            ItemStatus::Withdrawn.as_str(),
        ]))
        .select((items::org_id, organisations::level))
        .load(conn)?;
    Ok(count_rows(rows))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::item::{import_published, Placement};
    use crate::site::{self, NewColumn, NewSite};
    use crate::testing::{on_both, seed_org};
    use gongkai_domain::index_number::IndexPattern;
    use gongkai_domain::item::ItemFields;
    use gongkai_domain::item::ItemInput;
    use gongkai_domain::site::{ColumnKind, SiteSlug};

    fn fields(title: &str, genre: &str, column: i64) -> ItemFields {
        ItemInput {
            title: title.into(),
            body_html: "<p>正文</p>".into(),
            made_on: "2026-03-01".into(),
            genre: genre.into(),
            column_ids: vec![column.to_string()],
            ..Default::default()
        }
        .validate()
        .unwrap()
    }

    #[test]
    fn links_several_policies_and_counts_by_first_publication_year() {
        on_both(|db| {
            let mut c = db.conn().unwrap();
            let a = Actor::system("t");
            let org = seed_org(&mut c, None, "00001434");
            let site = site::create_site(
                &mut c,
                &a,
                &NewSite {
                    org_id: org,
                    slug: &SiteSlug::parse("szf").unwrap(),
                    title: "市政府",
                    is_portal: true,
                },
            )
            .unwrap();
            let col = site::create_column(
                &mut c,
                &a,
                &NewColumn {
                    site_id: site.id,
                    parent_id: None,
                    slug: "zcjd",
                    name: "政策解读",
                    kind: ColumnKind::Catalogue,
                    module: None,
                    update_days: None,
                    update_category: Default::default(),
                    link_url: None,
                    body_html: None,
                },
            )
            .unwrap()
            .id;
            let at = Placement {
                site_id: site.id,
                org_id: org,
            };
            let p = IndexPattern::default();
            let when = |y: i32| {
                chrono::NaiveDate::from_ymd_opt(y, 5, 1)
                    .unwrap()
                    .and_hms_opt(9, 0, 0)
                    .unwrap()
            };
            let pub_item = |c: &mut AnyConnection, t: &str, g: &str, y: i32| {
                import_published(c, &a, at, &fields(t, g, col), when(y), None, &p)
                    .unwrap()
                    .id
            };
            let policy1 = pub_item(&mut c, "关于促进消费的若干措施", "normative_document", 2026);
            let policy2 = pub_item(&mut c, "消费券发放办法", "normative_document", 2026);
            let interp = pub_item(
                &mut c,
                "《关于促进消费的若干措施》图解",
                "interpretation",
                2026,
            );
            let old = pub_item(&mut c, "2025 年的解读", "interpretation", 2025);

            set(
                &mut c,
                &a,
                interp,
                InterpretationForm::Graphic,
                None,
                &[policy1, policy2, policy1],
            )
            .unwrap();
            assert_eq!(policies_of(&mut c, interp).unwrap(), vec![policy1, policy2]);
            let listed =
                crate::item::related(&mut c, policy2, crate::item::INTERPRETATION).unwrap();
            assert_eq!(listed.len(), 1);
            assert_eq!(listed[0].id, interp);
            assert_eq!(
                form_of(&mut c, interp).unwrap().0,
                InterpretationForm::Graphic
            );
            // Re-linking replaces the earlier links.
            set(
                &mut c,
                &a,
                interp,
                InterpretationForm::Video,
                Some("https://v.example.cn/1.mp4"),
                &[policy2],
            )
            .unwrap();
            assert_eq!(policies_of(&mut c, interp).unwrap(), vec![policy2]);
            assert_eq!(
                form_of(&mut c, interp).unwrap().1.as_deref(),
                Some("https://v.example.cn/1.mp4")
            );
            // Refusals: a policy as the interpretation, an interpretation as the policy, unknown ids.
            assert!(matches!(
                set(
                    &mut c,
                    &a,
                    policy1,
                    InterpretationForm::Text,
                    None,
                    &[policy2]
                ),
                Err(StorageError::Invalid(_))
            ));
            assert!(matches!(
                set(&mut c, &a, interp, InterpretationForm::Text, None, &[old]),
                Err(StorageError::Invalid(_))
            ));
            assert!(matches!(
                set(
                    &mut c,
                    &a,
                    interp,
                    InterpretationForm::Text,
                    None,
                    &[999_999]
                ),
                Err(StorageError::Invalid(_))
            ));

            let counts = yearly_counts(&mut c, 2026).unwrap();
            assert_eq!(
                counts,
                vec![OrgCount {
                    org_id: org,
                    level: "city".into(),
                    count: 1
                }]
            );
            assert_eq!(yearly_counts(&mut c, 2025).unwrap()[0].count, 1);
            let log = crate::audit::list(
                &mut c,
                &crate::audit::AuditQuery {
                    action: Some("interpretation.set".into()),
                    page: 1,
                    per_page: 10,
                    ..Default::default()
                },
            )
            .unwrap();
            assert_eq!(log.total, 2);
        });
    }
}
