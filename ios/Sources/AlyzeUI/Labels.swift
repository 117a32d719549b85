// The words, symbols and colours the screens show for the core's codes, and the number format
// they share. The sentences a member reads about their own day (reasons, plan items, guidance)
// come from the core; these are only the names of things.
import Alyze
import SwiftUI

/// A number with at most `digits` decimals, in the member's locale.
func number(_ value: Double, digits: Int = 1) -> String {
    value.formatted(.number.precision(.fractionLength(0...digits)))
}

extension Recommendation {
    var label: String {
        switch self {
        case .push: return "Push"
        case .maintain: return "Maintain"
        case .recover: return "Recover"
        }
    }

    var advice: String {
        switch self {
        case .push: return "Ready for a hard session."
        case .maintain: return "Train as planned, but not harder."
        case .recover: return "Rest, move easily and recover."
        }
    }

    var color: Color {
        switch self {
        case .push: return .green
        case .maintain: return .yellow
        case .recover: return .red
        }
    }
}

extension ComponentName {
    var label: String {
        switch self {
        case .hrvWeek: return "HRV, 7-day mean"
        case .hrvToday: return "HRV, last night"
        case .hrvTrend: return "HRV trend"
        case .restingHr: return "Resting heart rate"
        case .sleep: return "Sleep"
        case .sleepEfficiency: return "Sleep efficiency"
        case .sleepDebt: return "Sleep debt"
        case .checkIn: return "Check-in"
        case .hsCrp: return "hs-CRP"
        case .creatineKinase: return "Creatine kinase"
        case .acwr: return "Acute:chronic load"
        case .tsb: return "Form (TSB)"
        case .decisionRules: return "Decision rules"
        }
    }
}

extension Severity {
    var symbol: String {
        switch self {
        case .warning: return "exclamationmark.triangle.fill"
        case .caution: return "exclamationmark.circle"
        case .info: return "info.circle"
        case .positive: return "checkmark.circle"
        }
    }

    var color: Color {
        switch self {
        case .warning: return .red
        case .caution: return .orange
        case .info: return .secondary
        case .positive: return .green
        }
    }
}

extension FlagCode {
    var label: String {
        switch self {
        case .hrvSuppressedFallingCv: return "HRV suppressed with falling variation"
        case .restingHrElevated: return "Resting heart rate elevated"
        case .monotonyHigh: return "Training too monotonous"
        case .acwrHigh: return "Load rising too fast"
        case .tsbLow: return "Form very low"
        case .wellnessBad: return "Check-ins low for over a week"
        case .inflammationNotResolving: return "Inflammation not resolving"
        case .illnessSuspected: return "Possible illness"
        }
    }
}

extension FlagCategory {
    var label: String {
        switch self {
        case .overreaching: return "Overreaching"
        case .illness: return "Illness"
        }
    }
}

extension MissingInput {
    var label: String {
        switch self {
        case .hrv: return "too few nights with HRV this week"
        }
    }
}

extension LoadKind {
    var label: String {
        switch self {
        case .sessionRpe: return "session-RPE, AU"
        case .trimp: return "TRIMP, AU"
        case .unknown: return "no load measure yet"
        }
    }
}

extension RecoveryModality {
    /// Every modality, in the order the log's picker lists them.
    static let all: [RecoveryModality] = [.sauna, .coldPlunge, .contrast, .redLight, .pemf, .breathwork]

    var label: String {
        switch self {
        case .sauna: return "Sauna"
        case .coldPlunge: return "Cold plunge"
        case .contrast: return "Contrast"
        case .redLight: return "Red light"
        case .pemf: return "PEMF"
        case .breathwork: return "Breathwork"
        }
    }

    /// Whether a logged session carries a temperature (the sauna's air, the plunge's water).
    var hasTemperature: Bool {
        self == .sauna || self == .coldPlunge
    }
}

extension TrainingClass {
    /// Every class, in the order the training form's picker lists them.
    static let all: [TrainingClass] = [.strength, .endurance, .intervals, .mobility, .other]

    var label: String {
        switch self {
        case .strength: return "Strength"
        case .endurance: return "Endurance"
        case .intervals: return "Intervals"
        case .mobility: return "Mobility"
        case .other: return "Other training"
        }
    }
}

extension FfiDose {
    var text: String {
        switch self {
        case let .sauna(minutes, temperatureC), let .coldPlunge(minutes, temperatureC):
            return "\(number(minutes)) min at \(number(temperatureC)) °C"
        case let .contrast(rounds, saunaMinutes, saunaC, plungeMinutes, plungeC):
            return "\(rounds) rounds of \(number(saunaMinutes)) min at \(number(saunaC)) °C "
                + "and \(number(plungeMinutes)) min at \(number(plungeC)) °C"
        case let .redLight(minutes, wavelengthNm):
            return "\(number(minutes)) min" + (wavelengthNm.map { " at \(number($0, digits: 0)) nm" } ?? "")
        case let .pemf(minutes):
            return "\(number(minutes)) min"
        case let .breathwork(minutes, breathsPerMin):
            return "\(number(minutes)) min at \(number(breathsPerMin)) breaths/min"
        }
    }

    /// The exposure a session of this dose logs: a contrast session's every round.
    var minutes: Double {
        switch self {
        case let .sauna(minutes, _), let .coldPlunge(minutes, _), let .redLight(minutes, _),
             let .pemf(minutes), let .breathwork(minutes, _):
            return minutes
        case let .contrast(rounds, saunaMinutes, _, plungeMinutes, _):
            return Double(rounds) * (saunaMinutes + plungeMinutes)
        }
    }

    var temperatureC: Double? {
        switch self {
        case let .sauna(_, temperatureC), let .coldPlunge(_, temperatureC):
            return temperatureC
        case .contrast, .redLight, .pemf, .breathwork:
            return nil
        }
    }
}
