//! `GET /v1/dashboard`: the numbers the dashboard page shows in one answer — the task overview
//! of `/v1/stats`, the CI monitor's summary (failed runs seen, fix attempts, success rate) and the
//! budgets (today's and this month's usage and what is left, as `agent budget --json`).

use agent_core::time::now_ms;
use axum::Json;
use axum::extract::State;

use crate::serve::error::ApiError;
use crate::serve::state::SharedState;

/// How many recent runs and attempts the dashboard lists.
const RECENT: usize = 10;
const DAY_MS: i64 = 86_400_000;
/// The answer cache's hits and misses are counted over the last week.
const CACHE_WINDOW_MS: i64 = 7 * DAY_MS;

#[utoipa::path(get, path = "/v1/dashboard", tag = "system",
    responses((status = 200, body = Object, description = "`tasks`: as /v1/stats; `ci`: runs_seen, attempts (running, pr_opened, failed, error, success_rate), success_rate, recent_attempts, recent_runs; `budget`: today (tokens, limit, left), month (tokens, cost_usd, limit_usd, left_usd, models), task_tokens, as `agent budget --json`")))]
pub async fn dashboard(
    State(state): State<SharedState>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let config = state.resolved.config.clone();
    let (tasks, ci, cache, budget) = state
        .stores
        .run(move |store| {
            let now = now_ms();
            Ok((
                store.dashboard_stats(now)?,
                store.ci_summary(RECENT)?,
                store.cache_stats(now - CACHE_WINDOW_MS)?,
                agent_core::budget::report(store, &config, now)?,
            ))
        })
        .await?;
    Ok(Json(serde_json::json!({
        "tasks": tasks,
        "ci": crate::ci::summary_json(&ci),
        "cache": {
            "hits": cache.hits,
            "misses": cache.misses,
            "hit_rate": cache.hit_rate(),
            "entries": cache.entries,
            "window_days": CACHE_WINDOW_MS / DAY_MS,
        },
        "budget": budget,
    })))
}
