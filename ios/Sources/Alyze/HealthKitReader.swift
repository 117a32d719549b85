// HealthKit read incrementally into the member's store: one `HKAnchoredObjectQuery` per type, from
// the anchor stored with the last batch (the store keeps it in the batch's own transaction, so a
// crash re-reads one batch, which the store counts as duplicates), with the deleted objects'
// UUIDs; heartbeat series with their beats (`HKHeartbeatSeriesQuery`) for the night's RMSSD; and
// observer queries with background delivery, so that a new watch sample wakes the app to read it.
// Units are converted here to the core's (bpm, ms); everything else is the core's.
import Foundation
import HealthKit

/// Reads the quantity types and heartbeat series the core uses into `store`.
public final class HealthKitReader {
    private let health: HKHealthStore
    private let store: AlyzeStore

    /// The quantity types read, with the core's kind, the unit of its values and its stream.
    private static let quantities: [(HKQuantityTypeIdentifier, QuantityKind, HKUnit)] = [
        (.heartRate, .heartRate, HKUnit.count().unitDivided(by: .minute())),
        (.restingHeartRate, .restingHeartRate, HKUnit.count().unitDivided(by: .minute())),
        (.heartRateVariabilitySDNN, .hrvSdnn, HKUnit.secondUnit(with: .milli)),
    ]

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
        return types
    }

    /// Reads every type once, up to now.
    public func readAll() async throws {
        for (identifier, kind, unit) in Self.quantities {
            try await readQuantities(HKQuantityType(identifier), kind: kind, unit: unit)
        }
        try await readHeartbeats()
    }

    /// Wakes the app for new samples of every quantity type, and runs `onChange` each time (it
    /// reads and syncs, then calls the completion HealthKit hands it).
    public func observe(onChange: @escaping (@escaping () -> Void) -> Void) {
        for (identifier, _, _) in Self.quantities {
            let type = HKQuantityType(identifier)
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
        let (samples, deleted, anchor) = try await anchored(type, stream: stream)
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
        let (samples, deleted, anchor) = try await anchored(type, stream: stream)
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

    /// The samples and deletions after the stored anchor, and the anchor that follows them.
    private func anchored(_ type: HKSampleType, stream: String) async throws
        -> ([HKSample], [HKDeletedObject], HKQueryAnchor?)
    {
        let stored = try store.anchor(stream: stream).flatMap {
            try NSKeyedUnarchiver.unarchivedObject(ofClass: HKQueryAnchor.self, from: $0)
        }
        return try await withCheckedThrowingContinuation { continuation in
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

    /// The beats of a series: seconds since its start, and whether a gap came before each.
    private func beats(of sample: HKHeartbeatSeriesSample) async throws -> [Beat] {
        try await withCheckedThrowingContinuation { continuation in
            var beats: [Beat] = []
            let query = HKHeartbeatSeriesQuery(heartbeatSeries: sample) { _, sinceStart, gap, done, error in
                if let error {
                    continuation.resume(throwing: error)
                    return
                }
                beats.append(Beat(offsetS: sinceStart, precededByGap: gap))
                if done {
                    continuation.resume(returning: beats)
                }
            }
            health.execute(query)
        }
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
