// The app's one model: it holds the store, the Keychain keeper, the HealthKit reader, the member's
// profile, and runs the flows the screens start (read, sync, plan,
// plan training, log, check in, enrol, sign out). The core's calls are synchronous and some take
// a while (a readiness history reads months of days), so each runs through `offMain`, away from
// the main thread; the model itself lives on the main actor, where the screens read it. The
// readiness settings are the clinic's, read from the store at each call (`readinessSettings()`),
// so that settings a sync brings take effect at once.
import Alyze
import Foundation
import HealthKit
import Observation
import UIKit
import UserNotifications

@MainActor
@Observable
public final class AppModel {
    let store: AlyzeStore
    let keeper: KeychainCredentialKeeper
    let health: HKHealthStore
    private let reader: HealthKitReader
    private let reminders = ReminderScheduler()

    /// The member's profile: the saved one, else the core's default (`defaultMemberProfile()`:
    /// female, the choice that errs towards recovery), which Today and Settings say is in use.
    private(set) var profile: MemberProfile
    /// Whether the member has not saved a profile yet, so the default is in use.
    private(set) var profileIsDefault: Bool
    /// Whether enrolment credentials are saved.
    private(set) var enrolled: Bool
    /// When the last sync with the clinic finished.
    private(set) var lastSync: Date?
    /// Bumped after every change to the store: each screen reloads on it.
    private(set) var revision = 0
    /// The read-sync-remind run in progress, which a second caller joins rather than repeats.
    @ObservationIgnored private var running: Task<Void, Error>?

    init(store: AlyzeStore) {
        let health = HKHealthStore()
        let keeper = KeychainCredentialKeeper()
        self.store = store
        self.keeper = keeper
        self.health = health
        reader = HealthKitReader(health: health, store: store)
        let saved = ProfileDefaults.load()
        profile = saved ?? defaultMemberProfile()
        profileIsDefault = saved == nil
        enrolled = (try? keeper.load()) != nil
    }

    /// Opens the store in `Application Support/alyze/`, which is private to the app (not
    /// `Documents/`, which the Files app can show) and left out of backups: the copy that
    /// survives a lost phone is the clinic's. The data protection class comes from the app's
    /// entitlement, so SQLite's `-wal` and `-shm` files get it too.
    public static func open() throws -> AppModel {
        var folder = URL.applicationSupportDirectory.appending(path: "alyze", directoryHint: .isDirectory)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var values = URLResourceValues()
        values.isExcludedFromBackup = true
        try folder.setResourceValues(values)
        let file = folder.appending(path: "alyze.db", directoryHint: .notDirectory)
        return AppModel(store: try AlyzeStore.open(path: file.path(percentEncoded: false)))
    }

    // MARK: Background

    /// Starts the observer queries, so that new samples wake the app to read and sync. Called
    /// at every launch, as background delivery requires.
    public func startObserving() {
        guard HKHealthStore.isHealthDataAvailable() else { return }
        reader.observe { [weak self] completion in
            Task { @MainActor in
                try? await self?.refresh()
                completion()
            }
        }
    }

    /// Settings' "Sync now": the whole run.
    func syncNow() async throws {
        try await refresh()
    }

    /// Reads HealthKit, syncs with the clinic when enrolled and brings the reminders up to date.
    /// A call while a run is under way waits for that run instead of starting another.
    public func refresh() async throws {
        if let running {
            return try await running.value
        }
        let run = Task { try await readSyncRemind() }
        running = run
        defer { running = nil }
        try await run.value
    }

    /// Each step runs even when the one before failed: HealthKit cannot be read while the phone
    /// is locked, but what the store already holds can still be synced and planned. The first
    /// failure is thrown at the end.
    private func readSyncRemind() async throws {
        var failure: Error?
        if HKHealthStore.isHealthDataAvailable() {
            do { try await reader.readAll() } catch { failure = error }
        }
        if enrolled {
            do {
                let store = self.store
                let settings = try await offMain { try store.readinessSettings() }
                _ = try await store.sync(
                    today: LocalDay.string(Date()), profile: profile, settings: settings,
                    keeper: keeper, listener: QuietSync()
                )
                lastSync = Date()
            } catch {
                failure = failure ?? error
            }
        }
        do { try await updateReminders() } catch { failure = failure ?? error }
        revision += 1
        if let failure { throw failure }
    }

    /// Schedules the reminders of today's and tomorrow's plans (the core diffs them against the
    /// pending notifications); none before the clinic's prescription arrives. The core counts the
    /// training planned in the store itself; `planned` is for a calendar's, which is not read.
    private func updateReminders() async throws {
        let store = self.store, profile = self.profile
        let now = Date()
        let from = LocalDay.string(now), to = LocalDay.string(LocalDay.adding(1, to: now))
        let zone = TimeZone.current.identifier
        let wanted: [FfiReminder]
        do {
            wanted = try await offMain {
                try store.reminders(
                    from: from, to: to, zone: zone, planned: [], profile: profile,
                    settings: store.readinessSettings()
                )
            }
        } catch AlyzeError.NoPrescription {
            wanted = []
        }
        try await reminders.apply(wanted: wanted, now: now)
    }

    // MARK: Today, Plan, Trends

    func readiness(on day: Date) async throws -> FfiDayReadiness {
        let store = self.store, profile = self.profile
        let date = LocalDay.string(day)
        return try await offMain {
            try store.readiness(date: date, profile: profile, settings: store.readinessSettings())
        }
    }

    /// The readiness and trends of the `days` days ending on `last`, oldest first.
    func history(days: Int, endingOn last: Date) async throws -> FfiReadinessHistory {
        let store = self.store, profile = self.profile
        let from = LocalDay.string(LocalDay.adding(1 - days, to: last)), to = LocalDay.string(last)
        return try await offMain {
            try store.readinessHistory(
                from: from, to: to, profile: profile, settings: store.readinessSettings()
            )
        }
    }

    /// The plan of `day` in the phone's zone, from the workouts logged so far and the training
    /// planned in the store (which the core reads itself, as for the reminders).
    func plan(on day: Date) async throws -> FfiDayPlan? {
        let store = self.store, profile = self.profile
        let date = LocalDay.string(day)
        let zone = TimeZone.current.identifier
        return try await offMain {
            try store.planDays(
                from: date, to: date, zone: zone, planned: [], profile: profile,
                settings: store.readinessSettings()
            ).first
        }
    }

    func weekAdherence(on day: Date) async throws -> FfiWeekAdherence {
        let store = self.store, date = LocalDay.string(day)
        return try await offMain { try store.weekAdherence(date: date) }
    }

    /// Logs a session the member did; the week's adherence after it, or `nil` before the clinic's
    /// prescription arrives. The plan may change with it (a weekly target met), so the reminders
    /// follow; if they cannot, the session is saved all the same and the next run catches up.
    func log(_ session: FfiLoggedSession) async throws -> FfiWeekAdherence? {
        let store = self.store, source = appSource
        let week = try await offMain { try store.logSession(session: session, source: source) }
        revision += 1
        try? await updateReminders()
        return week
    }

    // MARK: Planned training

    /// The training planned on the local day of `day` (any that overlaps it), by start.
    func plannedWorkouts(on day: Date) async throws -> [FfiStoredPlannedWorkout] {
        let store = self.store
        let start = LocalDay.start(of: day)
        let fromMs = start.epochMs, toMs = LocalDay.adding(1, to: start).epochMs
        return try await offMain { try store.plannedWorkouts(fromMs: fromMs, toMs: toMs) }
    }

    /// Saves training the member plans. The plans of the days it touches change with it (no cold
    /// in the hours after strength work), so the reminders follow; if they cannot, the training
    /// is saved all the same and the next run catches up.
    func addPlannedWorkout(_ workout: FfiPlannedWorkout) async throws {
        let store = self.store
        _ = try await offMain { try store.addPlannedWorkout(workout: workout) }
        revision += 1
        try? await updateReminders()
    }

    /// Removes planned training `id` (already gone is no failure); the reminders follow, as after
    /// adding it.
    func removePlannedWorkout(id: String) async throws {
        let store = self.store
        _ = try await offMain { try store.removePlannedWorkout(id: id) }
        revision += 1
        try? await updateReminders()
    }

    // MARK: Check-in

    func questionnaire() async throws -> Questionnaire {
        let store = self.store
        return try await offMain { try store.checkInQuestionnaire() }
    }

    /// Saves the answers as the check-in of the current local day (a second one that day is an
    /// edit).
    func checkIn(_ answers: CheckInAnswers) async throws {
        let store = self.store, source = appSource
        let now = Date()
        let zone = TimeZone.current
        try await offMain {
            try store.recordCheckIn(
                atMs: now.epochMs, offsetS: Int32(zone.secondsFromGMT(for: now)),
                zone: zone.identifier, answers: answers, source: source
            )
        }
        revision += 1
    }

    // MARK: Settings

    func saveProfile(_ profile: MemberProfile) {
        ProfileDefaults.save(profile)
        self.profile = profile
        profileIsDefault = false
        revision += 1
    }

    /// Whether the Health permission sheet has been shown for every type read. Whether the member
    /// allowed reading is never told: denied types simply read as empty.
    func healthAccessAsked() async -> Bool {
        guard HKHealthStore.isHealthDataAvailable() else { return false }
        let health = self.health
        return await withCheckedContinuation { continuation in
            health.getRequestStatusForAuthorization(
                toShare: [], read: HealthKitReader.readTypes
            ) { status, _ in
                continuation.resume(returning: status == .unnecessary)
            }
        }
    }

    func requestHealthAccess() async throws {
        guard HKHealthStore.isHealthDataAvailable() else { throw ShellError.healthUnavailable }
        try await health.requestAuthorization(toShare: [], read: HealthKitReader.readTypes)
        startObserving()
    }

    /// Asks to show the plan's reminders as notifications.
    func requestReminderPermission() async throws -> Bool {
        try await UNUserNotificationCenter.current().requestAuthorization(options: [.alert, .sound])
    }

    /// Enrols this phone with the clinic's one-time code; the credentials go to the Keychain.
    func enrol(serverUrl: String, code: String) async throws {
        _ = try await store.enrol(
            serverUrl: serverUrl, code: code, deviceName: UIDevice.current.name, keeper: keeper
        )
        enrolled = true
    }

    /// Changes not yet received by the clinic.
    func unsentChanges() async throws -> UInt64 {
        let store = self.store
        return try await offMain { try store.syncBacklog() }
    }

    /// Has the clinic's server end this phone's login (a few seconds at most; offline, the
    /// sign-out goes on), then erases the store, the credentials, the profile and the pending
    /// reminders. Refused while changes wait to be sent, unless the member chose to discard them.
    /// A run under way finishes first, so that it cannot write into the erased store. Returns what
    /// became of the login on the server.
    func signOut(discardingUnsent: Bool) async throws -> LoginEnd {
        _ = try? await running?.value
        let unsent = try await unsentChanges()
        if unsent > 0 && !discardingUnsent {
            throw ShellError.unsentChanges(unsent)
        }
        // Before anything is erased or forgotten: ending the login needs the tokens.
        let login = try await store.endLogin(keeper: keeper)
        let store = self.store
        try await offMain { try store.signOut() }
        keeper.clear()
        ProfileDefaults.clear()
        profile = defaultMemberProfile()
        profileIsDefault = true
        enrolled = false
        lastSync = nil
        try await reminders.apply(wanted: [])
        revision += 1
        return login
    }

    // MARK: Helpers

    /// This app as the source of what the member enters by hand.
    private var appSource: Source {
        Source(
            name: "alyze",
            bundleId: Bundle.main.bundleIdentifier,
            version: Bundle.main.object(forInfoDictionaryKey: "CFBundleShortVersionString") as? String,
            device: nil
        )
    }
}

/// Runs a synchronous store call off the main thread: a nonisolated async function runs on the
/// cooperative pool, not on its caller's actor (SE-0338), and the closure, being `@Sendable`, is
/// not isolated to the main actor either.
func offMain<T>(_ work: @Sendable () throws -> T) async throws -> T {
    try work()
}

/// A sync's progress is not shown: a run pushes and pulls in seconds, and Settings shows when it
/// finished.
private final class QuietSync: SyncListener {
    func onPushed(pushed: UInt64, remaining: UInt64) {}
    func onPulled(pulled: UInt64) {}
}
