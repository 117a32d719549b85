// The plan's reminders as local notifications: the core diffs what is pending against what the
// plan wants (`diffReminders`), and this applies the diff to `UNUserNotificationCenter` (cancel,
// then add, by the reminder's stable id). The pending requests are what is scheduled, so nothing
// else needs keeping.
import Foundation
import UserNotifications

/// Applies the plan's reminders to the notification center.
public final class ReminderScheduler {
    private let center: UNUserNotificationCenter

    public init(center: UNUserNotificationCenter = .current()) {
        self.center = center
    }

    /// Brings the pending notifications to `wanted` as of `now`; the diff, for the log.
    @discardableResult
    public func apply(wanted: [FfiReminder], now: Date = Date()) async throws -> FfiScheduleDiff {
        let pending = await center.pendingNotificationRequests()
        let held = pending.compactMap(Self.reminder(of:))
        let diff = try diffReminders(
            held: held, wanted: wanted, nowMs: Int64(now.timeIntervalSince1970 * 1000)
        )
        center.removePendingNotificationRequests(withIdentifiers: diff.cancel)
        for reminder in diff.add {
            try await center.add(Self.request(for: reminder))
        }
        return diff
    }

    private static func request(for reminder: FfiReminder) -> UNNotificationRequest {
        let content = UNMutableNotificationContent()
        content.title = reminder.title
        content.body = reminder.body
        content.sound = .default
        // The reminder itself rides along, so the pending request can be diffed next time.
        content.userInfo = [
            "fire_at_ms": reminder.fireAtMs, "fire_offset_s": reminder.fireOffsetS,
            "zone": reminder.zone ?? "", "local_time": reminder.localTime,
        ]
        let fireAt = Date(timeIntervalSince1970: Double(reminder.fireAtMs) / 1000)
        // Only the fields that name the instant, with the zone: `dateComponents(in:from:)` also
        // fills `quarter` with 0, a reported cause of calendar triggers that never fire.
        let components = Calendar.current.dateComponents(
            [.timeZone, .year, .month, .day, .hour, .minute, .second], from: fireAt
        )
        let trigger = UNCalendarNotificationTrigger(dateMatching: components, repeats: false)
        return UNNotificationRequest(identifier: reminder.id, content: content, trigger: trigger)
    }

    private static func reminder(of request: UNNotificationRequest) -> FfiReminder? {
        let info = request.content.userInfo
        guard let fireAtMs = info["fire_at_ms"] as? Int64,
              let offset = info["fire_offset_s"] as? Int32,
              let localTime = info["local_time"] as? String
        else { return nil }
        let zone = (info["zone"] as? String).flatMap { $0.isEmpty ? nil : $0 }
        return FfiReminder(
            id: request.identifier, fireAtMs: fireAtMs, fireOffsetS: offset, zone: zone,
            localTime: localTime, title: request.content.title, body: request.content.body
        )
    }
}
