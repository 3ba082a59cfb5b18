//! The hardware probe: CPU (model, cores, SIMD), memory (total, available, measured bandwidth) and
//! GPUs (NVIDIA through NVML when its library is present). It never fails: what cannot be read is
//! left out, and a machine without a GPU or driver simply lists none.

mod bandwidth;
mod cpu;
mod gpu;
#[cfg(feature = "wgpu-probe")]
mod wgpu_probe;

use serde::{Deserialize, Serialize};

pub use bandwidth::measure_memory_bandwidth;
pub use cpu::CpuInfo;
pub use gpu::{GpuInfo, GpuSource};

/// What the machine offers for running models.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HardwareProfile {
    pub cpu: CpuInfo,
    pub memory: MemoryInfo,
    pub gpus: Vec<GpuInfo>,
}

impl HardwareProfile {
    /// The machine as benchmark results are filed under it: CPU model, logical cores and
    /// memory in whole GiB (`AMD EPYC 7763, 2 logical cores, 23 GiB`).
    pub fn machine_id(&self) -> String {
        let gib = (self.memory.total_bytes as f64 / (1u64 << 30) as f64).round();
        format!(
            "{}, {} logical cores, {gib} GiB",
            self.cpu.brand.trim(),
            self.cpu.logical_cores
        )
    }
}

/// System memory.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MemoryInfo {
    pub total_bytes: u64,
    /// Memory a new process can use without swapping.
    pub available_bytes: u64,
    /// Measured read bandwidth of system memory, all cores, in bytes per second.
    pub bandwidth_bytes_per_second: Option<f64>,
}

/// What to probe beyond the cheap facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProbeOptions {
    /// Time a read over a large buffer (~100 ms) to estimate decode speed.
    pub measure_bandwidth: bool,
    /// Also list GPUs of any vendor through wgpu (0.1–0.5 s; needs the `wgpu-probe` feature).
    pub enumerate_all_gpus: bool,
}

impl Default for ProbeOptions {
    fn default() -> Self {
        Self {
            measure_bandwidth: true,
            enumerate_all_gpus: true,
        }
    }
}

/// Probes this machine.
pub fn probe(options: ProbeOptions) -> HardwareProfile {
    let cpu = cpu::probe_cpu();
    let (total_bytes, available_bytes) = memory_totals();
    let bandwidth_bytes_per_second = options
        .measure_bandwidth
        .then(|| measure_memory_bandwidth(cpu.logical_cores))
        .flatten();
    let mut gpus = gpu::probe_nvml();
    if cfg!(target_os = "macos") && cfg!(target_arch = "aarch64") {
        gpus.push(gpu::apple_unified(&cpu, total_bytes));
    }
    #[cfg(feature = "wgpu-probe")]
    if options.enumerate_all_gpus {
        // Keep NVML's and Apple's entries (they know the memory); add the GPUs they missed.
        let known: Vec<String> = gpus.iter().map(|g| g.vendor.clone()).collect();
        gpus.extend(
            wgpu_probe::probe_wgpu()
                .into_iter()
                .filter(|g| !known.contains(&g.vendor)),
        );
    }
    HardwareProfile {
        cpu,
        memory: MemoryInfo {
            total_bytes,
            available_bytes,
            bandwidth_bytes_per_second,
        },
        gpus,
    }
}

fn memory_totals() -> (u64, u64) {
    match sysinfo::System::new() {
        Ok(mut system) => {
            system.refresh_memory();
            (system.total_memory(), system.available_memory())
        }
        Err(_) => (0, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probing_this_machine_reports_cpu_and_memory() {
        let profile = probe(ProbeOptions {
            measure_bandwidth: false,
            enumerate_all_gpus: false,
        });
        assert!(profile.cpu.logical_cores >= 1);
        assert!(profile.memory.total_bytes > 0);
        assert!(profile.memory.available_bytes <= profile.memory.total_bytes);
        assert!(profile.memory.bandwidth_bytes_per_second.is_none());
        // Serializes for `agent models probe --json`.
        let json = serde_json::to_value(&profile).unwrap();
        assert!(json["cpu"]["logical_cores"].as_u64().unwrap() >= 1);
    }
}
