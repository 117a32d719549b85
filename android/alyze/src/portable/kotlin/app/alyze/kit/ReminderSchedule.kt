// The phone's notifications kept equal to the plan's reminders: the core diffs what is scheduled
// against what the plan of today and tomorrow wants (`reminders`, `diffReminders`), and this
// applies the diff (cancel, then add) to the platform's scheduler and remembers what is now
// scheduled. Android: AlarmManager and NotificationManager behind [NotificationScheduler], the held
// list in the app's preferences (`SharedPreferencesHeldReminders`).
package app.alyze.kit

import java.time.LocalDate
import uniffi.alyze.AlyzeException
import uniffi.alyze.AlyzeStore
import uniffi.alyze.FfiReadinessSettings
import uniffi.alyze.FfiReminder
import uniffi.alyze.FfiScheduleDiff
import uniffi.alyze.MemberProfile
import uniffi.alyze.diffReminders

/** Where notifications are scheduled and cancelled, by the reminder's stable id. */
interface NotificationScheduler {
    /** Schedules [reminder] at its `fireAtMs` (replacing one of the same id). */
    fun schedule(reminder: FfiReminder)

    /** Cancels the notification [id], if it is scheduled. */
    fun cancel(id: String)
}

/** What is scheduled now, kept across app restarts. */
interface HeldReminders {
    fun load(): List<FfiReminder>

    fun save(reminders: List<FfiReminder>)
}

/** Applies the plan's reminders to [scheduler]. */
class ReminderSchedule(private val scheduler: NotificationScheduler, private val held: HeldReminders) {
    /**
     * Brings the scheduled notifications to [wanted] as of [nowMs] (reminders already due are not
     * scheduled): cancels first, then adds, then saves what is scheduled. The diff, for the log.
     */
    fun apply(wanted: List<FfiReminder>, nowMs: Long): FfiScheduleDiff {
        val before = held.load()
        val diff = diffReminders(before, wanted, nowMs)
        diff.cancel.forEach(scheduler::cancel)
        diff.add.forEach(scheduler::schedule)
        val cancelled = diff.cancel.toSet()
        val added = diff.add.map { it.id }.toSet()
        val now = before.filter { it.id !in cancelled && it.id !in added } + diff.add
        held.save(now.sortedWith(compareBy({ it.fireAtMs }, { it.id })))
        return diff
    }

    /**
     * The platform dropped every scheduled notification (Android clears alarms when the phone
     * restarts): forgets them, so that the next [apply] or [refresh] schedules every wanted
     * reminder again instead of taking them for still set.
     */
    fun lostAll() {
        held.save(emptyList())
    }

    /**
     * Brings the notifications to the plans of [today] and the day after in [zone] (IANA), as of
     * [nowMs]: what the background run does after a sync, and the app after the member logs a
     * session, adds or removes planned training (which the store's plans count), or signs out.
     * Without a prescription nothing is wanted, so whatever was scheduled is cancelled.
     */
    fun refresh(
        store: AlyzeStore,
        today: LocalDate,
        zone: String,
        profile: MemberProfile,
        settings: FfiReadinessSettings,
        nowMs: Long,
    ): FfiScheduleDiff {
        val wanted = try {
            store.reminders(today.toString(), today.plusDays(1).toString(), zone, emptyList(), profile, settings)
        } catch (e: AlyzeException.NoPrescription) {
            emptyList()
        }
        return apply(wanted, nowMs)
    }
}
