// Dates and instants as the core takes them: member-local days as `YYYY-MM-DD` and instants as
// epoch milliseconds; and the local day's bounds and clock times as instants. The day is always
// counted in the Gregorian calendar in the phone's zone, whatever calendar the member's locale
// displays (a Buddhist or Japanese year would name another day to the core).
import Foundation

enum LocalDay {
    private static var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .current
        return calendar
    }

    /// The local day of `date`, `YYYY-MM-DD`.
    static func string(_ date: Date) -> String {
        let day = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", day.year ?? 0, day.month ?? 0, day.day ?? 0)
    }

    /// The start of the local day named `YYYY-MM-DD`; `nil` for text that names no day.
    static func date(_ text: String) -> Date? {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        return calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2]))
    }

    /// `date` moved by `days` local days (across a DST change too).
    static func adding(_ days: Int, to date: Date) -> Date {
        calendar.date(byAdding: .day, value: days, to: date) ?? date
    }

    /// The first instant of the local day of `date`.
    static func start(of date: Date) -> Date {
        calendar.startOfDay(for: date)
    }

    /// The instant the clock reads `time`'s hour and minute on the local day of `day`. On a DST
    /// change, Foundation resolves a clock time that is skipped or repeated to one instant; the
    /// offset sent with it must then be the zone's at that instant, not the day's.
    static func at(_ time: Date, on day: Date) -> Date {
        let date = calendar.dateComponents([.year, .month, .day], from: day)
        let clock = calendar.dateComponents([.hour, .minute], from: time)
        let parts = DateComponents(
            year: date.year, month: date.month, day: date.day,
            hour: clock.hour, minute: clock.minute
        )
        return calendar.date(from: parts) ?? time
    }
}

extension Date {
    /// Milliseconds since 1970-01-01 UTC.
    var epochMs: Int64 {
        Int64((timeIntervalSince1970 * 1000).rounded())
    }

    init(epochMs: Int64) {
        self.init(timeIntervalSince1970: Double(epochMs) / 1000)
    }
}
