//! The offer, on a terminal, to download the model that fits this machine: what it is, its
//! size, the speed to expect and where it goes, answered with `y` (anything else declines).

use std::io::{BufRead, Write};
use std::path::Path;

use agent_models::recommend::Candidate;

use crate::models::machine::gib;

/// The question: the model, its download size, the expected speed and the destination.
pub fn question(candidate: &Candidate, models_dir: &Path) -> String {
    let speed = candidate
        .decode_tokens_per_second
        .map(|speed| format!(", about {speed:.0} tokens/s here"))
        .unwrap_or_default();
    format!(
        "Download {}:{} {} ({}{speed}) into {} and run it in-process? [y/N] ",
        candidate.family,
        candidate.size,
        candidate.quantization,
        gib(candidate.weight_bytes),
        models_dir.display()
    )
}

/// Writes `question` to `output` and reads one line of `input`: true for `y` or `yes` (any
/// case), false for anything else, an empty line or the end of input.
pub fn ask(
    question: &str,
    input: &mut dyn BufRead,
    output: &mut dyn Write,
) -> std::io::Result<bool> {
    output.write_all(question.as_bytes())?;
    output.flush()?;
    let mut answer = String::new();
    if input.read_line(&mut answer)? == 0 {
        writeln!(output)?;
        return Ok(false);
    }
    Ok(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate() -> Candidate {
        Candidate {
            family: "qwen2.5-coder".into(),
            size: "1.5b".into(),
            parameters_billions: 1.54,
            quantization: "Q4_K_M".into(),
            context_length: 8192,
            weight_bytes: 941_000_000,
            kv_cache_bytes: 234_881_024,
            total_bytes: 1_550_000_000,
            estimated_decode_tokens_per_second: Some(24.6),
            decode_tokens_per_second: Some(24.6),
            speed_source: agent_models::recommend::SpeedSource::Estimated,
            measured_from: None,
            ollama_tag: "qwen2.5-coder:1.5b".into(),
            gguf: "Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
                .into(),
        }
    }

    #[test]
    fn the_question_names_size_speed_and_destination() {
        let text = question(&candidate(), Path::new("/home/u/.local/share/agent/models"));
        assert_eq!(
            text,
            "Download qwen2.5-coder:1.5b Q4_K_M (0.9 GiB, about 25 tokens/s here) into /home/u/.local/share/agent/models and run it in-process? [y/N] "
        );
    }

    #[test]
    fn only_yes_downloads() {
        for (answer, expected) in [
            ("y\n", true),
            ("YES\n", true),
            (" yes \n", true),
            ("\n", false),
            ("n\n", false),
            ("maybe\n", false),
            ("", false),
        ] {
            let mut output = Vec::new();
            let got = ask("Download? ", &mut answer.as_bytes(), &mut output).unwrap();
            assert_eq!(got, expected, "{answer:?}");
            assert!(String::from_utf8(output).unwrap().starts_with("Download? "));
        }
    }
}
