//! Figure sources that count the records of the interaction and key-area features (issues 6 and 8).
//! Each is the `source` of one entry of [`super::FIGURES`]. Where a feature already defines its
//! yearly count (surveys, consultations, interviews), the figure sums that count over the scope's
//! organisations, so the rule lives in one place: the feature's `yearly_counts`.

use diesel::dsl::count_star;
use diesel::prelude::*;
use gongkai_domain::interview::EventKind;

use super::{FigureContext, FigureValue};
use crate::mailbox::letters;
use crate::schema::disclosure_requests;
use crate::survey::OrgCount;
use crate::trading::trading_announcements;
use crate::AnyConnection;
use crate::Result;

/// Chunks the scope's organisation ids, so `IN (…)` stays under SQLite's parameter limit.
const CHUNK: usize = 500;

fn in_scope(cx: &FigureContext<'_>, counts: &[OrgCount]) -> i64 {
    counts
        .iter()
        .filter(|c| cx.orgs.level_of.contains_key(&c.org_id))
        .map(|c| c.count)
        .sum()
}

/// Letters of the scope answered within the year (by the date of the reply).
pub(super) fn letters_answered(
    conn: &mut AnyConnection,
    cx: &FigureContext<'_>,
) -> Result<FigureValue> {
    let mut value = 0i64;
    for chunk in cx.orgs.ids.chunks(CHUNK) {
        let n: i64 = letters::table
            .filter(letters::org_id.eq_any(chunk))
            .filter(letters::replied_on.ge(cx.year.start))
            .filter(letters::replied_on.le(cx.year.end))
            .select(count_star())
            .first(conn)?;
        value += n;
    }
    Ok(FigureValue::Count { value })
}

/// Interviews or press conferences of the scope, as `interview::yearly_counts` counts them.
pub(super) fn interviews_held(
    conn: &mut AnyConnection,
    cx: &FigureContext<'_>,
    kind: EventKind,
) -> Result<FigureValue> {
    let counts = crate::interview::yearly_counts(conn, kind, cx.year.year)?;
    Ok(FigureValue::Count {
        value: in_scope(cx, &counts),
    })
}

/// Surveys and consultations (征集调查) of the scope, as their features count them.
pub(super) fn surveys_and_consultations(
    conn: &mut AnyConnection,
    cx: &FigureContext<'_>,
) -> Result<FigureValue> {
    let surveys = crate::survey::yearly_counts(conn, cx.year.year)?;
    let consultations = crate::consultation::yearly_counts(conn, cx.year.year)?;
    Ok(FigureValue::Count {
        value: in_scope(cx, &surveys) + in_scope(cx, &consultations),
    })
}

/// Trading announcements of the scope published within the year, every type together.
pub(super) fn trading_announcements(
    conn: &mut AnyConnection,
    cx: &FigureContext<'_>,
) -> Result<FigureValue> {
    let mut value = 0i64;
    for chunk in cx.orgs.ids.chunks(CHUNK) {
        let n: i64 = trading_announcements::table
            .filter(trading_announcements::org_id.eq_any(chunk))
            .filter(trading_announcements::published_year.eq(cx.year.year))
            .select(count_star())
            .first(conn)?;
        value += n;
    }
    Ok(FigureValue::Count { value })
}

/// Information-processing fees charged on requests received within the year. The amounts are
/// summed here rather than by SQL `SUM`, which PostgreSQL returns as NUMERIC.
pub(super) fn request_fees(
    conn: &mut AnyConnection,
    cx: &FigureContext<'_>,
) -> Result<FigureValue> {
    let mut fen = 0i64;
    for chunk in cx.orgs.ids.chunks(CHUNK) {
        let fees: Vec<Option<i64>> = disclosure_requests::table
            .filter(disclosure_requests::org_id.eq_any(chunk))
            .filter(disclosure_requests::received_on.ge(cx.year.start))
            .filter(disclosure_requests::received_on.le(cx.year.end))
            .filter(disclosure_requests::fee_fen.is_not_null())
            .select(disclosure_requests::fee_fen)
            .load(conn)?;
        fen += fees.into_iter().flatten().sum::<i64>();
    }
    Ok(FigureValue::Amount { fen })
}

/// Items of the scope carried by the gazette issues of the year (政府公报刊登信息): entries of
/// published issues dated in the year, counted by the organisation of the item carried; an item
/// carried by two issues counts twice, as printed.
pub(super) fn gazette_items(
    conn: &mut AnyConnection,
    cx: &FigureContext<'_>,
) -> Result<FigureValue> {
    use crate::schema::{gazette_entries, gazette_issues, items};
    let mut value = 0i64;
    for chunk in cx.orgs.ids.chunks(CHUNK) {
        let n: i64 = gazette_entries::table
            .inner_join(gazette_issues::table)
            .inner_join(items::table)
            .filter(gazette_issues::year.eq(cx.year.year))
            .filter(gazette_issues::status.eq(crate::gazette::PUBLISHED))
            .filter(items::org_id.eq_any(chunk))
            .select(count_star())
            .first(conn)?;
        value += n;
    }
    Ok(FigureValue::Count { value })
}

/// Service guides of the scope online at the end of the year: put online in or before it. A guide
/// taken down is deleted, so for a past year this counts the guides of then that are still held.
pub(super) fn service_guides(
    conn: &mut AnyConnection,
    cx: &FigureContext<'_>,
) -> Result<FigureValue> {
    use crate::schema::service_guides as g;
    let mut value = 0i64;
    for chunk in cx.orgs.ids.chunks(CHUNK) {
        let n: i64 = g::table
            .filter(g::org_id.eq_any(chunk))
            .filter(g::published_year.le(cx.year.year))
            .select(count_star())
            .first(conn)?;
        value += n;
    }
    Ok(FigureValue::Count { value })
}
