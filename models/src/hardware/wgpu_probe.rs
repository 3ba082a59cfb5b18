//! GPUs of any vendor through wgpu's adapter enumeration (Vulkan, Metal, DX12, GL). wgpu names the
//! GPU and its type but not its memory, so these GPUs inform the user without setting a budget.

use super::gpu::{GpuInfo, GpuSource};

/// PCI vendor ids for the names users know.
fn vendor_name(id: u32) -> String {
    match id {
        0x10de => "NVIDIA".into(),
        0x1002 | 0x1022 => "AMD".into(),
        0x8086 => "Intel".into(),
        0x106b => "Apple".into(),
        0x5143 => "Qualcomm".into(),
        0x13b5 => "ARM".into(),
        other => format!("vendor {other:#06x}"),
    }
}

/// Hardware GPUs wgpu can see; software renderers (llvmpipe) are left out, and a GPU visible
/// through several APIs is listed once. Takes 0.1–0.5 s, so only `agent models probe` asks.
pub(super) fn probe_wgpu() -> Vec<GpuInfo> {
    use futures_util::FutureExt;

    let instance = wgpu::Instance::new(wgpu::InstanceDescriptor::new_without_display_handle());
    // Native enumeration is synchronous behind an async signature: the future is ready at once.
    let Some(adapters) = instance
        .enumerate_adapters(wgpu::Backends::all())
        .now_or_never()
    else {
        return Vec::new();
    };
    let mut seen = Vec::new();
    let mut gpus = Vec::new();
    for adapter in adapters {
        let info = adapter.get_info();
        if matches!(
            info.device_type,
            wgpu::DeviceType::Cpu | wgpu::DeviceType::Other
        ) {
            continue;
        }
        let key = (info.vendor, info.device, info.name.clone());
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        gpus.push(GpuInfo {
            name: info.name.clone(),
            vendor: vendor_name(info.vendor),
            memory_bytes: None,
            free_bytes: None,
            unified_memory: matches!(info.device_type, wgpu::DeviceType::IntegratedGpu),
            bandwidth_bytes_per_second: None,
            source: GpuSource::Wgpu,
        });
    }
    gpus
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enumeration_never_fails_and_skips_software_renderers() {
        for gpu in probe_wgpu() {
            assert_eq!(gpu.source, GpuSource::Wgpu);
            assert!(!gpu.name.to_lowercase().contains("llvmpipe"), "{gpu:?}");
        }
    }

    #[test]
    fn vendors_have_names() {
        assert_eq!(vendor_name(0x1002), "AMD");
        assert_eq!(vendor_name(0x8086), "Intel");
        assert_eq!(vendor_name(0xabcd), "vendor 0xabcd");
    }
}
