//! CPU facts: brand, architecture, core counts and the SIMD extensions inference kernels use.

use serde::{Deserialize, Serialize};

/// The processor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CpuInfo {
    pub brand: String,
    pub arch: String,
    pub logical_cores: usize,
    pub physical_cores: Option<usize>,
    /// SIMD extensions present, by their usual names: `avx2`, `avx512f`, `fma`, `f16c`, `neon`.
    pub simd: Vec<String>,
}

pub(super) fn probe_cpu() -> CpuInfo {
    let mut brand = "unknown".to_string();
    let mut listed_cores = 1;
    if let Ok(mut system) = sysinfo::System::new() {
        system.refresh_cpu_all();
        listed_cores = system.cpus().len().max(1);
        if let Some(found) = system
            .cpus()
            .iter()
            .map(|cpu| cpu.brand().trim())
            .find(|brand| !brand.is_empty())
        {
            brand = found.to_string();
        }
    }
    let logical_cores = std::thread::available_parallelism()
        .map(usize::from)
        .unwrap_or(listed_cores);
    CpuInfo {
        brand,
        arch: std::env::consts::ARCH.to_string(),
        logical_cores,
        physical_cores: sysinfo::System::physical_core_count().ok(),
        simd: simd_features(),
    }
}

/// The SIMD extensions this CPU supports, detected at run time.
pub fn simd_features() -> Vec<String> {
    let mut features = Vec::new();
    #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
    {
        let checks = [
            ("sse4.2", std::arch::is_x86_feature_detected!("sse4.2")),
            ("avx", std::arch::is_x86_feature_detected!("avx")),
            ("avx2", std::arch::is_x86_feature_detected!("avx2")),
            ("fma", std::arch::is_x86_feature_detected!("fma")),
            ("f16c", std::arch::is_x86_feature_detected!("f16c")),
            ("avx512f", std::arch::is_x86_feature_detected!("avx512f")),
        ];
        features.extend(
            checks
                .into_iter()
                .filter(|(_, present)| *present)
                .map(|(name, _)| name.to_string()),
        );
    }
    #[cfg(target_arch = "aarch64")]
    {
        if std::arch::is_aarch64_feature_detected!("neon") {
            features.push("neon".to_string());
        }
        if std::arch::is_aarch64_feature_detected!("dotprod") {
            features.push("dotprod".to_string());
        }
    }
    features
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detected_features_match_the_compile_time_baseline() {
        let features = simd_features();
        // Anything the compiler was allowed to assume must also be detected at run time.
        if cfg!(target_feature = "avx2") {
            assert!(features.contains(&"avx2".to_string()));
        }
        if cfg!(all(target_arch = "aarch64", target_feature = "neon")) {
            assert!(features.contains(&"neon".to_string()));
        }
    }
}
