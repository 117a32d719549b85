// What a screen says when a call fails: one short sentence per kind of failure. The core's errors
// name fields and bounds, never a health value, and this keeps to the same rule: it shows a
// field's name or a bound at most, never the error's own text (a platform error's could quote
// anything).
import Alyze
import Foundation
import HealthKit

/// Failures of the shell's own flows.
enum ShellError: Error {
    /// Sign-out was asked while this many changes have not reached the clinic.
    case unsentChanges(UInt64)
    /// This device has no Health app (an iPad without HealthKit).
    case healthUnavailable
}

/// The sentence to show for `error`.
func message(for error: Error) -> String {
    switch error {
    case let error as AlyzeError:
        return message(for: error)
    case let error as ShellError:
        switch error {
        case .unsentChanges(let count):
            return "\(count) changes have not reached your clinic yet."
        case .healthUnavailable:
            return "Health data is not available on this device."
        }
    case is HKError:
        return "Health data could not be read. Try again after unlocking your phone."
    default:
        return "Something went wrong. Try again."
    }
}

private func message(for error: AlyzeError) -> String {
    switch error {
    case .NoPrescription:
        return "Your clinic has not set your protocol yet."
    case .NotEnrolled:
        return "This phone is not enrolled with a clinic. Enrol in Settings."
    case .OtherMember:
        return "This phone holds another member's data. Sign out to continue."
    case .SyncFailed:
        return "Your clinic could not be reached. Nothing is lost; try again later."
    case .InvalidArgument(let name, _):
        return "Check \(itemName(name))."
    case .DoseOutsideSafeRange(let field, let min, let max):
        return "\(itemName(field)) is outside the safe range \(number(min))–\(number(max))."
    case .DoseRefused:
        return "That dose cannot be logged."
    case .DatabaseTooNew:
        return "Update the app to read your data."
    case .Database, .DatabaseUnusable:
        return "Your data could not be read or saved."
    default:
        return "Something went wrong. Try again."
    }
}

/// A field as the core names it (`answers.sleep_quality`), in words (`sleep quality`).
private func itemName(_ name: String) -> String {
    let field = name.split(separator: ".").last.map(String.init) ?? name
    return field.replacingOccurrences(of: "_", with: " ")
}
