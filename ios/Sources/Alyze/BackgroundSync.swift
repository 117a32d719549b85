// The background run on iOS: a `BGAppRefreshTask` about hourly that reads HealthKit into the store,
// syncs with the clinic and brings the reminders up to date. When iOS ends the task early, the
// Swift task is cancelled, and with it the core's sync (its async call is cancellable; nothing
// settled is lost). Info.plist lists the identifier under `BGTaskSchedulerPermittedIdentifiers`,
// and `UIBackgroundModes` holds `fetch`.
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
                do {
                    try await run()
                    task.setTaskCompleted(success: true)
                } catch {
                    task.setTaskCompleted(success: false)
                }
            }
            task.expirationHandler = { work.cancel() }
        }
    }

    /// Asks for the next run in about an hour (iOS decides when).
    public static func schedule() {
        let request = BGAppRefreshTaskRequest(identifier: identifier)
        request.earliestBeginDate = Date(timeIntervalSinceNow: 3600)
        try? BGTaskScheduler.shared.submit(request)
    }
}
