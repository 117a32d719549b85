//! The HTTP API, `/v1`: the router, its OpenAPI description (generated from the handlers'
//! annotations by utoipa and served at `GET /v1/openapi.json`), and JSON answers for unknown
//! paths and methods. The auth endpoints sit behind the per-address rate limit.

pub mod clinic;
pub mod devices;
pub mod enrol;
pub mod me;
pub mod records;
pub mod staff;
pub mod sync;
pub mod token;
pub mod views;

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::middleware;
use axum::routing::get;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;
use crate::error::ApiError;
use crate::rate_limit;

/// The name of the bearer-token security scheme in the OpenAPI description. The handlers'
/// `security(("bearer" = []))` annotations spell it out: utoipa wants a literal there.
pub const BEARER: &str = "bearer";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "alyze clinic server",
        description = "Enrolment, tokens and the clinic's view of its members. Errors are \
                       `{\"error\": code, \"message\": text}`."
    ),
    modifiers(&BearerScheme),
    tags(
        (name = "auth", description = "Enrolment, token refresh and revocation, and staff login (rate-limited per client address)"),
        (name = "member", description = "A member's own data"),
        (name = "clinic", description = "Staff reads of their clinic's members (their list, today's readiness, trends, adherence, labs) and writes of their prescriptions, settings and lab results (audited)"),
        (name = "sync", description = "A member's phone pushing ops and pulling changes (docs/sync.md)")
    )
)]
struct ApiDoc;

struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        openapi
            .components
            .get_or_insert_default()
            .add_security_scheme(
                BEARER,
                SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
            );
    }
}

/// The router with its state.
pub fn router(state: AppState) -> Router {
    let limited = OpenApiRouter::new()
        .routes(routes!(enrol::enrol))
        .routes(routes!(token::refresh))
        .routes(routes!(token::revoke))
        .routes(routes!(staff::login))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            rate_limit::limit_auth,
        ));
    let (api, description) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(limited)
        .routes(routes!(me::me))
        .routes(routes!(clinic::list_members))
        .routes(routes!(views::today))
        .routes(routes!(clinic::get_member))
        .routes(routes!(devices::list_devices))
        .routes(routes!(devices::sign_out_device))
        .routes(routes!(views::trends))
        .routes(routes!(views::adherence))
        .routes(routes!(records::put_prescription))
        .routes(routes!(records::put_settings, records::get_settings))
        .routes(routes!(records::add_lab, views::labs))
        .routes(routes!(records::delete_lab))
        .routes(routes!(sync::push))
        .routes(routes!(sync::pull))
        .split_for_parts();
    // Built once; each request serialises the same description.
    let description = Arc::new(description);
    let serve_description = move || {
        let description = Arc::clone(&description);
        async move { Json(description) }
    };
    api.route("/v1/openapi.json", get(serve_description))
        .fallback(|| async { ApiError::not_found() })
        .method_not_allowed_fallback(|| async { ApiError::method_not_allowed() })
        .with_state(state)
}
