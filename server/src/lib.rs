//! The alyze clinic server: clinics, their staff and members, members' devices enrolled with
//! one-time codes, rotating tokens, staff reads of their own clinic's members, each audited, and the
//! server side of sync (`docs/sync.md`): members' pushed ops and pulled pages, and the clinic's
//! prescriptions, settings and lab results written to its members' records.
//! axum on tokio; SQLite in a data dir as the embedded storage (`db`), or PostgreSQL as the
//! second backend behind the same `Db`.
//!
//! Map: `app` (state, `serve`), `routes` (the HTTP API and its OpenAPI description), `auth`
//! (tokens, codes, passwords, callers), `rate_limit`, `db` (storage and migrations), `audit`,
//! `admin` (what the subcommands do), `tenancy`, `settings`, `error`, `clock`, `random`.

pub mod admin;
pub mod app;
pub mod audit;
pub mod auth;
pub mod clock;
pub mod db;
pub mod error;
pub mod random;
pub mod rate_limit;
pub mod routes;
pub mod settings;
pub mod tenancy;

pub use app::{AppState, serve};
pub use db::Db;
pub use settings::Settings;
