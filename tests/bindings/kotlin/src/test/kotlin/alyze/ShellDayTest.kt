// A member's day through the Android shell's portable Kotlin (android/alyze/src/portable), on a
// plain JVM against the real library: Health Connect pages of sleep, HRV and resting heart rate
// in (with their changes tokens and a deletion), the morning's call out, the day's reminders put
// on a scheduler and moved by a strength session, and a sync with the real clinic server binary on
// loopback, then a sign-out that ends the login there. Only the platform's record classes and the Android scheduler are left out: the shell
// copies the one into `Hc*` values and implements the other.
package alyze

import app.alyze.kit.HcChanges
import app.alyze.kit.HcHeartRate
import app.alyze.kit.HcHeartRateSample
import app.alyze.kit.HcInstant
import app.alyze.kit.HcOrigin
import app.alyze.kit.HcSleepSession
import app.alyze.kit.HcSleepStage
import app.alyze.kit.HealthConnectIngest
import app.alyze.kit.HealthConnectStreams
import app.alyze.kit.ReminderSchedule
import app.alyze.kit.SignOutResult
import app.alyze.kit.signOut
import java.io.File
import java.nio.file.Path
import java.time.LocalDate
import java.time.LocalDateTime
import java.time.ZoneId
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import uniffi.alyze.AlyzeException
import uniffi.alyze.AlyzeStore
import uniffi.alyze.FfiPlannedWorkout
import uniffi.alyze.LoginEnd
import uniffi.alyze.MemberProfile
import uniffi.alyze.Recommendation
import uniffi.alyze.Sex
import uniffi.alyze.TrainingClass
import uniffi.alyze.defaultReadinessSettings

private val BERLIN = ZoneId.of("Europe/Berlin")
private val TODAY = LocalDate.parse("2026-11-28")
private const val NIGHTS = 40
private val watch = HcOrigin("com.google.android.apps.fitness", "Google", "Pixel Watch 3")
private val ring = HcOrigin("com.ouraring.oura")

private fun at(date: LocalDate, time: String): Long =
    LocalDateTime.parse("${date}T$time").atZone(BERLIN).toInstant().toEpochMilli()

private fun offsetAt(ms: Long): Int = BERLIN.rules.getOffset(java.time.Instant.ofEpochMilli(ms)).totalSeconds

/** Night `k` (0 = the oldest) ends on the morning of `TODAY - (NIGHTS - 1 - k)`. */
private fun morning(k: Int): LocalDate = TODAY.minusDays((NIGHTS - 1 - k).toLong())

private fun night(k: Int): HcSleepSession {
    val end = morning(k)
    val start = end.minusDays(1)
    return HcSleepSession(
        id = "sleep-$k", origin = ring,
        startMs = at(start, "23:00"), startOffsetS = 3600, endMs = at(end, "07:00"), endOffsetS = 3600,
        // Health Connect codes: 4 light, 5 deep, 6 REM, 1 awake.
        stages = listOf(
            HcSleepStage(at(start, "23:00"), at(end, "01:30"), 4),
            HcSleepStage(at(end, "01:30"), at(end, "03:30"), 5),
            HcSleepStage(at(end, "03:30"), at(end, "06:50"), 6),
            HcSleepStage(at(end, "06:50"), at(end, "07:00"), 1),
        ),
    )
}

/** A steady RMSSD around 62 ms, and on the last morning a crash to 28 ms (with no offset set). */
private fun hrv(k: Int) = HcInstant(
    "hrv-$k", watch, at(morning(k), "06:30"), if (k == NIGHTS - 1) null else 3600,
    if (k == NIGHTS - 1) 28.0 else 62.0 + (k % 5) - 2,
)

/** A steady resting heart rate around 50 bpm, and 61 on the last morning. */
private fun restingHr(k: Int) = HcInstant(
    "rhr-$k", watch, at(morning(k), "07:30"), 3600,
    if (k == NIGHTS - 1) 61.0 else 50.0 + (k % 3) - 1,
)

private val prescription = """
    {"targets": [
       {"sessions_per_week": 7, "check": "standard",
        "dose": {"modality": "cold_plunge", "minutes": 3, "temperature_c": 6}}],
     "fixed": [],
     "availability": [{"start": "07:00:00", "end": "21:00:00"}],
     "quiet_hours": [{"start": "22:00:00", "end": "07:00:00"}]}
""".trimIndent()

/** The clinic server binary the Rust tests built (`cargo test` runs before these tests). */
private val serverBinary = File(System.getProperty("alyze.target.dir") ?: "../../../target", "debug/alyze-server")

class ShellDayTest {
    @TempDir
    lateinit var dir: Path

    @Test
    fun `a Health Connect day becomes the morning call, the reminders and a sync with the clinic`() {
        AlyzeStore.open(dir.resolve("alyze.db").toString()).use { store ->
            val ingest = HealthConnectIngest(store, ::offsetAt)
            assertEquals(null, ingest.changesToken(HealthConnectStreams.SLEEP))

            // The first read: every record of each type, then the token to ask from next time.
            val nights = (0 until NIGHTS).map(::night)
            val sleep = ingest.sleepSessions(HcChanges(nights, emptyList(), "sleep-token-1"))
            assertEquals(NIGHTS.toUInt(), sleep.inserted, "$sleep")
            val rmssd = ingest.hrvRmssd(HcChanges((0 until NIGHTS).map(::hrv), emptyList(), "hrv-token-1"))
            assertEquals(NIGHTS.toUInt(), rmssd.inserted, "$rmssd")
            ingest.restingHeartRates(HcChanges((0 until NIGHTS).map(::restingHr), emptyList(), "rhr-token-1"))
            assertEquals("sleep-token-1", ingest.changesToken(HealthConnectStreams.SLEEP))
            assertEquals("hrv-token-1", ingest.changesToken(HealthConnectStreams.HRV_RMSSD))
            // A replayed page (the app killed before it saw the answer) adds nothing.
            val replay = ingest.sleepSessions(HcChanges(nights.takeLast(2), emptyList(), "sleep-token-1"))
            assertEquals(0u, replay.inserted)
            assertEquals(2u, replay.duplicates)

            // The stages came through the core's table: last night's deep sleep is two hours.
            val sleepLastNight = store.dailySummaries(TODAY.toString(), TODAY.toString()).single().sleep!!
            assertEquals(2 * 3600.0, sleepLastNight.deepS, 1e-6)
            assertEquals(10 * 60.0, sleepLastNight.awakeS, 1e-6)
            assertEquals("com.ouraring.oura", sleepLastNight.source)

            // The morning's call: HRV crashed and resting HR rose, so a recovery day.
            val profile = MemberProfile(Sex.FEMALE, ageYears = 38.0)
            // The clinic's readiness settings, as the app reads them: the defaults until it sends its own.
            val settings = store.readinessSettings()
            assertEquals(defaultReadinessSettings(), settings)
            val day = store.readiness(TODAY.toString(), profile, settings)
            assertEquals(Recommendation.RECOVER, day.recommendation, "$day")
            assertTrue(day.reasons.isNotEmpty())

            // A changes page that deletes the crashed reading: the call no longer rests on it.
            val deleted = ingest.hrvRmssd(HcChanges(emptyList(), listOf("hrv-${NIGHTS - 1}"), "hrv-token-2"))
            assertEquals(1u, deleted.deleted, "$deleted")
            assertEquals("hrv-token-2", ingest.changesToken(HealthConnectStreams.HRV_RMSSD))

            // Heart rate comes as records of many samples; deleting one record deletes them all.
            fun session(id: String, start: String, bpm: List<Long>) = HcHeartRate(
                id, watch, 3600, bpm.mapIndexed { i, v -> HcHeartRateSample(at(TODAY, start) + i * 60_000L, v) },
            )
            val rides = listOf(session("hr-1", "17:00", listOf(120, 135, 150)), session("hr-2", "18:00", listOf(90, 95)))
            assertEquals(5u, ingest.heartRates(HcChanges(rides, emptyList(), "hr-token-1")).inserted)
            val gone = ingest.heartRates(HcChanges(emptyList(), listOf("hr-1"), "hr-token-2"))
            assertEquals(1u, gone.deleted, "$gone")
            // An edit of the other record drops its last sample.
            val edited = ingest.heartRates(HcChanges(listOf(session("hr-2", "18:00", listOf(90))), emptyList(), "hr-token-3"))
            assertEquals(1u, edited.duplicates, "$edited")
            // A replay of the deleted record finds its three samples deleted and leaves them so.
            val replayed = ingest.heartRates(HcChanges(listOf(rides[0]), emptyList(), "hr-token-3"))
            assertEquals(3u, replayed.duplicates, "$replayed")
            assertEquals(0u, replayed.inserted, "$replayed")

            // The sleep token expired: a full read (pages with no token) no longer has night 5,
            // deleted meanwhile, and its end sweeps it and stores the new token.
            val reread = nights.filter { it.id != "sleep-5" }
            reread.chunked(16).forEach { page -> ingest.sleepSessions(HcChanges(page, emptyList(), null)) }
            assertEquals("sleep-token-1", ingest.changesToken(HealthConnectStreams.SLEEP))
            val swept = ingest.endFullRead(HealthConnectStreams.SLEEP, reread.map { it.id }, 0, at(TODAY, "12:00"), "sleep-token-9")
            assertEquals(1uL, swept)
            assertEquals("sleep-token-9", ingest.changesToken(HealthConnectStreams.SLEEP))
            assertEquals(null, store.dailySummaries(morning(5).toString(), morning(5).toString()).single().sleep)
            assertEquals(0uL, ingest.endFullRead(HealthConnectStreams.SLEEP, reread.map { it.id }, 0, at(TODAY, "12:00"), "sleep-token-9"))

            // The day's reminders on the scheduler; a strength session at 07:00 moves the plunge.
            store.setPrescriptionJson(prescription)
            val scheduler = FakeScheduler()
            val schedule = ReminderSchedule(scheduler, MemoryHeld())
            val dawn = at(TODAY, "05:00")
            fun reminders(workouts: List<FfiPlannedWorkout>) =
                store.reminders(TODAY.toString(), TODAY.toString(), BERLIN.id, workouts, profile, settings)
            val free = reminders(emptyList())
            schedule.apply(free, dawn)
            assertEquals(free.map { it.id }.sorted(), scheduler.scheduled.keys.toList())
            val plunge = scheduler.scheduled.values.single()
            val lift = FfiPlannedWorkout(at(TODAY, "07:00"), 3600, at(TODAY, "08:00"), 3600, TrainingClass.STRENGTH)
            val diff = schedule.apply(reminders(listOf(lift)), dawn)
            assertTrue(plunge.id in diff.cancel, "$diff")
            val moved = scheduler.scheduled.values.single()
            assertTrue(moved.fireAtMs >= at(TODAY, "14:00") - 30 * 60_000, "$moved")
            // Applying the same wish again changes nothing.
            val again = schedule.apply(reminders(listOf(lift)), dawn)
            assertTrue(again.add.isEmpty() && again.cancel.isEmpty(), "$again")

            // The clinic: the real server on loopback, a member, a code; the phone enrols and syncs.
            assertTrue(serverBinary.canExecute(), "no $serverBinary: run cargo test (or build alyze-server) first")
            val server = dir.resolve("server").toString()
            fun admin(vararg args: String): String {
                val process = ProcessBuilder(serverBinary.path, "--data-dir", server, "--json", *args).start()
                val out = process.inputStream.bufferedReader().readText()
                assertEquals(0, process.waitFor(), process.errorStream.bufferedReader().readText())
                return out
            }
            fun field(json: String, name: String) = Regex("\"$name\"\\s*:\\s*\"([^\"]+)\"").find(json)!!.groupValues[1]
            val clinic = field(admin("create-clinic", "--name", "North"), "clinic_id")
            val member = field(admin("create-member", "--clinic", clinic, "--name", "Ada"), "member_id")
            val code = field(admin("create-code", "--member", member), "code")
            val running = ProcessBuilder(serverBinary.path, "--data-dir", server, "--listen", "127.0.0.1:0", "--json")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start()
            try {
                val url = "http://" + field(running.inputStream.bufferedReader().readLine(), "listening")
                val keeper = MemoryKeeper()
                runBlocking {
                    assertEquals(member, store.enrol(url, code, "Pixel 9", keeper))
                    val first = store.sync(TODAY.toString(), profile, settings, keeper, Silent)
                    // Every night, reading and session went up (and the derived days with them).
                    assertTrue(first.pushed >= (3 * NIGHTS).toULong(), "$first")
                    assertEquals(0uL, first.rejected, "$first")
                    val second = store.sync(TODAY.toString(), profile, settings, keeper, Silent)
                    assertEquals(0uL, second.pushed, "$second")

                    // Sign-out: the server ends the login, so a copy of the tokens (a backup, a
                    // lost phone's keystore) is worthless.
                    val copy = MemoryKeeper(keeper.saved)
                    val out = signOut(store, keeper, discardConfirmed = false) { keeper.saved = null }
                    assertEquals(SignOutResult.SignedOut(LoginEnd.ENDED), out)
                    assertEquals(null, keeper.saved)
                    assertThrows<AlyzeException.NotEnrolled> {
                        runBlocking { store.sync(TODAY.toString(), profile, settings, copy, Silent) }
                    }
                }
            } finally {
                running.destroy()
                running.waitFor()
            }
        }
    }
}
