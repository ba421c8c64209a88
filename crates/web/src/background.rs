//! Work that runs beside the HTTP server on every node: the search follower (replays the outbox
//! into this node's index every 200 ms) and the scheduler (due scheduled publications, expired
//! sessions, reminders and 督办 of letters near or past their reply deadline). Both are
//! idempotent, so several nodes may run them at once.

use std::time::Duration;

use crate::app::AppState;

pub fn spawn(state: AppState) {
    crate::health::spawn_scheduler(state.clone());
    if state.search.is_some() {
        let s = state.clone();
        tokio::spawn(async move {
            if let Some(engine) = s.search.clone() {
                if let Err(e) = s
                    .run(move |conn| crate::search::apply_config(conn, &engine))
                    .await
                {
                    tracing::warn!("search settings not loaded: {e}");
                }
            }
            let mut tick = tokio::time::interval(Duration::from_millis(200));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                if let Err(e) = follow_once(&s).await {
                    tracing::warn!("search follower: {e}");
                }
            }
        });
    }
    // Any node's write shows up as a new outbox entry: this node's page cache is then stale.
    let s = state.clone();
    tokio::spawn(async move {
        let mut seen = None;
        let mut tick = tokio::time::interval(Duration::from_millis(200));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match s
                .run(|conn| Ok(gongkai_storage::outbox::last_id(conn)?))
                .await
            {
                Ok(last) if seen != Some(last) => {
                    if seen.is_some() {
                        s.page_cache.invalidate();
                        s.directory.invalidate();
                        s.calendar.invalidate();
                    }
                    seen = Some(last);
                }
                Ok(_) => {}
                Err(e) => tracing::warn!("page cache poll: {e}"),
            }
        }
    });
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(15));
        loop {
            tick.tick().await;
            let pattern = state.config.index_pattern.clone();
            let r = state
                .run(move |conn| {
                    let now = gongkai_storage::now();
                    let published = gongkai_storage::item::publish_due(conn, &pattern, now)?;
                    gongkai_storage::session::purge_expired(conn, now)?;
                    Ok(published)
                })
                .await;
            match r {
                Ok(ids) if !ids.is_empty() => {
                    tracing::info!("published {} scheduled items", ids.len())
                }
                Ok(_) => {}
                Err(e) => tracing::warn!("scheduler: {e}"),
            }
            match letter_deadlines_once(&state).await {
                Ok(r) if r.reminded + r.escalated > 0 => tracing::info!(
                    "letters: {} reminded, {} escalated (督办)",
                    r.reminded,
                    r.escalated
                ),
                Ok(_) => {}
                Err(e) => tracing::warn!("letter deadlines: {e}"),
            }
        }
    });
}

/// One pass over the 领导信箱 deadlines on today's date in China, with the calendar in force:
/// reminders before the deadline and 督办 after it, each once per letter.
pub async fn letter_deadlines_once(
    state: &AppState,
) -> crate::error::WebResult<gongkai_storage::mailbox::Reminders> {
    let cal = state.calendar().await?;
    let today = crate::request::today();
    state
        .run(move |conn| Ok(gongkai_storage::mailbox::remind_due(conn, &cal, today)?))
        .await
}

/// One follower pass: applies whatever the outbox holds beyond this index's position.
pub async fn follow_once(state: &AppState) -> crate::error::WebResult<usize> {
    let Some(engine) = state.search.clone() else {
        return Ok(0);
    };
    let dir = state.directory().await?;
    state
        .run(move |conn| crate::search::sync_outbox(conn, &dir, &engine))
        .await
}
