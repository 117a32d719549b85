// A member's nights for the tests of the Android kit's screens, written the way the shell writes
// them: Health Connect sleep sessions, morning RMSSD readings and resting heart rates through
// `HealthConnectIngest`, in Berlin. The values are chosen here, so a test can say what the core
// must make of them (a night's lnHRV is ln of its one RMSSD reading; a night of 23:00-07:00 with
// ten minutes awake is 7 h 50 min asleep). Also the prescription the Plan screen's tests plan
// with, and the scheduler and held list the reminders go to.
package alyze

import app.alyze.kit.HcChanges
import app.alyze.kit.HcInstant
import app.alyze.kit.HcOrigin
import app.alyze.kit.HcSleepSession
import app.alyze.kit.HcSleepStage
import app.alyze.kit.HealthConnectIngest
import app.alyze.kit.HeldReminders
import app.alyze.kit.NotificationScheduler
import java.time.Instant
import java.time.LocalDate
import java.time.LocalDateTime
import java.time.ZoneId
import uniffi.alyze.AlyzeStore
import uniffi.alyze.FfiReminder
import uniffi.alyze.Source

/** The Android scheduler, recording what it was told; [reboot] drops everything, as Android does. */
internal class FakeScheduler : NotificationScheduler {
    val scheduled = sortedMapOf<String, FfiReminder>()
    val cancelled = mutableListOf<String>()
    override fun schedule(reminder: FfiReminder) {
        scheduled[reminder.id] = reminder
    }
    override fun cancel(id: String) {
        cancelled += id
        scheduled.remove(id)
    }
    fun reboot() = scheduled.clear()
}

/** What the app keeps of its scheduled reminders, in memory. */
internal class MemoryHeld : HeldReminders {
    var saved: List<FfiReminder> = emptyList()
    override fun load() = saved
    override fun save(reminders: List<FfiReminder>) {
        saved = reminders
    }
}

internal object KitFixtures {
    val zone: ZoneId = ZoneId.of("Europe/Berlin")
    val app = Source("alyze", "app.alyze", null, null)

    /**
     * A daily 3-minute plunge at 6 °C, available 07:00-21:00, quiet 22:00-07:00, and a PEMF
     * session booked at 22:30 on 2026-03-04 (quiet hours).
     */
    val planPrescription = """
        {"targets": [
           {"sessions_per_week": 7, "check": "standard",
            "dose": {"modality": "cold_plunge", "minutes": 3, "temperature_c": 6}}],
         "fixed": [
           {"start": {"utc": "2026-03-04T21:30:00Z", "offset_s": 3600, "zone": "Europe/Berlin"},
            "check": "standard", "dose": {"modality": "pemf", "minutes": 20}}],
         "availability": [{"start": "07:00:00", "end": "21:00:00"}],
         "quiet_hours": [{"start": "22:00:00", "end": "07:00:00"}]}
    """.trimIndent()

    /** Hours asleep in each night below: 23:00 to 07:00 less the last ten minutes awake. */
    const val SLEPT_H = 7.0 + 50.0 / 60.0

    private val watch = HcOrigin("com.google.android.apps.fitness", "Google", "Pixel Watch 3")
    private val ring = HcOrigin("com.ouraring.oura")

    fun at(date: LocalDate, time: String): Long =
        LocalDateTime.parse("${date}T$time").atZone(zone).toInstant().toEpochMilli()

    private fun offsetAt(ms: Long): Int = zone.rules.getOffset(Instant.ofEpochMilli(ms)).totalSeconds

    /**
     * Stores [count] nights ending on the mornings up to [lastMorning]: each a sleep session and a
     * resting heart rate of [restingHr] (by morning), and an RMSSD reading of [rmssd] (by
     * morning; null: none that morning).
     */
    fun nights(
        store: AlyzeStore,
        lastMorning: LocalDate,
        count: Int,
        rmssd: (LocalDate) -> Double?,
        restingHr: (LocalDate) -> Double = { 50.0 },
    ) {
        val ingest = HealthConnectIngest(store, ::offsetAt)
        val mornings = (count - 1 downTo 0).map { lastMorning.minusDays(it.toLong()) }
        val sessions = mornings.map { end ->
            val start = end.minusDays(1)
            HcSleepSession(
                id = "sleep-$end", origin = ring,
                startMs = at(start, "23:00"), startOffsetS = null, endMs = at(end, "07:00"), endOffsetS = null,
                // Health Connect's stage codes: 4 light, 5 deep, 6 REM, 1 awake.
                stages = listOf(
                    HcSleepStage(at(start, "23:00"), at(end, "01:30"), 4),
                    HcSleepStage(at(end, "01:30"), at(end, "03:30"), 5),
                    HcSleepStage(at(end, "03:30"), at(end, "06:50"), 6),
                    HcSleepStage(at(end, "06:50"), at(end, "07:00"), 1),
                ),
            )
        }
        ingest.sleepSessions(HcChanges(sessions, emptyList(), "sleep-token"))
        val readings = mornings.mapNotNull { day ->
            rmssd(day)?.let { HcInstant("hrv-$day", watch, at(day, "06:30"), null, it) }
        }
        ingest.hrvRmssd(HcChanges(readings, emptyList(), "hrv-token"))
        val resting = mornings.map { day -> HcInstant("rhr-$day", watch, at(day, "07:30"), null, restingHr(day)) }
        ingest.restingHeartRates(HcChanges(resting, emptyList(), "rhr-token"))
    }

    /** A steady RMSSD around 62 ms, varying by day so that the baseline has a spread. */
    fun steady(day: LocalDate): Double = 62.0 + (day.dayOfMonth % 5) - 2
}
