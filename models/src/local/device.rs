//! Which device runs the model: a GPU when this build has CUDA or Metal and one is there,
//! else the CPU, with a note saying why.

use candle_core::Device;

/// Where to run a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DevicePreference {
    /// A GPU when this build supports one and it is present, else the CPU.
    #[default]
    Auto,
    /// Always the CPU.
    Cpu,
}

/// The chosen device and, when a GPU was wanted but not used, why.
#[derive(Debug, Clone)]
pub struct SelectedDevice {
    pub device: Device,
    pub note: Option<String>,
}

impl SelectedDevice {
    /// A short name: `cpu`, `cuda:0`, `metal:0`.
    pub fn label(&self) -> String {
        device_label(&self.device)
    }
}

/// Chooses the device for `preference`. Never fails: a missing GPU falls back to the CPU.
pub fn select_device(preference: DevicePreference) -> SelectedDevice {
    match preference {
        DevicePreference::Cpu => SelectedDevice {
            device: Device::Cpu,
            note: None,
        },
        DevicePreference::Auto => gpu_or_cpu(),
    }
}

/// A short name of `device`.
pub fn device_label(device: &Device) -> String {
    match device.location() {
        candle_core::DeviceLocation::Cpu => "cpu".to_string(),
        candle_core::DeviceLocation::Cuda { gpu_id } => format!("cuda:{gpu_id}"),
        candle_core::DeviceLocation::Metal { gpu_id } => format!("metal:{gpu_id}"),
    }
}

#[cfg(feature = "cuda")]
fn gpu_or_cpu() -> SelectedDevice {
    match Device::new_cuda(0) {
        Ok(device) => SelectedDevice { device, note: None },
        Err(error) => SelectedDevice {
            device: Device::Cpu,
            note: Some(format!(
                "no usable CUDA device ({}); running on the CPU",
                super::engine::candle_message(&error)
            )),
        },
    }
}

#[cfg(all(feature = "metal", not(feature = "cuda")))]
fn gpu_or_cpu() -> SelectedDevice {
    match Device::new_metal(0) {
        Ok(device) => SelectedDevice { device, note: None },
        Err(error) => SelectedDevice {
            device: Device::Cpu,
            note: Some(format!(
                "no usable Metal device ({}); running on the CPU",
                super::engine::candle_message(&error)
            )),
        },
    }
}

#[cfg(not(any(feature = "cuda", feature = "metal")))]
fn gpu_or_cpu() -> SelectedDevice {
    SelectedDevice {
        device: Device::Cpu,
        note: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cpu_is_always_available() {
        let selected = select_device(DevicePreference::Cpu);
        assert!(selected.device.is_cpu());
        assert_eq!(selected.label(), "cpu");
        assert!(selected.note.is_none());
    }

    #[test]
    fn auto_never_fails() {
        let selected = select_device(DevicePreference::Auto);
        assert!(selected.device.is_cpu() || selected.note.is_none());
    }
}
