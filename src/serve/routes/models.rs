//! `/v1/models`: the models every backend offered when last asked (the store's registry).

use agent_core::store::RegistryEntry;
use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use crate::serve::error::ApiError;
use crate::serve::state::SharedState;

/// The models known, by backend and name.
#[derive(Debug, Serialize, ToSchema)]
pub struct ModelList {
    #[schema(value_type = Vec<Object>)]
    pub models: Vec<RegistryEntry>,
}

#[utoipa::path(get, path = "/v1/models", tag = "models",
    responses((status = 200, body = ModelList, description = "as cached by the last `agent models list` or refresh")))]
pub async fn list(State(state): State<SharedState>) -> Result<Json<ModelList>, ApiError> {
    let models = state.stores.run(|store| Ok(store.registry(None)?)).await?;
    Ok(Json(ModelList { models }))
}
