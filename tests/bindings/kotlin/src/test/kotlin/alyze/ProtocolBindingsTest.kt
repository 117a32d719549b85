// Recovery protocols seen from Kotlin: the prescription saved through AlyzeStore, a day planned
// with a calendar strength session that moves the cold plunge, the reminders diffed against the
// schedule the phone holds and the diff applied the way the Android shell applies it, a session
// logged (refused outside the safe range, accepted with the clinic's override) and the week's
// adherence. The Rust tests carry the planner's rules; these prove the surface: JSON documents in,
// typed plans, doses (a sealed class), reminders and typed exceptions out.
package alyze

import java.nio.file.Path
import java.time.LocalDateTime
import java.time.ZoneId
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import uniffi.alyze.AlyzeException
import uniffi.alyze.AlyzeStore
import uniffi.alyze.FfiDayPlan
import uniffi.alyze.FfiDose
import uniffi.alyze.FfiLoggedSession
import uniffi.alyze.FfiPlannedWorkout
import uniffi.alyze.FfiReminder
import uniffi.alyze.FfiScheduleDiff
import uniffi.alyze.ItemReason
import uniffi.alyze.MemberProfile
import uniffi.alyze.RecoveryModality
import uniffi.alyze.Sex
import uniffi.alyze.Source
import uniffi.alyze.TrainingClass
import uniffi.alyze.defaultReadinessSettings
import uniffi.alyze.diffReminders

private const val ZONE = "Europe/Berlin"
private const val DAY = "2026-03-04"

private val prescription = """
    {"targets": [
       {"sessions_per_week": 7, "check": "standard",
        "dose": {"modality": "cold_plunge", "minutes": 3, "temperature_c": 6}},
       {"sessions_per_week": 3, "check": "standard",
        "dose": {"modality": "sauna", "minutes": 15, "temperature_c": 90}}],
     "fixed": [],
     "availability": [{"start": "07:00:00", "end": "21:00:00"}],
     "quiet_hours": [{"start": "22:00:00", "end": "07:00:00"}]}
""".trimIndent()

/** Epoch milliseconds and offset of a Berlin wall-clock time. */
private fun berlin(text: String): Pair<Long, Int> {
    val at = LocalDateTime.parse(text).atZone(ZoneId.of(ZONE))
    return at.toInstant().toEpochMilli() to at.offset.totalSeconds
}

private fun strength(from: String, to: String): FfiPlannedWorkout {
    val (startMs, startOffset) = berlin(from)
    val (endMs, endOffset) = berlin(to)
    return FfiPlannedWorkout(startMs, startOffset, endMs, endOffset, TrainingClass.STRENGTH)
}

/** What the shell does with a diff: cancel, then add, keyed by id. */
private fun apply(held: List<FfiReminder>, diff: FfiScheduleDiff): List<FfiReminder> {
    val schedule = held.associateBy { it.id }.toMutableMap()
    diff.cancel.forEach { schedule.remove(it) }
    diff.add.forEach { schedule[it.id] = it }
    return schedule.values.sortedWith(compareBy({ it.fireAtMs }, { it.id }))
}

class ProtocolBindingsTest {
    @TempDir
    lateinit var dir: Path

    private fun prescribed(): AlyzeStore {
        val store = AlyzeStore.open(dir.resolve("alyze.db").toString())
        store.setPrescriptionJson(prescription)
        return store
    }

    private fun AlyzeStore.plan(planned: List<FfiPlannedWorkout>): FfiDayPlan =
        planDays(DAY, DAY, ZONE, planned, MemberProfile(Sex.FEMALE), defaultReadinessSettings()).single()

    private fun AlyzeStore.reminders(planned: List<FfiPlannedWorkout>): List<FfiReminder> =
        reminders(DAY, DAY, ZONE, planned, MemberProfile(Sex.FEMALE), defaultReadinessSettings())

    @Test
    fun `without a prescription planning throws a typed exception`() {
        AlyzeStore.open(dir.resolve("empty.db").toString()).use { store ->
            assertNull(store.prescriptionJson())
            assertThrows<AlyzeException.NoPrescription> {
                store.planDays(DAY, DAY, ZONE, emptyList(), MemberProfile(Sex.MALE), defaultReadinessSettings())
            }
            val error = assertThrows<AlyzeException.InvalidPrescription> {
                store.setPrescriptionJson(prescription.replace("\"minutes\": 3,", "\"minutes\": 9,"))
            }
            assertTrue(error.reason.startsWith("targets #0: minutes"), error.reason)
            assertThrows<AlyzeException.InvalidArgument> { store.setPrescriptionJson("{\"targets\": 3}") }
        }
    }

    @Test
    fun `a strength session moves the plunge and the applied diff gives the new schedule`() {
        prescribed().use { store ->
            val free = store.plan(emptyList())
            assertEquals(DAY, free.date)
            val plunge = free.items.single { it.modality == RecoveryModality.COLD_PLUNGE }
            assertEquals(berlin("2026-03-04T07:00").first, plunge.startMs)
            assertEquals(3600, plunge.startOffsetS)
            val dose = plunge.dose
            assertTrue(dose is FfiDose.ColdPlunge, "$dose")
            assertEquals(6.0, (dose as FfiDose.ColdPlunge).temperatureC)
            val held = store.reminders(emptyList())
            assertTrue(held.any { it.id == "$DAY/cold_plunge/0" && it.localTime == "06:45" }, "$held")

            val lift = listOf(strength("2026-03-04T07:00", "2026-03-04T08:00"))
            val moved = store.plan(lift).items.single { it.modality == RecoveryModality.COLD_PLUNGE }
            assertTrue(moved.startMs >= berlin("2026-03-04T14:00").first)
            assertEquals(ItemReason.COLD_CLEAR_OF_STRENGTH, moved.reason)
            assertTrue(moved.reasonText.isNotEmpty() && moved.evidence.isNotEmpty())

            val wanted = store.reminders(lift)
            val now = berlin("2026-03-04T06:00").first
            val diff = diffReminders(held, wanted, now)
            assertTrue("$DAY/cold_plunge/0" in diff.cancel, "$diff")
            assertEquals(wanted, apply(held, diff))
            val settled = diffReminders(wanted, wanted, now)
            assertTrue(settled.add.isEmpty() && settled.cancel.isEmpty())
        }
    }

    @Test
    fun `a logged session is checked, counted and takes the plunge off the day`() {
        prescribed().use { store ->
            val (startMs, offset) = berlin("2026-03-04T07:00")
            fun plunge(minutes: Double, clinicOverride: Boolean) =
                FfiLoggedSession(RecoveryModality.COLD_PLUNGE, startMs, offset, ZONE, minutes, 6.0, clinicOverride)
            val app = Source("alyze", "health.alyze.app", null, null)

            val refused = assertThrows<AlyzeException.DoseOutsideSafeRange> { store.logSession(plunge(8.0, false), app) }
            assertEquals("minutes", refused.field)
            assertEquals(5.0, refused.max)
            assertEquals(0u, store.weekAdherence(DAY).targets[0].sessionsDone)

            val week = store.logSession(plunge(8.0, true), app)!!
            assertEquals("2026-03-02", week.firstDay)
            val row = week.targets.single { it.modality == RecoveryModality.COLD_PLUNGE }
            assertEquals(1u, row.sessionsDone)
            assertEquals(7.toUByte(), row.sessionsTarget)
            assertEquals(8.0, week.coldMinutes)
            assertTrue(store.plan(emptyList()).items.none { it.modality == RecoveryModality.COLD_PLUNGE })
        }
    }
}
