//! A parser sink that counts what it receives and keeps nothing, so that a timing is the parser's
//! alone: shared by the parser benchmark (`benches/apple_export.rs`) and the bare-parse baseline
//! (`examples/parse_only.rs`), which include this file by path (it is no part of `support/mod.rs`,
//! the HRV inputs).

use alyze_core::apple_export::{Flow, HrvBeats, Sink, SleepSample};
use alyze_core::health::{QuantitySample, Workout};

/// Counts what the parser emits, and keeps nothing.
#[derive(Default)]
pub struct Count(pub u64);

impl Count {
    fn one(&mut self) -> Flow {
        self.0 += 1;
        Flow::Continue
    }
}

impl Sink for Count {
    fn quantity(&mut self, _: QuantitySample) -> Flow {
        self.one()
    }
    fn heartbeats(&mut self, _: HrvBeats) -> Flow {
        self.one()
    }
    fn sleep(&mut self, _: SleepSample) -> Flow {
        self.one()
    }
    fn workout(&mut self, _: Workout) -> Flow {
        self.one()
    }
}
