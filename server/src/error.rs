//! The one error shape of the HTTP API: a status and `{"error": code, "message": text}`. Codes
//! are a contract (add, never rename). Messages are fixed sentences: they never echo a request's
//! body, so no token, password or health value can end up in one; internal causes go to the log,
//! not the response.

use std::borrow::Cow;

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::password::PasswordError;
use crate::db::DbError;
use crate::random::RandomError;

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// A stable machine-readable code: `invalid_request`, `invalid_code`, `unauthorized`,
    /// `forbidden`, `not_found`, `method_not_allowed`, `payload_too_large`, `invalid_field`,
    /// `resync_required`, `no_prescription`, `rate_limited` or `internal`.
    pub error: &'static str,
    /// A sentence for a person.
    pub message: Cow<'static, str>,
}

/// An error a handler answers with.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    body: ErrorBody,
    retry_after_secs: Option<u64>,
}

impl ApiError {
    fn new(status: StatusCode, error: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            status,
            body: ErrorBody {
                error,
                message: message.into(),
            },
            retry_after_secs: None,
        }
    }

    /// 400: the request is malformed; `message` says what is wrong without repeating it.
    pub fn invalid_request(message: &'static str) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request", message)
    }

    /// 401: an enrolment code that is unknown, used or expired (indistinguishable on purpose).
    pub fn invalid_code() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "invalid_code",
            "the enrolment code is not valid: it may be mistyped, already used or expired",
        )
    }

    /// 401: no credentials, or credentials that are wrong, expired or revoked.
    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "missing, invalid, expired or revoked credentials",
        )
    }

    /// 403: valid credentials of the wrong kind (a member on a staff endpoint, or staff on a
    /// member endpoint).
    pub fn forbidden() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "these credentials cannot use this endpoint",
        )
    }

    /// 404: nothing here for this caller, whether or not it exists for someone else.
    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "not found")
    }

    /// 413: the request is over a limit (`message` names the limit).
    pub fn payload_too_large(message: &'static str) -> Self {
        Self::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", message)
    }

    /// 422: a well-formed body whose content cannot be used. `message` names the field and the
    /// rule, never the value (the core's validation errors are written that way).
    pub fn invalid_field(message: String) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_field", message)
    }

    /// 409: the member has no prescription, so there is nothing to measure adherence against.
    /// A conflict with the member's state, not a missing member (that is 404 `not_found`).
    pub fn no_prescription() -> Self {
        Self::new(
            StatusCode::CONFLICT,
            "no_prescription",
            "the member has no prescription",
        )
    }

    /// 405.
    pub fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "this endpoint does not accept that method",
        )
    }

    /// 429 with `Retry-After` in whole seconds.
    pub fn rate_limited(retry_after_secs: u64) -> Self {
        Self {
            retry_after_secs: Some(retry_after_secs),
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "too many attempts from this address; retry later",
            )
        }
    }

    /// 500: logged with its cause, answered without it.
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(%cause, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the server failed; try again later",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body)).into_response();
        let headers = response.headers_mut();
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(secs) = self.retry_after_secs {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

impl From<DbError> for ApiError {
    fn from(e: DbError) -> Self {
        Self::internal(&e)
    }
}

impl From<RandomError> for ApiError {
    fn from(e: RandomError) -> Self {
        Self::internal(&e)
    }
}

impl From<PasswordError> for ApiError {
    fn from(e: PasswordError) -> Self {
        Self::internal(&e)
    }
}

impl From<tokio::task::JoinError> for ApiError {
    fn from(e: tokio::task::JoinError) -> Self {
        Self::internal(&e)
    }
}

// serde's message can quote the offending input (a password, a health value): answer with a
// fixed sentence per kind of failure instead.
impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::MissingJsonContentType(_) => {
                Self::invalid_request("the body must be JSON (Content-Type: application/json)")
            }
            JsonRejection::JsonSyntaxError(_) => {
                Self::invalid_request("the body is not valid JSON")
            }
            JsonRejection::JsonDataError(_) => Self::invalid_request(
                "the JSON body lacks a required field or has a field of the wrong type",
            ),
            _ => Self::invalid_request("the body could not be read"),
        }
    }
}

// The rejection's text quotes the query; a fixed sentence instead.
impl From<QueryRejection> for ApiError {
    fn from(_: QueryRejection) -> Self {
        Self::invalid_request("the query string could not be read")
    }
}

/// `axum::extract::Query` whose rejection is an `ApiError`.
#[derive(Debug, axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

/// `axum::Json` whose rejection is an `ApiError`, so a malformed body gets the API's error shape.
#[derive(Debug, axum::extract::FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unauthorized_names_the_scheme_and_rate_limit_says_when() {
        let r = ApiError::unauthorized().into_response();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(r.headers()[header::WWW_AUTHENTICATE], "Bearer");
        let r = ApiError::rate_limited(7).into_response();
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(r.headers()[header::RETRY_AFTER], "7");
    }
}
