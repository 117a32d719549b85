//! The tenancy vocabulary: a clinic has staff, each with a role, and members. What each role may
//! do is decided in the handlers; this names the roles and keeps their stored spelling in one place.

use serde::Serialize;
use utoipa::ToSchema;

/// A staff member's role. Both roles read their own clinic's members in this slice; admin-only
/// actions (managing staff and members over HTTP) come with the clinic's dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    /// Runs the clinic's account.
    Admin,
    /// A coach or clinician who looks after members.
    Clinician,
}

impl StaffRole {
    /// The stored spelling (a `CHECK` constraint in the schema lists the same words).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Clinician => "clinician",
        }
    }

    /// The role of a stored spelling.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "admin" => Some(Self::Admin),
            "clinician" => Some(Self::Clinician),
            _ => None,
        }
    }
}

/// The stored form of a staff e-mail address: trimmed and lower-cased, so login does not depend on
/// how it was typed. `None` unless it looks like `local@domain`.
pub fn normalise_email(email: &str) -> Option<String> {
    let email = email.trim().to_lowercase();
    let (local, domain) = email.split_once('@')?;
    let plausible = !local.is_empty()
        && !domain.is_empty()
        && !domain.contains('@')
        && !email.chars().any(char::is_whitespace);
    plausible.then_some(email)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised() {
        assert_eq!(
            normalise_email(" Ada@Clinic.Example ").as_deref(),
            Some("ada@clinic.example")
        );
        assert_eq!(normalise_email("ada"), None);
        assert_eq!(normalise_email("@clinic"), None);
        assert_eq!(normalise_email("a@b@c"), None);
        assert_eq!(normalise_email("a b@c"), None);
    }

    #[test]
    fn spelling_round_trips() {
        for r in [StaffRole::Admin, StaffRole::Clinician] {
            assert_eq!(StaffRole::parse(r.as_str()), Some(r));
        }
        assert_eq!(StaffRole::parse("owner"), None);
    }
}
