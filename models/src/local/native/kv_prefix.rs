//! Copying the first positions of the native engine's KV cache out ([`NativeModel::export_prefix`])
//! and back in ([`NativeModel::import_prefix`]), for [`crate::local::prefix_store`] to keep the
//! prefilled system prompt of one process for the next.

use super::NativeModel;
use super::attention::KvCache;
use crate::error::{ModelError, Result};
use crate::local::prefix_store::KvPrefix;

impl NativeModel {
    /// The keys and values of positions `..positions` (f16 bits), or `None` when fewer are
    /// cached.
    pub fn export_prefix(&self, positions: usize) -> Option<KvPrefix> {
        export(self.cache(), positions)
    }

    /// Puts `prefix` at positions `..prefix.positions`, replacing what was cached there. The
    /// caller forgets what it knew was cached beyond them.
    pub fn import_prefix(&mut self, prefix: &KvPrefix) -> Result<()> {
        import(self.cache_mut(), prefix)
    }
}

fn export(cache: &KvCache, positions: usize) -> Option<KvPrefix> {
    let layers = (0..cache.layers())
        .map(|layer| {
            let (keys, values) = cache.rows(layer, positions)?;
            Some((keys.to_vec(), values.to_vec()))
        })
        .collect::<Option<Vec<_>>>()?;
    Some(KvPrefix {
        kv_dim: cache.kv_dim(),
        positions,
        layers,
    })
}

fn import(cache: &mut KvCache, prefix: &KvPrefix) -> Result<()> {
    if prefix.layers.len() != cache.layers() || prefix.kv_dim != cache.kv_dim() {
        return Err(ModelError::Inference(format!(
            "a stored prefix of {} layers × {} does not fit this model's {} layers × {}",
            prefix.layers.len(),
            prefix.kv_dim,
            cache.layers(),
            cache.kv_dim()
        )));
    }
    cache.reserve(prefix.positions);
    for (layer, (keys, values)) in prefix.layers.iter().enumerate() {
        let rows = cache.rows_mut(layer, prefix.positions);
        let Some((cached_keys, cached_values)) =
            rows.filter(|(cached, _)| cached.len() == keys.len() && keys.len() == values.len())
        else {
            return Err(ModelError::Inference(format!(
                "a stored prefix of {} positions has rows of the wrong length",
                prefix.positions
            )));
        };
        cached_keys.copy_from_slice(keys);
        cached_values.copy_from_slice(values);
    }
    Ok(())
}
