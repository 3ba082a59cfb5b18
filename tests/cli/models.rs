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

#[test]
fn pull_downloads_a_gguf_from_a_hugging_face_reference() {
    let home = Home::new();
    let gguf = std::fs::read(crate::common::gguf_fixture("tiny-llama-q4_0.gguf")).unwrap();
    let (base, paths) = crate::common::serve_bytes(gguf.clone());
    let pull = |extra: &[&str]| {
        let mut args = vec![
            "models",
            "pull",
            "tiny/tiny-GGUF/tiny-llama-q4_0.gguf",
            "--json",
        ];
        args.extend(extra);
        home.agent()
            .env("HF_ENDPOINT", &base)
            .args(&args)
            .output()
            .unwrap()
    };
    let output = pull(&[]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let result: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let dest = home.path().join("data/models/tiny-llama-q4_0.gguf");
    assert_eq!(result["path"], dest.to_str().unwrap());
    assert_eq!(result["size"], gguf.len());
    assert_eq!(std::fs::read(&dest).unwrap(), gguf);
    assert_eq!(
        paths.lock().unwrap().as_slice(),
        ["/tiny/tiny-GGUF/resolve/main/tiny-llama-q4_0.gguf"]
    );
    // Progress went to stderr as plain lines (not a terminal), never to stdout.
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("tiny-llama-q4_0.gguf: "), "{stderr}");

    // A second pull finds it present and fetches nothing.
    let again = pull(&[]);
    assert!(again.status.success());
    assert_eq!(paths.lock().unwrap().len(), 1);
}

#[test]
fn pull_refuses_a_file_whose_hash_differs() {
    let home = Home::new();
    let gguf = std::fs::read(crate::common::gguf_fixture("tiny-llama-q4_0.gguf")).unwrap();
    let (base, _) = crate::common::serve_bytes(gguf);
    let stderr = home
        .agent()
        .env("HF_ENDPOINT", &base)
        .args(["models", "pull", "o/r/t.gguf", "--sha256", &"ab".repeat(32)])
        .output()
        .unwrap();
    assert_eq!(stderr.status.code(), Some(4));
    let text = String::from_utf8_lossy(&stderr.stderr);
    assert!(text.contains("SHA-256"), "{text}");
    assert!(!home.path().join("data/models/t.gguf").exists());
    assert!(!home.path().join("data/models/t.gguf.part").exists());
}

#[test]
fn pull_explains_a_bad_reference_and_a_server_that_is_down() {
    let home = Home::new();
    let stderr = home.fails(&["models", "pull", "not a reference"], 2);
    assert!(stderr.contains("owner/repo/file.gguf"), "{stderr}");
    let stderr = home.fails(&["models", "pull", "o/r/../x.gguf"], 2);
    assert!(stderr.contains("not a GGUF reference"), "{stderr}");
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/m.gguf", closed.local_addr().unwrap());
    drop(closed);
    let stderr = home.fails(&["models", "pull", &url], 1);
    assert!(stderr.contains("cannot reach"), "{stderr}");
    assert!(stderr.contains("hint:"), "{stderr}");
}

#[test]
fn bench_stores_the_speed_and_recommend_reports_it_as_measured() {
    let home = Home::new();
    let model = crate::common::gguf_fixture("tiny-llama-q8_0.gguf");
    // The native engine's threads are its own setting; rayon's is candle's.
    let output = home
        .agent()
        .args([
            "models",
            "bench",
            "--model",
            model.to_str().unwrap(),
            "--prompt-tokens",
            "32",
            "--decode-tokens",
            "16",
            "--json",
        ])
        .env("AGENT_LOCAL_THREADS", "3")
        .env("RAYON_NUM_THREADS", "7")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let bench: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(bench["backend"], "local");
    assert_eq!(bench["quantization"], "Q8_0");
    assert_eq!(bench["engine"], "native", "{bench}");
    assert_eq!(bench["threads"], 3, "{bench}");
    // Loading is measured apart; the first token's time is the request's.
    assert!(bench["load_ms"].is_u64(), "{bench}");
    assert!(
        bench["time_to_first_token_ms"].as_u64() <= bench["total_ms"].as_u64(),
        "{bench}"
    );
    let decode = bench["decode_tokens_per_second"].as_f64().unwrap();

    let recommend = |json: bool| {
        let mut args = vec!["models", "recommend", "--context", "4096"];
        if json {
            args.push("--json");
        }
        home.agent().args(&args).output().unwrap()
    };
    let output = recommend(true);
    let plan: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let measured = plan["measured"].as_array().unwrap();
    assert_eq!(measured.len(), 1, "{plan}");
    assert_eq!(measured[0]["model"], "tiny-llama-q8_0.gguf");
    assert_eq!(measured[0]["quantization"], "Q8_0");
    assert_eq!(
        measured[0]["decode_tokens_per_second"].as_f64(),
        Some(decode)
    );
    assert_eq!(measured[0]["engine"], bench["engine"]);
    assert_eq!(measured[0]["fits"], true);
    // Catalog candidates of the same quantisation take the measured speed, scaled by bytes;
    // the others keep the bandwidth estimate.
    let candidates = plan["alternatives"]
        .as_array()
        .unwrap()
        .iter()
        .chain(plan["best"].as_object().map(|_| &plan["best"]));
    for candidate in candidates {
        if candidate["quantization"] == "Q8_0" {
            assert_eq!(candidate["speed_source"], "scaled", "{candidate}");
            assert_eq!(candidate["measured_from"], "tiny-llama-q8_0.gguf");
        } else {
            assert!(
                ["estimated", "unknown"].contains(&candidate["speed_source"].as_str().unwrap()),
                "{candidate}"
            );
        }
    }

    let text = String::from_utf8(recommend(false).stdout).unwrap();
    assert!(
        text.contains("measured on this machine (agent models bench):"),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "tiny-llama-q8_0.gguf Q8_0: {decode:.1} tokens/s measured"
        )),
        "{text}"
    );
    if plan["best"].is_object() {
        assert!(
            text.contains("tokens/s estimated") || text.contains("scaled from"),
            "{text}"
        );
    }
}
