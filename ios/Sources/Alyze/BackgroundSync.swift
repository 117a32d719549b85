// The background run on iOS: a `BGAppRefreshTask` about hourly that reads HealthKit into the store,
// syncs with the clinic and brings the reminders up to date. When iOS ends the task early, the
// Swift task is cancelled and the task is reported unfinished at once: the run itself goes on
// until it ends or the app is suspended (the generated async calls into the core do not observe
// Swift cancellation; nothing settled is lost). Info.plist lists the identifier under
// `BGTaskSchedulerPermittedIdentifiers`, and `UIBackgroundModes` holds `fetch`.
import BackgroundTasks
import Foundation

/// Registers and schedules the background run.
public enum BackgroundSync {
    public static let identifier = "app.alyze.sync"

    /// Registers the handler; call once, before the app finishes launching. `run` reads, syncs and
    /// reschedules reminders.
    public static func register(run: @escaping @Sendable () async throws -> Void) {
        BGTaskScheduler.shared.register(forTaskWithIdentifier: identifier, using: nil) { task in
            schedule()
            let work = Task {
                let success: Bool
                do {
                    try await run()
                    success = true
                } catch {
                    success = false
                }
                // Once expired, the expiration handler has already completed the task.
                if !Task.isCancelled {
                    task.setTaskCompleted(success: success)
                }
            }
            // iOS may end the app unless the task is completed promptly after expiry, and the
            // run does not stop on cancellation, so the task is completed here.
            task.expirationHandler = {
                work.cancel()
                task.setTaskCompleted(success: false)
            }
        }
    }

    /// Asks for the next run in about an hour (iOS decides when).
    public static func schedule() {
        let request = BGAppRefreshTaskRequest(identifier: identifier)
        request.earliestBeginDate = Date(timeIntervalSinceNow: 3600)
        try? BGTaskScheduler.shared.submit(request)
    }
}
