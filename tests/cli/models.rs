//! `agent models probe|recommend` on this machine.

use crate::common::Home;

#[test]
fn probe_reports_this_machine_as_json() {
    let home = Home::new();
    let profile = home.json(&["models", "probe", "--no-bandwidth", "--json"]);
    assert!(profile["cpu"]["logical_cores"].as_u64().unwrap() >= 1);
    assert!(profile["memory"]["total_bytes"].as_u64().unwrap() > 0);
    assert!(profile["gpus"].is_array());
    let text = home.ok(&["models", "probe", "--no-bandwidth"]);
    assert!(text.starts_with("cpu "), "{text}");
    assert!(text.contains("memory"), "{text}");
}

#[test]
fn recommend_plans_for_the_configured_context() {
    let home = Home::new();
    let output = home
        .agent()
        .args(["models", "recommend", "--context", "4096", "--json"])
        .output()
        .unwrap();
    let plan: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(plan["budget"]["usable_bytes"].as_u64().unwrap() > 0);
    match plan["best"].as_object() {
        Some(best) => {
            assert!(output.status.success());
            assert_eq!(best["context_length"], 4096);
            assert!(best["total_bytes"].as_u64() <= plan["budget"]["usable_bytes"].as_u64());
        }
        // A machine too small for any known model says so with a failing exit code.
        None => assert_eq!(output.status.code(), Some(1)),
    }
}
