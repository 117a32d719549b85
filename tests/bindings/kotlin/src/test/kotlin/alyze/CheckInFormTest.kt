// The Check-in screen's form (android/alyze/src/portable, `CheckInForm`) against the real store:
// the questionnaire is the clinic's (McLean unless its settings say Hooper), each item's scale is
// exactly the one the core accepts (its ends are taken, one past them is refused naming the item),
// and the answers saved reach the day's summary as the papers' sums rescaled: McLean
// (total - 5) / 20, Hooper (28 - total) / 24. A second check-in the same day replaces the first.
package alyze

import app.alyze.kit.CheckInForm
import app.alyze.kit.checkInAnswers
import app.alyze.kit.checkInItems
import app.alyze.kit.errorText
import java.nio.file.Path
import java.time.LocalDate
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import uniffi.alyze.AlyzeException
import uniffi.alyze.AlyzeStore
import uniffi.alyze.CheckInAnswers
import uniffi.alyze.Questionnaire

private val day = LocalDate.parse("2026-03-02")

class CheckInFormTest {
    @TempDir
    lateinit var dir: Path

    private fun store() = AlyzeStore.open(dir.resolve("alyze.db").toString())

    private fun AlyzeStore.chooseHooper() {
        val settings = clinicSettingsJson()
        setClinicSettingsJson(settings.replace(Regex("\"check_in\"\\s*:\\s*\"[a-z_]+\""), "\"check_in\":\"hooper\""))
    }

    private fun AlyzeStore.record(answers: CheckInAnswers, time: String = "07:00") =
        recordCheckIn(KitFixtures.at(day, time), 3600, KitFixtures.zone.id, answers, KitFixtures.app)

    private fun AlyzeStore.wellness(): Double? = dailySummaries(day.toString(), day.toString()).single().checkInWellness

    @Test
    fun `the clinic's questionnaire gives the form its items and scales`() {
        store().use { store ->
            assertEquals(Questionnaire.MC_LEAN, store.checkInQuestionnaire())
            val mcLean = CheckInForm(store.checkInQuestionnaire()).items
            assertEquals(listOf("fatigue", "sleep_quality", "soreness", "stress", "mood"), mcLean.map { it.key })
            assertEquals(setOf(Triple(1, 5, 5)), mcLean.map { Triple(it.low, it.high, it.best) }.toSet())

            store.chooseHooper()
            assertEquals(Questionnaire.HOOPER, store.checkInQuestionnaire())
            val hooper = CheckInForm(store.checkInQuestionnaire()).items
            assertEquals(listOf("sleep", "stress", "fatigue", "soreness"), hooper.map { it.key })
            assertEquals(setOf(Triple(1, 7, 1)), hooper.map { Triple(it.low, it.high, it.best) }.toSet())
        }
    }

    @Test
    fun `an unfinished form has no answers and refuses a rating off the scale`() {
        val form = CheckInForm(Questionnaire.MC_LEAN).with("fatigue", 4).with("mood", 2)
        assertFalse(form.complete)
        assertNull(form.answers())
        assertThrows<IllegalArgumentException> { form.with("stress", 6) }
        assertThrows<IllegalArgumentException> { form.with("stress", 0) }
    }

    @Test
    fun `McLean answers reach the day's wellness, and a second check-in that day replaces the first`() {
        store().use { store ->
            var form = CheckInForm(Questionnaire.MC_LEAN)
            listOf(5, 4, 3, 2, 1).zip(form.items).forEach { (value, item) -> form = form.with(item.key, value) }
            store.record(form.answers()!!)
            // Total 15: (15 - 5) / 20.
            assertEquals(0.5, store.wellness()!!, 1e-12)

            val best = form.items.fold(form) { f, item -> f.with(item.key, item.best) }
            store.record(best.answers()!!, time = "08:15")
            assertEquals(1.0, store.wellness()!!, 1e-12)
        }
    }

    @Test
    fun `Hooper answers are scored with one as best`() {
        store().use { store ->
            store.chooseHooper()
            val blank = CheckInForm(store.checkInQuestionnaire())
            // Sleep 2, stress 3, fatigue 6, soreness 1: total 12, so (28 - 12) / 24.
            val form = blank.with("sleep", 2).with("stress", 3).with("fatigue", 6).with("soreness", 1)
            store.record(form.answers()!!)
            assertEquals(16.0 / 24.0, store.wellness()!!, 1e-12)
        }
    }

    @Test
    fun `each item's scale is the core's, and an answer past it is refused naming the item`() {
        store().use { store ->
            for (questionnaire in Questionnaire.entries) {
                val items = checkInItems(questionnaire)
                for (item in items) {
                    val others = items.associate { it.key to it.best }
                    for (edge in listOf(item.low, item.high)) {
                        store.record(checkInAnswers(questionnaire, others + (item.key to edge)))
                    }
                    for (past in listOf(item.low - 1, item.high + 1)) {
                        val error = assertThrows<AlyzeException.InvalidArgument> {
                            store.record(checkInAnswers(questionnaire, others + (item.key to past)))
                        }
                        assertEquals("answers.${item.key}", error.name, "$questionnaire ${item.key} = $past")
                        assertEquals("Please check your check-in.", errorText(error))
                    }
                }
            }
        }
    }
}
