//! 索引号 allocation: per-(organisation, year) serials, unique and gap-free (ADR 0001).

use diesel::prelude::*;
use gongkai_domain::index_number::{IndexNumber, IndexPattern};
use gongkai_domain::org::OrgCode;

use crate::schema::index_counters;
use crate::{org, AnyConnection, Result};

/// Takes the next serial for `org_id` in `year`. Call it inside the publishing transaction and
/// as that transaction's FIRST write: on PostgreSQL the counter row lock serialises publishers;
/// on SQLite the write lock taken by the first statement does, and a rollback returns the serial,
/// so no number is ever skipped.
pub fn next_serial(conn: &mut AnyConnection, org_id: i64, year: i32) -> Result<u32> {
    let bumped: Option<i32> = diesel::update(index_counters::table.find((org_id, year)))
        .set(index_counters::last_serial.eq(index_counters::last_serial + 1))
        .returning(index_counters::last_serial)
        .get_result(conn)
        .optional()?;
    if let Some(serial) = bumped {
        return Ok(serial as u32);
    }
    // First number of the year. Two first publishers can race here; the loser's insert violates
    // the primary key, and it retries the update, which now finds the row. The insert runs in a
    // savepoint because PostgreSQL aborts the whole transaction on an error otherwise.
    let inserted = conn.transaction(|conn| {
        diesel::insert_into(index_counters::table)
            .values((
                index_counters::org_id.eq(org_id),
                index_counters::year.eq(year),
                index_counters::last_serial.eq(1),
            ))
            .execute(conn)
    });
    match inserted {
        Ok(_) => Ok(1),
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => {
            let serial: i32 = diesel::update(index_counters::table.find((org_id, year)))
                .set(index_counters::last_serial.eq(index_counters::last_serial + 1))
                .returning(index_counters::last_serial)
                .get_result(conn)?;
            Ok(serial as u32)
        }
        Err(e) => Err(e.into()),
    }
}

/// Allocates and formats the next 索引号 of an organisation for a publication year.
pub fn assign(
    conn: &mut AnyConnection,
    pattern: &IndexPattern,
    org_id: i64,
    year: i32,
) -> Result<IndexNumber> {
    let serial = next_serial(conn, org_id, year)?;
    let org = org::get(conn, org_id)?;
    let code = OrgCode::parse(&org.code)?;
    Ok(pattern.format(&code, year, serial)?)
}

/// Records that `number` (an existing 索引号 brought in from elsewhere) is taken: when it has this
/// platform's pattern and belongs to `org_id`, the counter of its year moves up to its serial, so
/// the next publication never collides with it.
pub fn advance_past(
    conn: &mut AnyConnection,
    pattern: &IndexPattern,
    org_id: i64,
    number: &str,
) -> Result<()> {
    let Ok((code, year, serial)) = pattern.parse(number) else {
        return Ok(());
    };
    let org = org::get(conn, org_id)?;
    if !code.eq_ignore_ascii_case(&org.code) {
        return Ok(());
    }
    let serial = serial as i32;
    let current: Option<i32> = index_counters::table
        .find((org_id, year))
        .select(index_counters::last_serial)
        .first(conn)
        .optional()?;
    match current {
        None => {
            diesel::insert_into(index_counters::table)
                .values((
                    index_counters::org_id.eq(org_id),
                    index_counters::year.eq(year),
                    index_counters::last_serial.eq(serial),
                ))
                .execute(conn)?;
        }
        Some(n) if n < serial => {
            diesel::update(index_counters::table.find((org_id, year)))
                .set(index_counters::last_serial.eq(serial))
                .execute(conn)?;
        }
        Some(_) => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::{create, NewOrganisation};
    use crate::testing::on_both;
    use crate::{Backend, Database};
    use gongkai_domain::org::{org_code_with_check, OrgKind, OrgLevel};
    use std::collections::BTreeSet;

    fn city(db: &Database) -> i64 {
        let mut c = db.conn().unwrap();
        create(
            &mut c,
            &NewOrganisation {
                parent_id: None,
                name: "示范市人民政府办公室",
                short_name: "市政府办",
                code: &org_code_with_check("00001434"),
                level: OrgLevel::City,
                kind: OrgKind::Government,
            },
        )
        .unwrap()
        .id
    }

    #[test]
    fn formats_with_the_default_pattern() {
        on_both(|db| {
            let org_id = city(db);
            let mut c = db.conn().unwrap();
            let pattern = IndexPattern::default();
            assert_eq!(
                assign(&mut c, &pattern, org_id, 2019).unwrap().as_str(),
                "000014349/2019-00001"
            );
            assert_eq!(
                assign(&mut c, &pattern, org_id, 2019).unwrap().as_str(),
                "000014349/2019-00002"
            );
            // Each year starts again at 1.
            assert_eq!(
                assign(&mut c, &pattern, org_id, 2020).unwrap().as_str(),
                "000014349/2020-00001"
            );
            // A number brought in from an older system moves the counter past it.
            advance_past(&mut c, &pattern, org_id, "000014349/2020-00040").unwrap();
            advance_past(&mut c, &pattern, org_id, "000014349/2020-00007").unwrap();
            advance_past(&mut c, &pattern, org_id, "OTHERORG1/2020-00090").unwrap();
            assert_eq!(
                assign(&mut c, &pattern, org_id, 2020).unwrap().as_str(),
                "000014349/2020-00041"
            );
        });
    }

    /// 200 concurrent publications in one organisation: 200 distinct numbers, no gap, on both
    /// databases. A failed publication (rolled back) must not burn a number either.
    #[test]
    fn two_hundred_concurrent_publications_get_distinct_gap_free_serials() {
        on_both(|db| {
            let org_id = city(db);
            let handles: Vec<_> = (0..200)
                .map(|i| {
                    let db = db.clone();
                    std::thread::spawn(move || {
                        let mut c = db.conn().unwrap();
                        let r = c.transaction::<_, crate::StorageError, _>(|c| {
                            let n = next_serial(c, org_id, 2026)?;
                            if i % 10 == 0 {
                                // A publication that fails after taking its number.
                                return Err(crate::StorageError::NotFound {
                                    what: "test",
                                    id: n.to_string(),
                                });
                            }
                            Ok(n)
                        });
                        r.ok()
                    })
                })
                .collect();
            let got: Vec<u32> = handles
                .into_iter()
                .filter_map(|h| h.join().unwrap())
                .collect();
            assert_eq!(got.len(), 180, "{:?}", db.backend());
            let set: BTreeSet<u32> = got.iter().copied().collect();
            assert_eq!(set.len(), 180, "duplicates on {:?}", db.backend());
            assert_eq!(set, (1..=180).collect(), "gap on {:?}", db.backend());
            let _ = Backend::Sqlite;
        });
    }
}
