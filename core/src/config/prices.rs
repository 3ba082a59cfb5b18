//! `[prices."backend:model"]`: what a model costs per million prompt and completion tokens, in
//! US dollars. A table of its own beside the key table (its keys are model names), read from the
//! user file and from a trusted repository file; a model without a price costs nothing.

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::{Error, Result};

use super::value::Decimal;

/// The table's name in a configuration file.
pub const PRICES_TABLE: &str = "prices";

/// The price of one model, per million tokens.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Price {
    pub input_per_mtok: Decimal,
    pub output_per_mtok: Decimal,
}

impl Price {
    /// What `prompt` and `completion` tokens cost, in millionths of a dollar (rounded up, so a
    /// priced call never reads as free).
    pub fn cost_micros(&self, prompt: u64, completion: u64) -> u64 {
        let part = |tokens: u64, per_mtok: Decimal| -> u64 {
            let product = u128::from(tokens) * u128::from(per_mtok.micros);
            u64::try_from(product.div_ceil(1_000_000)).unwrap_or(u64::MAX)
        };
        part(prompt, self.input_per_mtok).saturating_add(part(completion, self.output_per_mtok))
    }

    /// Whether calls at this price cost anything.
    pub fn is_free(&self) -> bool {
        self.input_per_mtok.is_zero() && self.output_per_mtok.is_zero()
    }
}

/// Prices by `backend:model` (`openai:gpt-4o-mini`, `ollama:qwen2.5-coder:7b`).
pub type Prices = BTreeMap<String, Price>;

/// The key of a model in [`Prices`].
pub fn price_key(backend: &str, model: &str) -> String {
    format!("{backend}:{model}")
}

/// The `[prices]` table of a parsed file (empty when there is none). Each entry must be a table
/// named `backend:model` with `input_per_mtok` and/or `output_per_mtok`, non-negative numbers.
pub fn parse_prices(table: &toml::Table, path: &Path) -> Result<Prices> {
    let mut prices = Prices::new();
    let Some(item) = table.get(PRICES_TABLE) else {
        return Ok(prices);
    };
    let invalid = |key: String, message: String| Error::ConfigValue {
        key,
        origin: path.display().to_string(),
        message,
    };
    let toml::Value::Table(models) = item else {
        return Err(invalid(
            PRICES_TABLE.into(),
            "expected a table of models, e.g. [prices.\"openai:gpt-4o-mini\"]".into(),
        ));
    };
    for (model, fields) in models {
        let key = format!("{PRICES_TABLE}.\"{model}\"");
        let known_backend = model.split_once(':').is_some_and(|(backend, name)| {
            super::keys::BACKENDS.contains(&backend) && !name.is_empty()
        });
        if !known_backend {
            return Err(invalid(
                key,
                format!(
                    "`{model}` is not `backend:model`; the backend is one of {}",
                    super::keys::BACKENDS.join(", ")
                ),
            ));
        }
        let toml::Value::Table(fields) = fields else {
            return Err(invalid(
                key,
                "expected a table with input_per_mtok and output_per_mtok".into(),
            ));
        };
        let mut price = Price::default();
        for (name, value) in fields {
            let amount = match value {
                toml::Value::Float(x) => Decimal::from_f64(*x),
                toml::Value::Integer(i) => u64::try_from(*i)
                    .ok()
                    .and_then(|i| i.checked_mul(Decimal::SCALE))
                    .map(Decimal::from_micros),
                _ => None,
            }
            .ok_or_else(|| {
                invalid(
                    format!("{key}.{name}"),
                    "expected a non-negative number of US dollars per million tokens".into(),
                )
            })?;
            match name.as_str() {
                "input_per_mtok" => price.input_per_mtok = amount,
                "output_per_mtok" => price.output_per_mtok = amount,
                other => {
                    return Err(invalid(
                        format!("{key}.{other}"),
                        "unknown price; expected input_per_mtok or output_per_mtok".into(),
                    ));
                }
            }
        }
        prices.insert(model.clone(), price);
    }
    Ok(prices)
}

/// Sets one price from `-c prices.BACKEND:MODEL.FIELD=DOLLARS` (`rest` is what follows
/// `prices.`; the model may be quoted, and may hold dots: the field is the last part). The
/// model's other price stays as the files set it.
pub fn apply_flag(prices: &mut Prices, rest: &str, text: &str, origin: &str) -> Result<()> {
    let invalid = |key: String, message: String| Error::ConfigValue {
        key,
        origin: origin.to_string(),
        message,
    };
    let whole = format!("{PRICES_TABLE}.{rest}");
    let Some((model, field)) = rest.rsplit_once('.') else {
        return Err(invalid(
            whole,
            "expected prices.BACKEND:MODEL.input_per_mtok or .output_per_mtok".into(),
        ));
    };
    let model = model.trim_matches('"');
    let known_backend = model.split_once(':').is_some_and(|(backend, name)| {
        super::keys::BACKENDS.contains(&backend) && !name.is_empty()
    });
    if !known_backend {
        return Err(invalid(
            whole,
            format!(
                "`{model}` is not `backend:model`; the backend is one of {}",
                super::keys::BACKENDS.join(", ")
            ),
        ));
    }
    let amount = Decimal::parse(text).ok_or_else(|| {
        invalid(
            whole.clone(),
            "expected a non-negative number of US dollars per million tokens".into(),
        )
    })?;
    let price = prices.entry(model.to_string()).or_default();
    match field {
        "input_per_mtok" => price.input_per_mtok = amount,
        "output_per_mtok" => price.output_per_mtok = amount,
        _ => {
            return Err(invalid(
                whole,
                "unknown price; expected input_per_mtok or output_per_mtok".into(),
            ));
        }
    }
    Ok(())
}
