//! The audit log of staff reads (and writes) of member data: who (staff id) read whose data (member id), what,
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
    /// The member's prescription was written.
    WritePrescription,
    /// The clinic's settings were written to the member.
    WriteClinicSettings,
    /// A lab result was added to the member.
    AddLabResult,
    /// A lab result of the member was deleted.
    DeleteLabResult,
    /// The member appeared, with the day's readiness, in their clinic's "today" view.
    ViewToday,
    /// The member's readiness and daily summaries over a range of days were read.
    ViewTrends,
    /// The member's adherence to their prescription was read.
    ViewAdherence,
    /// The member's lab results were read.
    ViewLabs,
    /// The member's devices were listed.
    ViewDevices,
    /// One of the member's devices was signed out (its logins ended).
    SignOutDevice,
}

impl AuditAction {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ListMembers => "list_members",
            Self::ViewMember => "view_member",
            Self::WritePrescription => "write_prescription",
            Self::WriteClinicSettings => "write_clinic_settings",
            Self::AddLabResult => "add_lab_result",
            Self::DeleteLabResult => "delete_lab_result",
            Self::ViewToday => "view_today",
            Self::ViewTrends => "view_trends",
            Self::ViewAdherence => "view_adherence",
            Self::ViewLabs => "view_labs",
            Self::ViewDevices => "view_devices",
            Self::SignOutDevice => "sign_out_device",
        }
    }
}
