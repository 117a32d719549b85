// The member's profile (sex, age, the clinic's measured heart rates, the HRV metric) kept in
// UserDefaults: a few answers the member gives once in Settings, which the core needs on every
// readiness call and does not store itself. Sign-out removes them with the rest of the member's
// data.
import Alyze
import Foundation

enum ProfileDefaults {
    private static let key = "app.alyze.profile"

    static func load(from defaults: UserDefaults = .standard) -> MemberProfile? {
        guard let data = defaults.data(forKey: key) else { return nil }
        return (try? JSONDecoder().decode(Stored.self, from: data))?.profile
    }

    static func save(_ profile: MemberProfile, to defaults: UserDefaults = .standard) {
        // Encoding a struct of strings and numbers cannot fail.
        guard let data = try? JSONEncoder().encode(Stored(profile)) else { return }
        defaults.set(data, forKey: key)
    }

    static func clear(from defaults: UserDefaults = .standard) {
        defaults.removeObject(forKey: key)
    }

    /// The profile as stored: named fields and named enum values, so a later app version can
    /// read them.
    private struct Stored: Codable {
        let sex: String
        let restingHrBpm, maxHrBpm, ageYears: Double?
        let preferredHrvMetric: String?

        init(_ p: MemberProfile) {
            sex = p.sex == .female ? "female" : "male"
            restingHrBpm = p.restingHrBpm
            maxHrBpm = p.maxHrBpm
            ageYears = p.ageYears
            preferredHrvMetric = p.preferredHrvMetric.map { $0 == .rmssd ? "rmssd" : "sdnn" }
        }

        /// `nil` when the stored sex is not one this version knows.
        var profile: MemberProfile? {
            let sex: Sex
            switch self.sex {
            case "female": sex = .female
            case "male": sex = .male
            default: return nil
            }
            let metric: HrvMetric?
            switch preferredHrvMetric {
            case "rmssd"?: metric = .rmssd
            case "sdnn"?: metric = .sdnn
            default: metric = nil
            }
            return MemberProfile(
                sex: sex, restingHrBpm: restingHrBpm, maxHrBpm: maxHrBpm, ageYears: ageYears,
                preferredHrvMetric: metric
            )
        }
    }
}
