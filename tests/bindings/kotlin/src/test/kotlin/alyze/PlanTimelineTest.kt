// The Plan screen's rows (android/alyze/src/portable, `planView`, `adherenceRows`, `sessionInput`,
// `loggedSession`) and the reminders' refresh (`ReminderSchedule.refresh`) from the real planner:
// a daily cold plunge and a PEMF session booked in the member's quiet hours
// (`KitFixtures.planPrescription`). The plunge is at the start of the availability window in
// Berlin's wall-clock time (also on the day the clocks go forward, whatever the JVM's zone), the
// booked session is listed as left out with the core's reason, and a session typed on the wall
// clock is logged, counted in the week, taken off the day and its reminder cancelled; a dose
// outside the safe range is refused with a message that names the range but not the dose. The
// training the member plans is in `PlannedTrainingTest`.
package alyze

import app.alyze.kit.ReminderSchedule
import app.alyze.kit.SessionEntry
import app.alyze.kit.SessionInput
import app.alyze.kit.adherenceRows
import app.alyze.kit.errorText
import app.alyze.kit.loggedSession
import app.alyze.kit.planView
import app.alyze.kit.sessionInput
import java.nio.file.Path
import java.time.LocalDate
import java.time.LocalDateTime
import java.util.Locale
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import uniffi.alyze.AlyzeException
import uniffi.alyze.AlyzeStore
import uniffi.alyze.FfiDayPlan
import uniffi.alyze.MemberProfile
import uniffi.alyze.RecoveryModality
import uniffi.alyze.Sex
import uniffi.alyze.defaultReadinessSettings

class PlanTimelineTest {
    @TempDir
    lateinit var dir: Path

    private fun prescribed(): AlyzeStore {
        val store = AlyzeStore.open(dir.resolve("alyze.db").toString())
        store.setPrescriptionJson(KitFixtures.planPrescription)
        return store
    }

    private fun AlyzeStore.plan(day: String): FfiDayPlan =
        planDays(day, day, KitFixtures.zone.id, emptyList(), MemberProfile(Sex.FEMALE), defaultReadinessSettings()).single()

    @Test
    fun `the timeline has the plunge at the window's start and the booked session left out with its reason`() {
        prescribed().use { store ->
            val plan = store.plan("2026-03-04")
            val view = planView(plan, Locale.UK)
            assertEquals("2026-03-04", view.date)
            // No HRV in the store: the day is not scored, so the plan followed no call.
            assertNull(view.call)
            val plunge = view.rows.single()
            assertEquals("07:00", plunge.start)
            assertEquals("07:03", plunge.end)
            assertEquals("Cold plunge", plunge.title)
            assertEquals("3 min at 6 °C", plunge.dose)
            assertEquals(plan.items.single().reasonText, plunge.why)
            val pemf = view.dropped.single()
            assertEquals("PEMF", pemf.title)
            assertTrue(pemf.booked)
            assertEquals(plan.dropped.single().reasonText, pemf.why)
            assertTrue(pemf.why.isNotEmpty())
        }
    }

    @Test
    fun `on the day the clocks go forward the plunge is still at seven on the wall clock`() {
        prescribed().use { store ->
            val rows = planView(store.plan("2026-03-29"), Locale.UK).rows
            assertEquals(listOf("07:00"), rows.map { it.start })
        }
    }

    @Test
    fun `the log form reads a time, minutes and a temperature, and names what it cannot read`() {
        val day = LocalDate.parse("2026-03-04")
        val plunge = RecoveryModality.COLD_PLUNGE
        assertEquals(
            SessionInput.Entry(SessionEntry(plunge, LocalDateTime.parse("2026-03-04T07:10"), 2.5, 6.0)),
            sessionInput(plunge, day, "7:10", "2,5", " 6 "),
        )
        assertEquals(SessionInput.Unreadable("time"), sessionInput(plunge, day, "7h10", "3", "6"))
        assertEquals(SessionInput.Unreadable("minutes"), sessionInput(plunge, day, "07:10", "", "6"))
        assertEquals(SessionInput.Unreadable("temperature"), sessionInput(plunge, day, "07:10", "3", "cold"))
        // A temperature not known is left out; one typed for breathwork is not read at all.
        assertEquals(null, (sessionInput(plunge, day, "07:10", "3", "") as SessionInput.Entry).entry.temperatureC)
        assertEquals(null, (sessionInput(RecoveryModality.BREATHWORK, day, "07:10", "10", "x") as SessionInput.Entry).entry.temperatureC)
    }

    @Test
    fun `a session typed on the wall clock is logged, counted and taken off the day`() {
        prescribed().use { store ->
            val typed = sessionInput(RecoveryModality.COLD_PLUNGE, LocalDate.parse("2026-03-04"), "07:10", "3", "6")
            val entry = (typed as SessionInput.Entry).entry
            val week = store.logSession(loggedSession(entry, KitFixtures.zone), KitFixtures.app)!!
            val row = adherenceRows(week).single()
            assertEquals("Cold plunge", row.title)
            assertEquals("1 of 7", row.sessions)
            assertEquals(1.0 / 7, row.done, 1e-9)
            assertTrue(planView(store.plan("2026-03-04"), Locale.UK).rows.isEmpty())
            // The week is counted the same from the store.
            assertEquals(listOf(row), adherenceRows(store.weekAdherence("2026-03-04")))
        }
    }

    @Test
    fun `a temperature goes only with a sauna or a plunge`() {
        prescribed().use { store ->
            val entry = SessionEntry(RecoveryModality.PEMF, LocalDateTime.parse("2026-03-04T12:00"), 20.0, 40.0)
            val logged = loggedSession(entry, KitFixtures.zone)
            assertNull(logged.temperatureC)
            assertEquals(3600, logged.startOffsetS)
            // Logged without a target for PEMF: the week has only the plunge's row, still at zero.
            val week = store.logSession(logged, KitFixtures.app)!!
            assertEquals(listOf("0 of 7"), adherenceRows(week).map { it.sessions })
        }
    }

    @Test
    fun `a dose outside the safe range is refused with the range and without the dose`() {
        prescribed().use { store ->
            val entry = SessionEntry(RecoveryModality.COLD_PLUNGE, LocalDateTime.parse("2026-03-04T07:10"), 8.0, 6.0)
            val error = assertThrows<AlyzeException.DoseOutsideSafeRange> {
                store.logSession(loggedSession(entry, KitFixtures.zone), KitFixtures.app)
            }
            val message = errorText(error, Locale.UK)
            assertTrue(message.startsWith("The time is outside the safe range ("), message)
            assertTrue(message.endsWith(" to 5)."), message)
            assertFalse(message.contains("8"), message)
            // Logged as the clinic prescribed it, the same dose is taken.
            val week = store.logSession(loggedSession(entry.copy(clinicOverride = true), KitFixtures.zone), KitFixtures.app)!!
            assertEquals("1 of 7", adherenceRows(week).single().sessions)
        }
    }

    @Test
    fun `without a prescription the message says so`() {
        AlyzeStore.open(dir.resolve("empty.db").toString()).use { store ->
            val error = assertThrows<AlyzeException.NoPrescription> { store.plan("2026-03-04") }
            assertEquals("No prescription from your clinic yet.", errorText(error))
        }
    }

    @Test
    fun `the reminders follow the plan, a logged plunge's is cancelled, and none stay after sign-out`() {
        prescribed().use { store ->
            val scheduler = FakeScheduler()
            val scheduled = scheduler.scheduled
            val held = MemoryHeld()
            val schedule = ReminderSchedule(scheduler, held)
            val day = LocalDate.parse("2026-03-04")
            val dawn = KitFixtures.at(day, "05:00")
            fun refresh() = schedule.refresh(store, day, KitFixtures.zone.id, MemberProfile(Sex.FEMALE), defaultReadinessSettings(), dawn)

            refresh()
            // Today's and tomorrow's plunges, a quarter of an hour ahead (the clinic's default lead).
            assertEquals(listOf("2026-03-04/cold_plunge/0", "2026-03-05/cold_plunge/0"), scheduled.keys.toList())
            assertEquals("06:45", scheduled.getValue("2026-03-04/cold_plunge/0").localTime)

            val entry = SessionEntry(RecoveryModality.COLD_PLUNGE, LocalDateTime.parse("2026-03-04T06:00"), 3.0, 6.0)
            store.logSession(loggedSession(entry, KitFixtures.zone), KitFixtures.app)
            val diff = refresh()
            assertEquals(listOf("2026-03-04/cold_plunge/0"), diff.cancel)
            assertEquals(listOf("2026-03-05/cold_plunge/0"), scheduled.keys.toList())

            // The phone restarts and Android drops its alarms: the held list still names the
            // plunge, so a refresh alone adds nothing; once told, the schedule sets it again.
            scheduler.reboot()
            assertTrue(refresh().add.isEmpty())
            schedule.lostAll()
            assertEquals(listOf("2026-03-05/cold_plunge/0"), refresh().add.map { it.id })
            assertEquals(listOf("2026-03-05/cold_plunge/0"), scheduled.keys.toList())

            // Signed out: the prescription is gone with the rest, so nothing is wanted.
            store.signOut()
            refresh()
            assertTrue(scheduled.isEmpty(), "$scheduled")
            assertTrue(held.saved.isEmpty())
        }
    }
}
