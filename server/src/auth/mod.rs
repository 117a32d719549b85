//! Who is calling: bearer tokens (`token`), enrolment codes (`code`), staff passwords
//! (`password`) and the extractors that turn a request's `Authorization` header into a member or a
//! staff caller (`caller`).

pub mod caller;
pub mod code;
pub mod password;
pub mod token;
