//! Budgets against a real store: usage rows as the product writes them.

use crate::config::{BudgetConfig, Config, Decimal, Price, Prices};
use crate::protocol::LimitKind;
use crate::store::{ModelCall, ModelCallOutcome, Store, StoreOptions};
use crate::time::parse_rfc3339;

use super::*;

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("agent.db"), &StoreOptions::default()).unwrap();
    (dir, store)
}

fn call(backend: &str, model: &str, prompt: u64, completion: u64) -> ModelCall {
    ModelCall {
        task_id: None,
        conversation_id: None,
        agent_role: Some("coder".into()),
        backend: backend.into(),
        model: model.into(),
        prompt_tokens: Some(prompt),
        completion_tokens: Some(completion),
        latency_ms: Some(10),
        first_token_ms: Some(1),
        outcome: ModelCallOutcome::Ok,
        error: None,
        cache: None,
        reused_prompt_tokens: None,
    }
}

fn prices() -> Prices {
    let mut prices = Prices::new();
    prices.insert(
        "openai:gpt-4o-mini".into(),
        Price {
            input_per_mtok: Decimal::parse("0.15").unwrap(),
            output_per_mtok: Decimal::parse("0.6").unwrap(),
        },
    );
    prices
}

fn pending<'a>(backend: &'a str, model: &'a str, session: u64, next: u64) -> PendingRequest<'a> {
    PendingRequest {
        backend,
        model,
        session_tokens: session,
        estimated_prompt_tokens: next,
    }
}

#[test]
fn periods_are_utc_days_and_months() {
    let now = parse_rfc3339("2026-12-07T10:30:00Z").unwrap();
    assert_eq!(
        day_start(now),
        parse_rfc3339("2026-12-07T00:00:00Z").unwrap()
    );
    assert_eq!(
        next_day_start(now),
        parse_rfc3339("2026-12-08T00:00:00Z").unwrap()
    );
    assert_eq!(
        month_start(now),
        parse_rfc3339("2026-12-01T00:00:00Z").unwrap()
    );
    assert_eq!(
        next_month_start(now),
        parse_rfc3339("2027-01-01T00:00:00Z").unwrap()
    );
}

#[test]
fn money_reads_as_dollars() {
    assert_eq!(format_usd(0), "$0.00");
    assert_eq!(format_usd(4_980_000), "$4.98");
    assert_eq!(format_usd(20_000_000), "$20.00");
    assert_eq!(format_usd(150), "$0.000150");
    let price = prices()["openai:gpt-4o-mini"];
    // 1M prompt tokens at $0.15 and 1M completion tokens at $0.60.
    assert_eq!(price.cost_micros(1_000_000, 1_000_000), 750_000);
    // A single token is never free.
    assert_eq!(price.cost_micros(1, 0), 1);
}

#[test]
fn no_budget_never_stops_and_reads_nothing() {
    let (_dir, store) = store();
    store
        .record_model_call(&call("ollama", "m", 1_000_000, 0))
        .unwrap();
    let hit = check_request(
        &store,
        &BudgetConfig::default(),
        &prices(),
        &pending("ollama", "m", 10_000_000, 1000),
        crate::time::now_ms(),
    )
    .unwrap();
    assert_eq!(hit, None);
}

#[test]
fn the_task_budget_counts_the_session_and_the_next_prompt() {
    let (_dir, store) = store();
    let budget = BudgetConfig {
        task_tokens: 1000,
        ..BudgetConfig::default()
    };
    let now = crate::time::now_ms();
    let under = check_request(
        &store,
        &budget,
        &Prices::new(),
        &pending("ollama", "m", 600, 300),
        now,
    );
    assert_eq!(under.unwrap(), None);
    let hit = check_request(
        &store,
        &budget,
        &Prices::new(),
        &pending("ollama", "m", 800, 300),
        now,
    )
    .unwrap()
    .unwrap();
    assert_eq!(hit.kind, LimitKind::TaskTokens);
    assert_eq!((hit.value, hit.used), (1000, Some(800)));
    assert!(hit.detail.contains("budget.task_tokens"), "{}", hit.detail);
}

#[test]
fn the_daily_budget_counts_every_call_of_today() {
    let (_dir, store) = store();
    store
        .record_model_call(&call("ollama", "a", 400, 100))
        .unwrap();
    store
        .record_model_call(&call("openai", "b", 300, 100))
        .unwrap();
    let budget = BudgetConfig {
        daily_tokens: 1000,
        ..BudgetConfig::default()
    };
    let now = crate::time::now_ms();
    let ok = check_request(
        &store,
        &budget,
        &Prices::new(),
        &pending("ollama", "a", 0, 50),
        now,
    );
    assert_eq!(ok.unwrap(), None);
    let hit = check_request(
        &store,
        &budget,
        &Prices::new(),
        &pending("ollama", "a", 0, 200),
        now,
    )
    .unwrap()
    .unwrap();
    assert_eq!(hit.kind, LimitKind::DailyTokens);
    assert_eq!((hit.value, hit.used), (1000, Some(900)));
    // Tomorrow, today's calls no longer count.
    let tomorrow = next_day_start(now) + 1;
    let later = check_request(
        &store,
        &budget,
        &Prices::new(),
        &pending("ollama", "a", 0, 200),
        tomorrow,
    );
    assert_eq!(later.unwrap(), None);
}

#[test]
fn the_monthly_cost_stops_priced_models_only() {
    let (_dir, store) = store();
    // $0.15 + $0.60 = $0.75 this month.
    store
        .record_model_call(&call("openai", "gpt-4o-mini", 1_000_000, 1_000_000))
        .unwrap();
    let budget = BudgetConfig {
        monthly_cost: Decimal::parse("0.80").unwrap(),
        ..BudgetConfig::default()
    };
    let now = crate::time::now_ms();
    // 100k prompt tokens cost $0.015: under.
    let under = check_request(
        &store,
        &budget,
        &prices(),
        &pending("openai", "gpt-4o-mini", 0, 100_000),
        now,
    );
    assert_eq!(under.unwrap(), None);
    // 400k cost $0.06: over.
    let hit = check_request(
        &store,
        &budget,
        &prices(),
        &pending("openai", "gpt-4o-mini", 0, 400_000),
        now,
    )
    .unwrap()
    .unwrap();
    assert_eq!(hit.kind, LimitKind::MonthlyCost);
    assert_eq!((hit.value, hit.used), (800_000, Some(750_000)));
    assert!(hit.detail.contains("$0.75 of $0.80"), "{}", hit.detail);
    // A local model costs nothing: the cost budget does not stop it.
    let local = check_request(
        &store,
        &budget,
        &prices(),
        &pending("ollama", "qwen", 0, 400_000),
        now,
    );
    assert_eq!(local.unwrap(), None);
}

#[test]
fn the_report_says_what_is_left() {
    let (_dir, store) = store();
    store
        .record_model_call(&call("openai", "gpt-4o-mini", 1_000_000, 1_000_000))
        .unwrap();
    store
        .record_model_call(&call("openai", "unpriced", 10, 10))
        .unwrap();
    store
        .record_model_call(&call("ollama", "qwen", 500, 500))
        .unwrap();
    let config = Config {
        prices: prices(),
        budget: BudgetConfig {
            task_tokens: 0,
            daily_tokens: 3_000_000,
            monthly_cost: Decimal::parse("5").unwrap(),
        },
        ..Config::default()
    };
    let report = report(&store, &config, crate::time::now_ms()).unwrap();
    assert_eq!(report.today.tokens, 2_001_020);
    assert_eq!(report.today.left, Some(998_980));
    assert_eq!(report.month.cost_text(), "$0.75");
    assert_eq!(report.month.left_text().as_deref(), Some("$4.25"));
    assert_eq!(report.month.unpriced(), vec!["openai:unpriced".to_string()]);
    assert_eq!(
        report.left_summary().as_deref(),
        Some("999.0k tokens left today · $4.25 left this month")
    );
    assert_eq!(report.task_tokens, None);
}

#[test]
fn the_guard_sends_nothing_once_the_day_is_spent() {
    use agent_models::{ChatBackend, ChatMessage, ChatRequest};
    use futures_util::StreamExt;
    use std::sync::{Arc, Mutex};

    let (dir, store) = store();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let inner = Arc::new(crate::testing::Scripted {
        replies: Mutex::new(vec![Vec::new()]),
        seen: seen.clone(),
    });
    let budget = BudgetConfig {
        task_tokens: 1,
        daily_tokens: 1000,
        ..BudgetConfig::default()
    };
    let guard = BudgetGuard::new(
        inner,
        "openai",
        budget,
        Prices::new(),
        dir.path().join("agent.db"),
        StoreOptions::default(),
    );
    let request = ChatRequest::new("m", vec![ChatMessage::user("hello")]);
    // The task budget is not the guard's: a request over it is admitted.
    assert!(guard.admit(&request).is_ok());
    store
        .record_model_call(&call("openai", "m", 990, 9))
        .unwrap();
    let refused = guard.admit(&request).unwrap_err();
    let hit = refusal(&refused).unwrap();
    assert_eq!(hit.kind, LimitKind::DailyTokens);
    assert_eq!(hit.used, Some(999));
    // Sending anyway gets the same refusal, and the backend sees nothing.
    let first = futures_executor_block_on(guard.chat(request).next());
    assert!(refusal(&first.unwrap().unwrap_err()).is_some());
    assert!(seen.lock().unwrap().is_empty());
}

/// Runs `future` to its end on a runtime of its own.
fn futures_executor_block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(future)
}
