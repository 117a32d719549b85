//! The audit log of staff reads of member data: who (staff id) read whose data (member id), what,
//! and when. A row is written in the same transaction as the read it records, so no read is served
//! unrecorded. The log is append-only: the server has no code path that updates or deletes it, and
//! the schema's triggers refuse both on either backend (`db/sqlite/migrations.rs`,
//! `db/postgres/migrations.rs`).

/// What a staff member read. The stored spelling is part of the log's format: add words, never
/// rename one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    /// The member appeared in their clinic's member list.
    ListMembers,
    /// The member's profile was opened.
    ViewMember,
}

impl AuditAction {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ListMembers => "list_members",
            Self::ViewMember => "view_member",
        }
    }
}
