// HealthKit read incrementally into the member's store: one `HKAnchoredObjectQuery` per type, from
// the anchor stored with the last batch (the store keeps it in the batch's own transaction, so a
// crash re-reads one batch, which the store counts as duplicates), with the deleted objects'
// UUIDs; heartbeat series with their beats (`HKHeartbeatSeriesQueryDescriptor`) for the night's
// RMSSD; workouts with their statistics and events; sleep analysis, whose samples the core groups
// into nights (see `readSleep`); and observer queries with background delivery, so that a new
// watch sample wakes the app to read it. Units are converted here to the core's (bpm, ms, kcal,
// m); everything else, the activity and sleep-stage tables included, is the core's.
import Foundation
import HealthKit

/// Reads the quantity types, heartbeat series, sleep and workouts the core uses into `store`.
public final class HealthKitReader {
    private let health: HKHealthStore
    private let store: AlyzeStore

    /// The quantity types read, with the core's kind, the unit of its values and its stream.
    private static let quantities: [(HKQuantityTypeIdentifier, QuantityKind, HKUnit)] = [
        (.heartRate, .heartRate, HKUnit.count().unitDivided(by: .minute())),
        (.restingHeartRate, .restingHeartRate, HKUnit.count().unitDivided(by: .minute())),
        (.heartRateVariabilitySDNN, .hrvSdnn, HKUnit.secondUnit(with: .milli)),
    ]

    /// The distances a workout may carry; a workout has one of them, whichever its activity moves.
    private static let workoutDistances: [HKQuantityTypeIdentifier] = [
        .distanceWalkingRunning, .distanceCycling, .distanceSwimming, .distanceWheelchair,
        .distanceDownhillSnowSports,
    ]

    /// How far before the earliest new sleep sample the nights are regrouped: a night's samples
    /// span at most a night, so a day back reaches the start of any night the new sample joins.
    private static let sleepRegroupMarginMs: Int64 = 24 * 3_600_000

    public init(health: HKHealthStore, store: AlyzeStore) {
        self.health = health
        self.store = store
    }

    /// What the app asks the member to share (Info.plist: `NSHealthShareUsageDescription`).
    public static var readTypes: Set<HKObjectType> {
        var types = Set<HKObjectType>(quantities.map { HKQuantityType($0.0) })
        types.insert(HKCategoryType(.sleepAnalysis))
        types.insert(HKObjectType.workoutType())
        types.insert(HKSeriesType.heartbeat())
        // A workout's statistics are computed from these samples: without read access to them,
        // its energy and distance would be missing.
        types.insert(HKQuantityType(.activeEnergyBurned))
        for distance in workoutDistances {
            types.insert(HKQuantityType(distance))
        }
        return types
    }

    /// Reads every type once, up to now.
    public func readAll() async throws {
        for (identifier, kind, unit) in Self.quantities {
            try await readQuantities(HKQuantityType(identifier), kind: kind, unit: unit)
        }
        try await readHeartbeats()
        try await readSleep()
        try await readWorkouts()
    }

    /// Wakes the app for new samples of every quantity type, sleep and workouts, and runs
    /// `onChange` each time (it reads and syncs, then calls the completion HealthKit hands it).
    public func observe(onChange: @escaping (@escaping () -> Void) -> Void) {
        var types: [HKSampleType] = Self.quantities.map { HKQuantityType($0.0) }
        types += [HKCategoryType(.sleepAnalysis), HKObjectType.workoutType()]
        for type in types {
            let query = HKObserverQuery(sampleType: type, predicate: nil) { _, completion, error in
                guard error == nil else { return completion() }
                onChange(completion)
            }
            health.execute(query)
            health.enableBackgroundDelivery(for: type, frequency: .immediate) { _, _ in }
        }
    }

    private func readQuantities(_ type: HKQuantityType, kind: QuantityKind, unit: HKUnit) async throws {
        let stream = "healthkit:\(type.identifier)"
        let (samples, deleted, anchor) = try await anchored(type, after: try storedAnchor(stream))
        var sources = Sources()
        let batch = samples.compactMap { $0 as? HKQuantitySample }.map { sample in
            FfiQuantitySample(
                kind: kind,
                value: sample.quantity.doubleValue(for: unit),
                startMs: milliseconds(sample.startDate),
                startOffsetS: offset(sample, at: sample.startDate),
                endMs: milliseconds(sample.endDate),
                endOffsetS: offset(sample, at: sample.endDate),
                zone: nil,
                source: sources.position(of: sample),
                platformId: sample.uuid.uuidString
            )
        }
        _ = try store.ingestQuantities(
            stream: stream, sources: sources.list, zones: [], samples: batch,
            deletedIds: deleted.map { $0.uuid.uuidString }, anchor: try archive(anchor)
        )
    }

    private func readHeartbeats() async throws {
        let stream = "healthkit:heartbeat_series"
        let type = HKSeriesType.heartbeat()
        let (samples, deleted, anchor) = try await anchored(type, after: try storedAnchor(stream))
        var sources = Sources()
        var series: [FfiHeartbeatSeries] = []
        for case let sample as HKHeartbeatSeriesSample in samples {
            series.append(FfiHeartbeatSeries(
                startMs: milliseconds(sample.startDate),
                startOffsetS: offset(sample, at: sample.startDate),
                zone: nil,
                beats: try await beats(of: sample),
                source: sources.position(of: sample),
                platformId: sample.uuid.uuidString
            ))
        }
        _ = try store.ingestHeartbeatSeries(
            stream: stream, sources: sources.list, zones: [], series: series,
            deletedIds: deleted.map { $0.uuid.uuidString }, anchor: try archive(anchor)
        )
    }

    /// Sleep analysis. HealthKit writes a night as many samples (in bed, asleep, each stage), and
    /// a deleted object carries no date, so the changes alone cannot say which nights to rebuild.
    /// The anchored query only tells whether, and from when, anything changed; the core then
    /// regroups every sample that ends after `fromMs` (no end: a night dated ahead by a wrong
    /// clock must not look deleted) into nights (one-hour gap per source), replaces the stored
    /// nights that start at least an hour after `fromMs` (those the window holds whole) under
    /// stable ids, and saves the anchor in the same transaction. A deletion, or a first read,
    /// regroups everything; new samples regroup from a day before the earliest.
    private func readSleep() async throws {
        let type = HKCategoryType(.sleepAnalysis)
        let stream = "healthkit:\(type.identifier)"
        let stored = try storedAnchor(stream)
        let (changed, deleted, anchor) = try await anchored(type, after: stored)
        if changed.isEmpty && deleted.isEmpty { return }
        let fromMs: Int64
        if stored != nil, deleted.isEmpty, let earliest = changed.map(\.startDate).min() {
            fromMs = milliseconds(earliest) - Self.sleepRegroupMarginMs
        } else {
            fromMs = 0
        }
        let window = try await samples(
            type, overlapping: Date(timeIntervalSince1970: Double(fromMs) / 1000), .distantFuture
        )
        var sources = Sources()
        let batch = window.compactMap { $0 as? HKCategorySample }.map { sample in
            FfiSleepSample(
                stage: healthkitSleepStage(value: Int64(sample.value)),
                startMs: milliseconds(sample.startDate),
                startOffsetS: offset(sample, at: sample.startDate),
                endMs: milliseconds(sample.endDate),
                endOffsetS: offset(sample, at: sample.endDate),
                zone: nil,
                source: sources.position(of: sample)
            )
        }
        _ = try store.regroupSleep(
            stream: stream, sources: sources.list, zones: [], samples: batch, fromMs: fromMs,
            anchor: try archive(anchor)
        )
    }

    /// Workouts, with the activity as HealthKit's raw value and the metadata that refines it (the
    /// core's table maps them), their statistics and their events.
    private func readWorkouts() async throws {
        let type = HKObjectType.workoutType()
        let stream = "healthkit:\(type.identifier)"
        let (samples, deleted, anchor) = try await anchored(type, after: try storedAnchor(stream))
        var sources = Sources()
        let batch = samples.compactMap { $0 as? HKWorkout }.map { workout -> FfiWorkout in
            let heartRate = workout.statistics(for: HKQuantityType(.heartRate))
            let bpm = HKUnit.count().unitDivided(by: .minute())
            return FfiWorkout(
                activity: .healthKit(
                    raw: UInt32(clamping: workout.workoutActivityType.rawValue),
                    indoor: workout.metadata?[HKMetadataKeyIndoorWorkout] as? Bool,
                    swimmingLocation: (workout.metadata?[HKMetadataKeySwimmingLocationType] as? NSNumber)?
                        .int64Value
                ),
                startMs: milliseconds(workout.startDate),
                startOffsetS: offset(workout, at: workout.startDate),
                endMs: milliseconds(workout.endDate),
                endOffsetS: offset(workout, at: workout.endDate),
                zone: nil,
                durationS: workout.duration,
                activeEnergyKcal: workout.statistics(for: HKQuantityType(.activeEnergyBurned))?
                    .sumQuantity()?.doubleValue(for: .kilocalorie()),
                avgHeartRateBpm: heartRate?.averageQuantity()?.doubleValue(for: bpm),
                maxHeartRateBpm: heartRate?.maximumQuantity()?.doubleValue(for: bpm),
                distanceM: Self.workoutDistances.lazy.compactMap {
                    workout.statistics(for: HKQuantityType($0))?.sumQuantity()?.doubleValue(for: .meter())
                }.first,
                events: events(of: workout),
                source: sources.position(of: workout),
                platformId: workout.uuid.uuidString
            )
        }
        _ = try store.ingestWorkouts(
            stream: stream, sources: sources.list, zones: [], workouts: batch,
            deletedIds: deleted.map { $0.uuid.uuidString }, anchor: try archive(anchor)
        )
    }

    /// A workout's events in order of start, those the core knows.
    private func events(of workout: HKWorkout) -> [FfiWorkoutEvent] {
        (workout.workoutEvents ?? []).compactMap { event -> FfiWorkoutEvent? in
            guard let kind = Self.eventKind(event.type) else { return nil }
            let interval = event.dateInterval
            return FfiWorkoutEvent(
                kind: kind,
                startMs: milliseconds(interval.start),
                startOffsetS: offset(workout, at: interval.start),
                endMs: milliseconds(interval.end),
                endOffsetS: offset(workout, at: interval.end)
            )
        }.sorted { $0.startMs < $1.startMs }
    }

    private static func eventKind(_ type: HKWorkoutEventType) -> WorkoutEventKind? {
        switch type {
        case .pause: return .pause
        case .resume: return .resume
        case .motionPaused: return .motionPaused
        case .motionResumed: return .motionResumed
        case .lap: return .lap
        case .segment: return .segment
        case .marker: return .marker
        // The member asked the watch to pause or resume; the session's own pause or resume event
        // that answers it is what counts.
        case .pauseOrResumeRequest: return nil
        @unknown default: return nil
        }
    }

    /// The anchor saved with the stream's last batch; `nil` before its first read.
    private func storedAnchor(_ stream: String) throws -> HKQueryAnchor? {
        try store.anchor(stream: stream).flatMap {
            try NSKeyedUnarchiver.unarchivedObject(ofClass: HKQueryAnchor.self, from: $0)
        }
    }

    /// The samples and deletions after `stored`, and the anchor that follows them.
    private func anchored(_ type: HKSampleType, after stored: HKQueryAnchor?) async throws
        -> ([HKSample], [HKDeletedObject], HKQueryAnchor?)
    {
        try await withCheckedThrowingContinuation { continuation in
            let query = HKAnchoredObjectQuery(
                type: type, predicate: nil, anchor: stored, limit: HKObjectQueryNoLimit
            ) { _, samples, deleted, anchor, error in
                if let error {
                    continuation.resume(throwing: error)
                } else {
                    continuation.resume(returning: (samples ?? [], deleted ?? [], anchor))
                }
            }
            health.execute(query)
        }
    }

    /// Every sample of `type` overlapping `[start, end)`: with no options the predicate also
    /// matches a sample that began before `start` and ends after it.
    private func samples(_ type: HKSampleType, overlapping start: Date, _ end: Date) async throws
        -> [HKSample]
    {
        let predicate = HKQuery.predicateForSamples(withStart: start, end: end, options: [])
        return try await withCheckedThrowingContinuation { continuation in
            let query = HKSampleQuery(
                sampleType: type, predicate: predicate, limit: HKObjectQueryNoLimit, sortDescriptors: nil
            ) { _, samples, error in
                if let error {
                    continuation.resume(throwing: error)
                } else {
                    continuation.resume(returning: samples ?? [])
                }
            }
            health.execute(query)
        }
    }

    /// The beats of a series: seconds since its start, and whether a gap came before each. Read
    /// with the async descriptor: `HKHeartbeatSeriesQuery`'s data handler is `@Sendable`, so it
    /// cannot append to a local array.
    private func beats(of sample: HKHeartbeatSeriesSample) async throws -> [Beat] {
        var beats: [Beat] = []
        for try await beat in HKHeartbeatSeriesQueryDescriptor(sample).results(for: health) {
            beats.append(Beat(offsetS: beat.timeIntervalSinceStart, precededByGap: beat.precededByGap))
        }
        return beats
    }

    private func archive(_ anchor: HKQueryAnchor?) throws -> Data? {
        try anchor.map { try NSKeyedArchiver.archivedData(withRootObject: $0, requiringSecureCoding: true) }
    }

    private func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    /// The zone offset at `date`: the sample's `HKMetadataKeyTimeZone` when the writer set it,
    /// else the phone's current zone.
    private func offset(_ sample: HKSample, at date: Date) -> Int32 {
        let name = sample.metadata?[HKMetadataKeyTimeZone] as? String
        let zone = name.flatMap(TimeZone.init(identifier:)) ?? .current
        return Int32(zone.secondsFromGMT(for: date))
    }

    /// The writers of one call, each listed once; samples name theirs by position.
    private struct Sources {
        private var positions: [String: UInt32] = [:]
        private(set) var list: [Source] = []

        mutating func position(of sample: HKSample) -> UInt32 {
            let revision = sample.sourceRevision
            let key = [revision.source.bundleIdentifier, revision.version ?? "", sample.device?.model ?? ""]
                .joined(separator: "\u{1F}")
            if let known = positions[key] { return known }
            let device = sample.device.map {
                DeviceInfo(
                    name: $0.name, manufacturer: $0.manufacturer, model: $0.model,
                    hardwareVersion: $0.hardwareVersion, firmwareVersion: $0.firmwareVersion,
                    softwareVersion: $0.softwareVersion, kind: nil
                )
            }
            let position = UInt32(list.count)
            list.append(Source(
                name: revision.source.name, bundleId: revision.source.bundleIdentifier,
                version: revision.version, device: device
            ))
            positions[key] = position
            return position
        }
    }
}
