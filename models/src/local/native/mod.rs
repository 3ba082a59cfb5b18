//! The native CPU inference engine for GGUF models: SIMD kernels, a persistent thread pool and
//! memory-mapped weights, without candle on the hot path.

pub(crate) mod kernels;
