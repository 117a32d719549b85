// The training the member plans on the Plan screen (android/alyze/src/portable,
// `PlannedTraining.kt`: `trainingInput`, `plannedWorkout`, `dayTraining`) against the real store
// and planner, with the daily plunge of `KitFixtures.planPrescription` (first free slot from
// 07:00) and the clinic's default 6 h without cold after strength work. A strength session planned
// for 07:00-08:00 moves the plunge to 14:00, the end of that gap, and its reminder with it
// (cancelled and added again under the same id through `ReminderSchedule`); removed, both come
// back to 07:00. An entry across the spring DST change in Berlin starts at winter time and ends at
// summer time. An entry the store refuses (no minutes) gets the kit's short message, which names
// no time and no length.
package alyze

import app.alyze.kit.ReminderSchedule
import app.alyze.kit.TrainingEntry
import app.alyze.kit.TrainingInput
import app.alyze.kit.TrainingRow
import app.alyze.kit.dayTraining
import app.alyze.kit.errorText
import app.alyze.kit.planView
import app.alyze.kit.plannedWorkout
import app.alyze.kit.trainingInput
import java.nio.file.Path
import java.time.Instant
import java.time.LocalDate
import java.time.LocalDateTime
import java.util.Locale
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import uniffi.alyze.AlyzeException
import uniffi.alyze.AlyzeStore
import uniffi.alyze.FfiPlannedWorkout
import uniffi.alyze.MemberProfile
import uniffi.alyze.Sex
import uniffi.alyze.TrainingClass
import uniffi.alyze.defaultReadinessSettings

class PlannedTrainingTest {
    @TempDir
    lateinit var dir: Path

    private val day = LocalDate.parse("2026-03-04")
    private val today = "2026-03-04/cold_plunge/0"
    private val tomorrow = "2026-03-05/cold_plunge/0"

    private fun prescribed(): AlyzeStore {
        val store = AlyzeStore.open(dir.resolve("alyze.db").toString())
        store.setPrescriptionJson(KitFixtures.planPrescription)
        return store
    }

    private fun AlyzeStore.plunge(): Pair<String, String> {
        val plan = planDays(day.toString(), day.toString(), KitFixtures.zone.id, emptyList(), MemberProfile(Sex.FEMALE), defaultReadinessSettings()).single()
        val row = planView(plan, Locale.UK).rows.single()
        assertEquals("Cold plunge", row.title)
        return row.start to row.end
    }

    private fun entry(input: TrainingInput): TrainingEntry = (input as TrainingInput.Entry).entry

    @Test
    fun `the dialog reads a start time and whole minutes, and names what it cannot read`() {
        assertEquals(
            TrainingInput.Entry(TrainingEntry(LocalDateTime.parse("2026-03-04T07:00"), 60, TrainingClass.STRENGTH)),
            trainingInput(TrainingClass.STRENGTH, day, " 7:00", " 60 "),
        )
        assertEquals(TrainingInput.Unreadable("time"), trainingInput(TrainingClass.STRENGTH, day, "7h", "60"))
        assertEquals(TrainingInput.Unreadable("time"), trainingInput(TrainingClass.STRENGTH, day, "25:00", "60"))
        assertEquals(TrainingInput.Unreadable("minutes"), trainingInput(TrainingClass.STRENGTH, day, "07:00", ""))
        assertEquals(TrainingInput.Unreadable("minutes"), trainingInput(TrainingClass.STRENGTH, day, "07:00", "45.5"))
    }

    @Test
    fun `planned strength work moves the plunge and its reminder out of the cold gap, and removing it brings them back`() {
        prescribed().use { store ->
            val scheduler = FakeScheduler()
            val scheduled = scheduler.scheduled
            val schedule = ReminderSchedule(scheduler, MemoryHeld())
            val dawn = KitFixtures.at(day, "05:00")
            fun refresh() = schedule.refresh(store, day, KitFixtures.zone.id, MemberProfile(Sex.FEMALE), defaultReadinessSettings(), dawn)

            // Nothing planned: the plunge opens the availability window, reminded a quarter of an
            // hour ahead.
            refresh()
            assertEquals("07:00" to "07:03", store.plunge())
            assertEquals(listOf(today, tomorrow), scheduled.keys.toList())
            assertEquals("06:45", scheduled.getValue(today).localTime)

            val lift = plannedWorkout(entry(trainingInput(TrainingClass.STRENGTH, day, "07:00", "60")), KitFixtures.zone)
            val id = store.addPlannedWorkout(lift)
            assertEquals(listOf(TrainingRow(id, "07:00", "08:00", "Strength")), dayTraining(store, day, KitFixtures.zone))

            // No cold in the 6 h after the lift ends at 08:00: the earliest slot is 14:00.
            assertEquals("14:00" to "14:03", store.plunge())
            val moved = refresh()
            assertEquals(listOf(today), moved.cancel)
            assertEquals(listOf(today), moved.add.map { it.id })
            assertEquals("13:45", scheduled.getValue(today).localTime)
            // Tomorrow's plunge is not after the lift: its reminder stays as it was.
            assertEquals(listOf(today, tomorrow), scheduled.keys.toList())
            assertEquals("06:45", scheduled.getValue(tomorrow).localTime)
            assertEquals(listOf(today), scheduler.cancelled)

            // Removed by the row's id: the plunge and its reminder are back at 07:00 and 06:45.
            assertTrue(store.removePlannedWorkout(dayTraining(store, day, KitFixtures.zone).single().id))
            assertTrue(dayTraining(store, day, KitFixtures.zone).isEmpty())
            assertEquals("07:00" to "07:03", store.plunge())
            val back = refresh()
            assertEquals(listOf(today), back.cancel)
            assertEquals(listOf(today), back.add.map { it.id })
            assertEquals("06:45", scheduled.getValue(today).localTime)
            assertEquals(listOf(today, tomorrow), scheduled.keys.toList())
        }
    }

    @Test
    fun `training across the night the clocks go forward starts at winter time and ends at summer time`() {
        // Berlin, 2026-03-29: at 02:00 CET (01:00 UTC) the clocks go to 03:00 CEST. An hour from
        // 01:30 CET (00:30 UTC) ends at 01:30 UTC, which is 03:30 on the wall clock.
        val spring = LocalDate.parse("2026-03-29")
        val run = plannedWorkout(entry(trainingInput(TrainingClass.ENDURANCE, spring, "01:30", "60")), KitFixtures.zone)
        assertEquals(
            FfiPlannedWorkout(
                startMs = Instant.parse("2026-03-29T00:30:00Z").toEpochMilli(),
                startOffsetS = 3600,
                endMs = Instant.parse("2026-03-29T01:30:00Z").toEpochMilli(),
                endOffsetS = 7200,
                trainingClass = TrainingClass.ENDURANCE,
            ),
            run,
        )
        prescribed().use { store ->
            val id = store.addPlannedWorkout(run)
            assertEquals(listOf(TrainingRow(id, "01:30", "03:30", "Endurance")), dayTraining(store, spring, KitFixtures.zone))
            // The day before and the day after do not list it.
            assertTrue(dayTraining(store, spring.minusDays(1), KitFixtures.zone).isEmpty())
            assertTrue(dayTraining(store, spring.plusDays(1), KitFixtures.zone).isEmpty())
        }
    }

    @Test
    fun `training of no minutes is refused with a short message that names no time`() {
        prescribed().use { store ->
            val none = plannedWorkout(entry(trainingInput(TrainingClass.STRENGTH, day, "07:00", "0")), KitFixtures.zone)
            val error = assertThrows<AlyzeException.InvalidArgument> { store.addPlannedWorkout(none) }
            assertEquals("workout", error.name)
            val message = errorText(error, Locale.UK)
            assertEquals("Please check the training's start and length.", message)
            assertFalse(message.any { it.isDigit() }, message)
            // Nothing was kept, and the plunge stays at the window's start.
            assertTrue(dayTraining(store, day, KitFixtures.zone).isEmpty())
            assertEquals("07:00" to "07:03", store.plunge())
        }
    }
}
