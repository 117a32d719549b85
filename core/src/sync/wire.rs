//! The sync protocol's messages as they cross HTTP (`docs/sync.md`): one definition for the
//! phone's client and the clinic server, so the two cannot drift apart.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Most ops in one push (`413` above it).
pub const MAX_PUSH_OPS: usize = 500;

/// Most bytes in one push request (`413` above it).
pub const MAX_PUSH_BYTES: usize = 4 * 1024 * 1024;

/// The member-edited collection: its ops carry the `base_version` the edit was made on, and a
/// stale one is kept in the server's history as a conflict.
pub const CHECK_IN_COLLECTION: &str = "check_in";

/// Most changes in one pulled page.
pub const MAX_PULL_LIMIT: u32 = 1000;

/// One op of a push.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushOp {
    /// Drawn by the phone when it queued the op, the same on every retry.
    pub op_id: String,
    /// The record's collection (`docs/sync.md`, "Records and collections").
    pub collection: String,
    /// The record's id.
    pub id: String,
    /// Whether the op deletes the record (then `body` is `None`).
    pub deleted: bool,
    /// For member-edited records (check-ins): the server version the edit was made on.
    #[serde(default)]
    pub base_version: Option<i64>,
    /// The record's JSON.
    pub body: Option<Value>,
}

/// `POST /v1/sync/push`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushRequest {
    /// The ops, applied in order.
    pub ops: Vec<PushOp>,
}

/// What became of one op.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OpStatus {
    /// It took effect.
    Applied,
    /// It had taken effect before (same op id, same payload), or it changed nothing.
    Duplicate,
    /// A stale revision of a member-edited record: kept in the history, not current.
    Conflict,
    /// It can never apply (`reason` says why).
    Rejected,
}

/// The answer to one op.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpResult {
    /// The op's id.
    pub op_id: String,
    /// What became of it.
    pub status: OpStatus,
    /// The record's version after the op (`applied`, `duplicate`, `conflict`).
    #[serde(default)]
    pub version: Option<i64>,
    /// Why it was rejected: `op_id_reused`, `read_only_collection`, `unknown_collection`,
    /// `invalid_body`.
    #[serde(default)]
    pub reason: Option<String>,
}

/// The answer to a push: one result per op, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushResponse {
    /// The results.
    pub results: Vec<OpResult>,
}

/// `POST /v1/sync/pull`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PullRequest {
    /// The server epoch the cursor belongs to; `None` on the first pull.
    pub epoch: Option<String>,
    /// The last change applied; `None` on the first pull.
    pub cursor: Option<i64>,
    /// Most changes wanted (at most [`MAX_PULL_LIMIT`]).
    pub limit: u32,
}

/// One change of a pulled page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// The member's change counter (the cursor after this change).
    pub seq: i64,
    /// The record's collection.
    pub collection: String,
    /// The record's id.
    pub id: String,
    /// The record's version.
    pub version: i64,
    /// Whether the record is deleted.
    pub deleted: bool,
    /// The device that wrote it, `None` for the clinic: a phone skips its own changes.
    pub origin_device: Option<String>,
    /// The record's JSON (`None` for a tombstone).
    pub body: Option<Value>,
}

/// A pulled page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PullResponse {
    /// The server's epoch.
    pub epoch: String,
    /// The changes after the cursor, by `seq`.
    pub changes: Vec<Change>,
    /// The cursor to save once the page is applied (the request's when there are no changes).
    pub cursor: Option<i64>,
    /// Whether more changes follow.
    pub more: bool,
}

/// The body of an error answer (`{error, message}`); `resync_required` on a pull carries the
/// server's epoch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// A stable code.
    pub error: String,
    /// A sentence.
    #[serde(default)]
    pub message: String,
    /// The server's epoch, with `resync_required`.
    #[serde(default)]
    pub epoch: Option<String>,
}

/// `POST /v1/enrol`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnrolRequest {
    /// The one-time code from the clinic.
    pub code: String,
    /// The device's name, as the member would recognise it.
    pub device_name: String,
}

/// The answer to an enrolment: who and which device, and the tokens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnrolResponse {
    /// The member.
    pub member_id: String,
    /// This device.
    pub device_id: String,
    /// The tokens.
    #[serde(flatten)]
    pub tokens: TokenPair,
}

/// `POST /v1/token/refresh`, and `POST /v1/token/revoke` (sign-out).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RefreshRequest {
    /// The current refresh token (spent by a refresh; its login ended by a revoke).
    pub refresh_token: String,
}

/// An access token and the refresh token that replaces it.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct TokenPair {
    /// Sent as `Authorization: Bearer`.
    pub access_token: String,
    /// Spent by the next refresh.
    pub refresh_token: String,
    /// Seconds the access token lives.
    pub access_expires_in: u64,
}

impl std::fmt::Debug for TokenPair {
    // Tokens are secrets: never in a log line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenPair")
            .field("access_expires_in", &self.access_expires_in)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Phones update when their members do, so the server meets older phones, and a phone meets a
    /// server newer than itself: each side reads what the other leaves out and ignores what it
    /// adds. (The core's pull counts a change of a collection it does not know as unreadable
    /// and goes on: `apply::tests`.)
    #[test]
    fn an_older_phone_and_a_newer_server_understand_each_other() {
        // A push from before check-ins carried a base version.
        let old_push: PushRequest = serde_json::from_str(
            r#"{"ops": [{"op_id": "o1", "collection": "recovery_session", "id": "r1",
                         "deleted": false, "body": {"modality": "sauna"}}]}"#,
        )
        .expect("an old push parses");
        assert_eq!(old_push.ops[0].base_version, None);

        // Answers of a newer server, with fields this phone has never heard of.
        let answer: PushResponse = serde_json::from_str(
            r#"{"results": [{"op_id": "o1", "status": "applied", "version": 1, "seq": 7,
                             "server_time": 1}], "throttle_ms": 0}"#,
        )
        .expect("a newer push answer parses");
        assert_eq!(answer.results[0].status, OpStatus::Applied);
        let page: PullResponse = serde_json::from_str(
            r#"{"epoch": "e", "cursor": 7, "more": false, "retention_days": 30,
                "changes": [{"seq": 7, "collection": "sleep_score", "id": "x", "version": 1,
                             "deleted": false, "origin_device": null, "body": {"v": 2},
                             "schema": 2}]}"#,
        )
        .expect("a newer pull page parses");
        assert_eq!((page.cursor, page.changes[0].seq), (Some(7), 7));
        // An error body with more than this phone reads.
        let error: ErrorBody = serde_json::from_str(
            r#"{"error": "resync_required", "message": "m", "epoch": "e2", "hint": "x"}"#,
        )
        .expect("a newer error parses");
        assert_eq!(error.epoch.as_deref(), Some("e2"));
    }
}
