//! 我为政府网站找错 — error reports from the public about a site, stored before the visitor is
//! thanked, so an acknowledged report is never lost.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use rand::Rng;
use serde::Serialize;

use crate::schema::site_error_reports;
use crate::{AnyConnection, Result};

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = site_error_reports)]
pub struct ErrorReport {
    pub id: i64,
    pub site_id: i64,
    pub tracking_code: String,
    pub page_url: String,
    pub category: String,
    pub description: String,
    pub contact: Option<String>,
    pub status: String,
    pub created_at: NaiveDateTime,
}

/// A tracking code people can read out on the phone: date plus six characters without 0/O, 1/I.
fn tracking_code(now: NaiveDateTime) -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    let mut rng = rand::thread_rng();
    let tail: String = (0..6)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect();
    format!("ZC{}{}", now.format("%Y%m%d"), tail)
}

/// Stores a report (committed when this returns) and gives back its tracking code.
pub fn create(
    conn: &mut AnyConnection,
    site_id: i64,
    page_url: &str,
    category: &str,
    description: &str,
    contact: Option<&str>,
) -> Result<String> {
    let now = crate::now();
    let code = tracking_code(now);
    diesel::insert_into(site_error_reports::table)
        .values((
            site_error_reports::site_id.eq(site_id),
            site_error_reports::tracking_code.eq(&code),
            site_error_reports::page_url.eq(page_url.trim()),
            site_error_reports::category.eq(category),
            site_error_reports::description.eq(description),
            site_error_reports::contact.eq(contact),
            site_error_reports::status.eq("new"),
            site_error_reports::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(code)
}

/// Reports about the given sites, newest first (for the site's administrators).
pub fn for_sites(
    conn: &mut AnyConnection,
    site_ids: &[i64],
    limit: i64,
) -> Result<Vec<ErrorReport>> {
    Ok(site_error_reports::table
        .filter(site_error_reports::site_id.eq_any(site_ids))
        .order(site_error_reports::id.desc())
        .limit(limit)
        .select(ErrorReport::as_select())
        .load(conn)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{on_both, seed_org};

    #[test]
    fn reports_are_stored_with_a_readable_code() {
        on_both(|db| {
            let mut c = db.conn().unwrap();
            let org = seed_org(&mut c, None, "00001434");
            let slug = gongkai_domain::site::SiteSlug::parse("www").unwrap();
            let site = crate::site::create_site(
                &mut c,
                &crate::Actor::system("t"),
                &crate::site::NewSite {
                    org_id: org,
                    slug: &slug,
                    title: "门户",
                    is_portal: true,
                },
            )
            .unwrap();
            let code = create(
                &mut c,
                site.id,
                "/items/1",
                "broken_link",
                "附件打不开",
                None,
            )
            .unwrap();
            assert!(
                code.starts_with("ZC")
                    && code.len() == 16
                    && !code[10..].contains(['0', 'O', '1', 'I']),
                "{code}"
            );
            let got = for_sites(&mut c, &[site.id], 10).unwrap();
            assert_eq!(got[0].tracking_code, code);
        });
    }
}
