//! How much memory a model may take on this machine: under Ollama (the largest GPU, else RAM)
//! and in-process (RAM, unless this build runs models on a GPU that is there).

use agent_models::hardware::{HardwareProfile, ProbeOptions, probe};
use agent_models::local::{DevicePreference, select_device};
use agent_models::recommend::{Budget, budget};

/// The machine and its two budgets.
pub struct Budgets {
    /// The probed machine; without GPUs when the in-process engine runs on the CPU.
    pub in_process_profile: HardwareProfile,
    pub ollama: Budget,
    pub in_process: Budget,
}

/// Probes the machine (memory bandwidth too when `measure_bandwidth`: ~0.1 s more).
pub fn budgets(measure_bandwidth: bool) -> Budgets {
    let profile = probe(ProbeOptions {
        measure_bandwidth,
        enumerate_all_gpus: false,
    });
    let ollama = budget(&profile);
    let mut in_process_profile = profile;
    if select_device(DevicePreference::Auto).label() == "cpu" {
        in_process_profile.gpus.clear();
    }
    let in_process = budget(&in_process_profile);
    Budgets {
        in_process_profile,
        ollama,
        in_process,
    }
}

/// `12.3 GiB of cpu memory`, `22.5 GiB on RTX 4090`.
pub fn describe(budget: &Budget) -> String {
    let size = crate::models::machine::gib(budget.usable_bytes);
    if budget.device == "cpu" {
        format!("{size} of memory")
    } else {
        format!("{size} on {}", budget.device)
    }
}
