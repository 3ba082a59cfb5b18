//! GPUs and their memory: NVIDIA through NVML (loaded at run time, absent is fine) and Apple's
//! unified memory.

use serde::{Deserialize, Serialize};

use super::CpuInfo;

/// Where a GPU's facts came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GpuSource {
    /// NVIDIA's management library.
    Nvml,
    /// Apple silicon: the GPU shares system memory.
    Apple,
    /// wgpu's adapter list (any vendor; no memory size).
    Wgpu,
}

/// One GPU.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GpuInfo {
    pub name: String,
    pub vendor: String,
    /// Memory the GPU can use for weights and KV cache.
    pub memory_bytes: Option<u64>,
    /// Memory free now, when the driver says.
    pub free_bytes: Option<u64>,
    /// True when the GPU shares system memory (Apple silicon).
    pub unified_memory: bool,
    /// Peak memory bandwidth, bytes per second, when it can be derived.
    pub bandwidth_bytes_per_second: Option<f64>,
    pub source: GpuSource,
}

/// NVIDIA GPUs, or none when the NVML library or a driver is missing.
pub(super) fn probe_nvml() -> Vec<GpuInfo> {
    let Ok(nvml) = nvml_wrapper::Nvml::init() else {
        return Vec::new();
    };
    let count = nvml.device_count().unwrap_or(0);
    (0..count)
        .filter_map(|index| nvml.device_by_index(index).ok())
        .map(|device| {
            let memory = device.memory_info().ok();
            let bandwidth = match (
                device.memory_bus_width(),
                device.max_clock_info(nvml_wrapper::enum_wrappers::device::Clock::Memory),
            ) {
                // bus width in bits × memory clock in MHz × 2 (double data rate) → bytes/s.
                (Ok(bits), Ok(mhz)) => Some(f64::from(bits) / 8.0 * f64::from(mhz) * 1e6 * 2.0),
                _ => None,
            };
            GpuInfo {
                name: device.name().unwrap_or_else(|_| "NVIDIA GPU".to_string()),
                vendor: "NVIDIA".to_string(),
                memory_bytes: memory.as_ref().map(|m| m.total),
                free_bytes: memory.as_ref().map(|m| m.free),
                unified_memory: false,
                bandwidth_bytes_per_second: bandwidth,
                source: GpuSource::Nvml,
            }
        })
        .collect()
}

/// Apple silicon's GPU: it can use most of system memory (macOS caps it at about 75%).
pub(super) fn apple_unified(cpu: &CpuInfo, total_memory: u64) -> GpuInfo {
    GpuInfo {
        name: format!("{} GPU", cpu.brand),
        vendor: "Apple".to_string(),
        memory_bytes: Some(total_memory / 4 * 3),
        free_bytes: None,
        unified_memory: true,
        bandwidth_bytes_per_second: None,
        source: GpuSource::Apple,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_machine_without_nvidia_drivers_lists_no_nvml_gpus_and_does_not_fail() {
        // On machines with a driver this lists real GPUs; either way it must return.
        for gpu in probe_nvml() {
            assert_eq!(gpu.source, GpuSource::Nvml);
            assert!(!gpu.name.is_empty());
        }
    }

    #[test]
    fn apple_unified_memory_is_three_quarters_of_ram() {
        let cpu = CpuInfo {
            brand: "Apple M2".into(),
            arch: "aarch64".into(),
            logical_cores: 8,
            physical_cores: Some(8),
            simd: vec!["neon".into()],
        };
        let gpu = apple_unified(&cpu, 16 << 30);
        assert_eq!(gpu.memory_bytes, Some(12 << 30));
        assert!(gpu.unified_memory);
    }
}
