//! The route table under `/scim/v2` and the middleware stack.

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::{middleware, Router};

use super::handlers as h;
use super::state::AppState;
use super::BASE_PATH;

/// Builds the router for `state`.
pub fn build(state: AppState) -> Router {
    let max_body = state.config().limits.max_body_bytes;
    let scim = Router::new()
        .route("/ServiceProviderConfig", get(h::service_provider_config))
        .route("/ResourceTypes", get(h::resource_types))
        .route("/ResourceTypes/{name}", get(h::resource_type))
        .route("/Schemas", get(h::schemas))
        .route("/Schemas/{id}", get(h::schema))
        .route("/", get(h::list_all))
        .route("/.search", post(h::search_all))
        .route("/Bulk", post(h::bulk))
        .route("/Me", axum::routing::any(h::me))
        .route("/Me/{*rest}", axum::routing::any(h::me))
        .route("/{segment}", get(h::list).post(h::create))
        .route("/{segment}/.search", post(h::search))
        .route(
            "/{segment}/{id}",
            get(h::get)
                .put(h::replace)
                .patch(h::modify)
                .delete(h::delete),
        )
        .method_not_allowed_fallback(h::method_not_allowed);
    Router::new()
        // The server root with a trailing slash, as `{base}/` is commonly written.
        .route(&format!("{BASE_PATH}/"), get(h::list_all))
        .nest(BASE_PATH, scim)
        .fallback(h::not_found)
        // Bodies are read (within size and time limits) after authentication, before routing.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            super::limits::read_body,
        ))
        .layer(DefaultBodyLimit::max(max_body))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            super::auth::require,
        ))
        // Above the rate limit nothing else is done: no authentication, no body read.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            super::rate_limit::limit,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            super::respond::finish,
        ))
        .with_state(state)
}
