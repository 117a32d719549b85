//! What the clinic prescribes a member and when the member can be reached.
//!
//! A prescription holds weekly targets (so many sessions a week of a dose: minutes and, for heat
//! and cold, a temperature), fixed sessions (a slot booked at the clinic), the member's
//! availability windows and quiet hours. Windows are local times of day in the member's zone and
//! may cross midnight (22:00-07:00); the planner resolves them for each date with the tz database,
//! so that "22:00" stays 22:00 on the member's clock across a DST change.

use chrono::NaiveTime;
use serde::{Deserialize, Serialize};

use super::ProtocolError;
use super::modality::{Dose, DoseCheck};
use super::settings::ClinicSettings;
use crate::health::Timestamp;

/// Most sessions a week of one modality the planner can place: at most one a day (product choice;
/// the brief's highest band is 7 sauna sessions a week, KIHD).
pub const MAX_SESSIONS_PER_WEEK: u8 = 7;

/// Everything the clinic prescribes one member, and the member's windows.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Prescription {
    /// Weekly targets, at most one per modality.
    pub targets: Vec<WeeklyTarget>,
    /// Sessions booked at the clinic.
    pub fixed: Vec<FixedSession>,
    /// When the member can do a session. Empty: the whole day.
    pub availability: Vec<LocalWindow>,
    /// When nothing is planned (sleep, work, family).
    pub quiet_hours: Vec<LocalWindow>,
}

/// So many sessions a week of one dose.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeeklyTarget {
    /// Sessions per week, 1-7.
    pub sessions_per_week: u8,
    /// The dose of each session (its modality, minutes and temperature).
    pub dose: Dose,
    /// Whether the clinic accepted a dose outside the safe ranges.
    pub check: DoseCheck,
}

/// A session booked at the clinic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FixedSession {
    /// When it starts; it lasts the dose's minutes.
    pub start: Timestamp,
    /// The dose.
    pub dose: Dose,
    /// Whether the clinic accepted a dose outside the safe ranges.
    pub check: DoseCheck,
}

/// A local time-of-day window, `[start, end)`; it crosses midnight when `end` is not after
/// `start` (22:00-07:00).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalWindow {
    /// Local time it opens.
    pub start: NaiveTime,
    /// Local time it closes (on the next day when not after `start`).
    pub end: NaiveTime,
}

impl LocalWindow {
    /// The window from `start` to `end`.
    pub fn new(start: NaiveTime, end: NaiveTime) -> Self {
        Self { start, end }
    }

    /// Whether the window closes on the day after it opens.
    pub fn crosses_midnight(&self) -> bool {
        self.end <= self.start
    }

    /// Whether the local time of day `time` lies in the window.
    pub fn contains_time(&self, time: NaiveTime) -> bool {
        if self.crosses_midnight() {
            time >= self.start || time < self.end
        } else {
            time >= self.start && time < self.end
        }
    }
}

impl Prescription {
    /// Checks every dose against the settings' safe ranges (or its override), the weekly counts
    /// and the windows, naming the first item that cannot be used.
    pub fn validate(&self, settings: &ClinicSettings) -> Result<(), ProtocolError> {
        for (index, target) in self.targets.iter().enumerate() {
            let at = |e: ProtocolError| e.in_item("targets", index);
            if !(1..=MAX_SESSIONS_PER_WEEK).contains(&target.sessions_per_week) {
                return Err(at(ProtocolError::Prescription {
                    field: "sessions_per_week",
                    reason: "must be from 1 to 7",
                }));
            }
            target
                .dose
                .validate(&settings.safe, target.check)
                .map_err(at)?;
            let modality = target.dose.modality();
            if self.targets[..index]
                .iter()
                .any(|t| t.dose.modality() == modality)
            {
                return Err(at(ProtocolError::Prescription {
                    field: "targets",
                    reason: "holds a second target for one modality",
                }));
            }
        }
        for (index, fixed) in self.fixed.iter().enumerate() {
            fixed
                .dose
                .validate(&settings.safe, fixed.check)
                .map_err(|e| e.in_item("fixed", index))?;
        }
        for (list, windows) in [
            ("availability", &self.availability),
            ("quiet_hours", &self.quiet_hours),
        ] {
            if let Some(index) = windows.iter().position(|w| w.start == w.end) {
                return Err(ProtocolError::Prescription {
                    field: "window",
                    reason: "opens and closes at the same time (leave the list empty for all day)",
                }
                .in_item(list, index));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).expect("time")
    }

    fn sauna_target(sessions_per_week: u8) -> WeeklyTarget {
        WeeklyTarget {
            sessions_per_week,
            dose: Dose::Sauna {
                minutes: 15.0,
                temperature_c: 90.0,
            },
            check: DoseCheck::Standard,
        }
    }

    #[test]
    fn a_window_crossing_midnight_contains_late_and_early_times() {
        let night = LocalWindow::new(t(22, 0), t(7, 0));
        assert!(night.crosses_midnight());
        assert!(night.contains_time(t(23, 30)));
        assert!(night.contains_time(t(6, 59)));
        assert!(!night.contains_time(t(7, 0)));
        assert!(!night.contains_time(t(12, 0)));
        let day = LocalWindow::new(t(9, 0), t(17, 0));
        assert!(!day.crosses_midnight());
        assert!(day.contains_time(t(9, 0)) && !day.contains_time(t(17, 0)));
    }

    #[test]
    fn validation_names_the_item_and_field() {
        let settings = ClinicSettings::default();
        let mut p = Prescription {
            targets: vec![sauna_target(4)],
            ..Prescription::default()
        };
        assert_eq!(p.validate(&settings), Ok(()));

        p.targets.push(sauna_target(2));
        assert!(matches!(
            p.validate(&settings),
            Err(ProtocolError::Item {
                list: "targets",
                index: 1,
                ..
            })
        ));

        p.targets = vec![sauna_target(8)];
        let err = p.validate(&settings).unwrap_err();
        assert!(err.to_string().contains("sessions_per_week"), "{err}");

        p.targets = vec![WeeklyTarget {
            dose: Dose::Sauna {
                minutes: 45.0,
                temperature_c: 90.0,
            },
            ..sauna_target(3)
        }];
        assert!(matches!(
            p.validate(&settings),
            Err(ProtocolError::Item { list: "targets", index: 0, ref source })
                if matches!(**source, ProtocolError::OutsideSafeRange { field: "minutes", .. })
        ));
        p.targets[0].check = DoseCheck::ClinicOverride;
        assert_eq!(p.validate(&settings), Ok(()));

        p.quiet_hours = vec![LocalWindow::new(t(22, 0), t(22, 0))];
        assert!(matches!(
            p.validate(&settings),
            Err(ProtocolError::Item {
                list: "quiet_hours",
                index: 0,
                ..
            })
        ));
    }
}
