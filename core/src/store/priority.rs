//! Which source a metric's value is taken from when several recorded the same night.
//!
//! All raw rows stay in the store; the daily summary asks [`Store::preferred_source`] which of the
//! sources that recorded a metric that night to use. The member can set an order per metric
//! ([`Store::set_source_priority`], table `source_priority`); the first listed source among the
//! candidates wins. A metric the member never ordered, or a night on which none of the listed
//! sources recorded, falls back to the default, **Apple Watch first**, then the remaining candidates
//! by name (then bundle id), so the choice never depends on the order the candidates came in.
//!
//! A source is recognised as the Watch when its bundle id starts with `com.apple.health` (HealthKit
//! gives Apple's own samples `com.apple.health.<device UUID>`) and its device model is `Watch`, or,
//! failing those (an export that lost the device), when its name contains `Apple Watch`
//! (case-insensitive; Apple names the source after the member's watch, "Jane's Apple Watch").
//!
//! A listed source matches a candidate by bundle id when the entry has one, else by name: Apple's
//! bundle ids change with the paired device, a name is what the member sees and picks.

use rusqlite::params;

use super::Store;
use super::error::{Result, StoreError};
use crate::health::quantity::kind_key;
use crate::health::{QuantityKind, Source};

/// A metric that a daily value is chosen for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Metric {
    /// A quantity (HRV, resting heart rate...).
    Quantity(QuantityKind),
    /// Sleep sessions.
    Sleep,
    /// Beat-to-beat series.
    Heartbeat,
    /// Workouts.
    Workout,
}

impl Metric {
    /// The stored name of the metric (`source_priority.metric`). Fixed forever.
    fn code(self) -> &'static str {
        match self {
            Self::Quantity(kind) => kind_key(kind),
            Self::Sleep => "sleep",
            Self::Heartbeat => "heartbeat",
            Self::Workout => "workout",
        }
    }
}

/// One entry of a member's source order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRef {
    /// The source's name, matched when `bundle_id` is `None`.
    pub name: String,
    /// The writing app's bundle id or package name; matched instead of the name when given.
    pub bundle_id: Option<String>,
}

impl SourceRef {
    /// Whether `source` is the source this entry names.
    fn matches(&self, source: &Source) -> bool {
        match &self.bundle_id {
            Some(bundle) => source.bundle_id.as_deref() == Some(bundle.as_str()),
            None => source.name == self.name,
        }
    }
}

/// Whether `source` is the member's Apple Watch (module doc).
pub fn is_apple_watch(source: &Source) -> bool {
    let apple = source
        .bundle_id
        .as_deref()
        .is_some_and(|b| b.starts_with("com.apple.health"));
    let watch_model = source
        .device
        .as_ref()
        .and_then(|d| d.model.as_deref())
        .is_some_and(|m| m == "Watch");
    (apple && watch_model) || source.name.to_lowercase().contains("apple watch")
}

impl Store {
    /// Replaces the member's source order for `metric`; an empty list restores the default.
    pub fn set_source_priority(&mut self, metric: Metric, ordered: &[SourceRef]) -> Result<()> {
        self.priorities.get_mut().clear();
        let tx = self.write_transaction()?;
        tx.execute(
            "DELETE FROM source_priority WHERE metric = ?1",
            [metric.code()],
        )
        .map_err(|e| StoreError::sqlite("saving the source priority", &e))?;
        for (rank, entry) in (1_i64..).zip(ordered) {
            tx.execute(
                "INSERT INTO source_priority (metric, rank, source_name, bundle_id) \
                 VALUES (?1, ?2, ?3, ?4)",
                params![metric.code(), rank, entry.name, entry.bundle_id],
            )
            .map_err(|e| StoreError::sqlite("saving the source priority", &e))?;
        }
        super::quantity::commit(tx)
    }

    /// The member's source order for `metric`, empty when it is the default.
    pub fn source_priority(&self, metric: Metric) -> Result<Vec<SourceRef>> {
        if let Some(ordered) = self.priorities.borrow().get(&metric) {
            return Ok(ordered.clone());
        }
        let ordered = self.read_source_priority(metric)?;
        self.priorities.borrow_mut().insert(metric, ordered.clone());
        Ok(ordered)
    }

    /// [`Self::source_priority`] from the file.
    fn read_source_priority(&self, metric: Metric) -> Result<Vec<SourceRef>> {
        let fail = |e: rusqlite::Error| StoreError::sqlite("reading the source priority", &e);
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT source_name, bundle_id FROM source_priority WHERE metric = ?1 \
                 ORDER BY rank",
            )
            .map_err(fail)?;
        statement
            .query_map([metric.code()], |row| {
                Ok(SourceRef {
                    name: row.get(0)?,
                    bundle_id: row.get(1)?,
                })
            })
            .and_then(|rows| rows.collect())
            .map_err(fail)
    }

    /// Which of `candidates` (the sources that recorded `metric` for a night) the night's value is
    /// taken from; `None` when there is none.
    pub fn preferred_source<'a>(
        &self,
        metric: Metric,
        candidates: &'a [Source],
    ) -> Result<Option<&'a Source>> {
        let ordered = self.source_priority(metric)?;
        let listed = ordered
            .iter()
            .find_map(|entry| candidates.iter().find(|c| entry.matches(c)));
        Ok(listed.or_else(|| {
            candidates.iter().min_by(|a, b| {
                (!is_apple_watch(a), &a.name, &a.bundle_id).cmp(&(
                    !is_apple_watch(b),
                    &b.name,
                    &b.bundle_id,
                ))
            })
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::source::tests::watch;

    fn ring() -> Source {
        Source {
            bundle_id: Some("com.ouraring.oura".to_owned()),
            ..Source::named("Oura")
        }
    }

    fn phone() -> Source {
        Source {
            bundle_id: Some("com.apple.health.1B2C".to_owned()),
            ..Source::named("Member's iPhone")
        }
    }

    const HRV: Metric = Metric::Quantity(QuantityKind::HrvSdnn);

    #[test]
    fn the_watch_is_recognised_by_bundle_and_model_or_by_name() {
        assert!(is_apple_watch(&watch()));
        assert!(!is_apple_watch(&phone()));
        assert!(!is_apple_watch(&ring()));
        // The export lost the device, the name remains.
        assert!(is_apple_watch(&Source::named("Jane's Apple Watch")));
    }

    #[test]
    fn the_default_puts_the_watch_first_whatever_the_order() {
        let store = Store::open_in_memory().expect("opens");
        let candidates = [ring(), phone(), watch()];
        assert_eq!(
            store.preferred_source(HRV, &candidates).expect("reads"),
            Some(&watch())
        );
        // Without a watch, the first by name, not the first given.
        let others = [ring(), phone()];
        assert_eq!(
            store
                .preferred_source(Metric::Sleep, &others)
                .expect("reads"),
            Some(&phone())
        );
        assert_eq!(store.preferred_source(HRV, &[]).expect("reads"), None);
    }

    #[test]
    fn the_member_order_wins_per_metric_and_can_be_reset() {
        let mut store = Store::open_in_memory().expect("opens");
        // Read (and kept) before the member's order is set: the new order must still win.
        assert_eq!(
            store
                .preferred_source(Metric::Sleep, &[watch(), ring()])
                .expect("reads"),
            Some(&watch())
        );
        let order = [
            SourceRef {
                name: "Oura".to_owned(),
                bundle_id: Some("com.ouraring.oura".to_owned()),
            },
            SourceRef {
                name: "Member's iPhone".to_owned(),
                bundle_id: None,
            },
        ];
        store
            .set_source_priority(Metric::Sleep, &order)
            .expect("saves");
        assert_eq!(store.source_priority(Metric::Sleep).expect("reads"), order);
        let candidates = [watch(), phone(), ring()];
        assert_eq!(
            store
                .preferred_source(Metric::Sleep, &candidates)
                .expect("reads"),
            Some(&ring())
        );
        // The second entry when the first did not record; the default when none listed did.
        assert_eq!(
            store
                .preferred_source(Metric::Sleep, &[watch(), phone()])
                .expect("reads"),
            Some(&phone())
        );
        assert_eq!(
            store
                .preferred_source(Metric::Sleep, &[watch()])
                .expect("reads"),
            Some(&watch())
        );
        // Other metrics keep the default.
        assert_eq!(
            store.preferred_source(HRV, &candidates).expect("reads"),
            Some(&watch())
        );
        store
            .set_source_priority(Metric::Sleep, &[])
            .expect("resets");
        assert_eq!(
            store
                .preferred_source(Metric::Sleep, &candidates)
                .expect("reads"),
            Some(&watch())
        );
    }
}
