//! 重复申请 — earlier requests by the same applicant (matched on the keyed hash of the ID number,
//! never on decrypted data) with similar text within 90 days, shown to the handler as a warning.

use diesel::prelude::*;
use gongkai_domain::request::duplicate;
use serde::Serialize;

use super::{get, Request};
use crate::schema::disclosure_requests;
use crate::{AnyConnection, Result};

/// An earlier request that the given one may repeat.
#[derive(Debug, Clone, Serialize)]
pub struct PossibleDuplicate {
    pub id: i64,
    pub tracking_code: String,
    pub received_on: chrono::NaiveDate,
    /// The stage's label (已答复 …).
    pub stage: String,
    /// Dice similarity of the two descriptions, 0-100.
    pub similarity_pct: u32,
}

/// Earlier requests by the same applicant that look like `request_id` (most similar first).
pub fn earlier_similar(
    conn: &mut AnyConnection,
    request_id: i64,
) -> Result<Vec<PossibleDuplicate>> {
    let r = get(conn, request_id)?;
    let Some(key) = r.applicant_key.as_deref() else {
        return Ok(Vec::new());
    };
    let since = r.received_on - chrono::Duration::days(duplicate::WINDOW_DAYS);
    let candidates: Vec<Request> = disclosure_requests::table
        .filter(disclosure_requests::applicant_key.eq(key))
        .filter(disclosure_requests::id.ne(r.id))
        .filter(disclosure_requests::received_on.ge(since))
        .filter(disclosure_requests::received_on.le(r.received_on))
        .select(Request::as_select())
        .load(conn)?;
    let mut found: Vec<PossibleDuplicate> = candidates
        .into_iter()
        .filter(|c| c.id < r.id || c.received_on < r.received_on)
        .filter(|c| {
            duplicate::is_possible_duplicate(
                r.received_on,
                &r.description,
                c.received_on,
                &c.description,
            )
        })
        .map(|c| PossibleDuplicate {
            similarity_pct: (duplicate::similarity(&r.description, &c.description) * 100.0).round()
                as u32,
            stage: c.stage().map(|s| s.label()).unwrap_or("").to_string(),
            id: c.id,
            tracking_code: c.tracking_code,
            received_on: c.received_on,
        })
        .collect();
    found.sort_by(|a, b| {
        b.similarity_pct
            .cmp(&a.similarity_pct)
            .then(b.id.cmp(&a.id))
    });
    Ok(found)
}
