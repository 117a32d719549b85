//! The alyze domain core.
//!
//! Pure, platform-free logic that the phone shells (through `bindings/`), the clinic server and the
//! `alyze` command line all share. Science lives in pure functions (data in, result out, no I/O) so
//! that it can be tested against independent implementations and public recordings; the store
//! (`store`) and the sync client (`sync`) are the modules that do I/O.

pub mod apple_export;
pub mod health;
pub mod hrv;
pub mod load;
pub mod platform;
pub mod protocol;
pub mod readiness;
pub mod store;
pub mod summary;
pub mod sync;
