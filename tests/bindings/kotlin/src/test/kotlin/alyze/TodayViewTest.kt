// The Today screen's view (android/alyze/src/portable, `todayView`) of days the real library
// assessed: a member with no HRV (not scored, nothing missing but HRV), one still calibrating (the
// synthetic export of ten days), and one whose HRV crashed and resting heart rate rose on the
// last morning (a recovery day, red). The view must keep the core's call, score and reason order
// and never colour an unscored day red.
package alyze

import app.alyze.kit.Tone
import app.alyze.kit.todayView
import java.io.File
import java.nio.file.Path
import java.time.LocalDate
import java.util.Locale
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import uniffi.alyze.AlyzeStore
import uniffi.alyze.FfiReadinessState
import uniffi.alyze.ImportListener
import uniffi.alyze.MemberProfile
import uniffi.alyze.Recommendation
import uniffi.alyze.Sex
import uniffi.alyze.defaultReadinessSettings

private val member = MemberProfile(Sex.FEMALE, ageYears = 38.0)

class TodayViewTest {
    @TempDir
    lateinit var dir: Path

    private fun store() = AlyzeStore.open(dir.resolve("alyze.db").toString())

    @Test
    fun `a member without HRV is not scored, in neutral, and told what is missing`() {
        store().use { store ->
            val day = store.readiness("2026-11-28", member, defaultReadinessSettings())
            val view = todayView(day, Locale.UK)
            assertEquals("Not scored today", view.headline)
            assertEquals(Tone.NEUTRAL, view.tone)
            assertNull(view.score)
            assertEquals("Missing: HRV on enough nights this week.", view.detail)
        }
    }

    @Test
    fun `a calibrating member sees the nights left, in neutral, with the core's reasons in order`() {
        val export = File(System.getProperty("alyze.target.dir") ?: "../../../target", "bindings/fixtures/synthetic-export.zip")
        assertTrue(export.isFile, "no $export: run scripts/bindings first")
        store().use { store ->
            store.importAppleExport(export.path, object : ImportListener {
                override fun onProgress(bytesDone: ULong, bytesTotal: ULong?) = true
            })
            val day = store.readiness("2022-09-10", member, defaultReadinessSettings())
            val left = (day.state as FfiReadinessState.Calibrating).daysLeft
            val view = todayView(day, Locale.UK)
            assertEquals("Calibrating", view.headline)
            assertEquals(Tone.NEUTRAL, view.tone)
            assertNull(view.score)
            assertTrue(view.detail.contains("about $left more night"), view.detail)
            assertEquals(day.reasons.map { it.text }, view.reasons.map { it.text })
            assertTrue(view.reasons.none { it.tone == Tone.RED }, "${view.reasons}")
        }
    }

    @Test
    fun `a crash of HRV with resting heart rate up is a red recovery day with its score and reasons`() {
        val today = LocalDate.parse("2026-11-28")
        store().use { store ->
            KitFixtures.nights(
                store, today, 40,
                rmssd = { if (it == today) 28.0 else KitFixtures.steady(it) },
                restingHr = { if (it == today) 61.0 else 50.0 },
            )
            val day = store.readiness(today.toString(), member, defaultReadinessSettings())
            assertEquals(Recommendation.RECOVER, day.recommendation, "$day")
            val view = todayView(day, Locale.UK)
            assertEquals("Recover", view.headline)
            assertEquals(Tone.RED, view.tone)
            assertEquals(day.score!!.toInt(), view.score)
            assertEquals(day.reasons.map { it.text }, view.reasons.map { it.text })
            // The first reason is the most important one, a warning: red.
            assertEquals(Tone.RED, view.reasons.first().tone, "${view.reasons}")
            // Resting heart rate is shown whole, against the highest normal value (baseline + 3).
            val resting = view.components.single { it.label == "Resting heart rate" }
            assertEquals("61 bpm", resting.value)
            assertEquals("at most 53 bpm", resting.normal)
            // Last night: 7 h 50 min asleep.
            assertEquals("7.8 h", view.components.single { it.label == "Sleep" }.value)
        }
    }

    @Test
    fun `the clinic's readiness bands, once they reach the phone, decide the call`() {
        val today = LocalDate.parse("2026-11-28")
        store().use { store ->
            KitFixtures.nights(store, today, 40, rmssd = KitFixtures::steady)
            // Before the clinic sends settings, the phone judges by the documented defaults.
            assertEquals(defaultReadinessSettings(), store.readinessSettings())
            val before = store.readiness(today.toString(), member, store.readinessSettings())
            assertTrue(before.recommendation != Recommendation.RECOVER, "$before")

            // Settings as a sync saves them: bands that make every score below 100 red.
            val strict = store.clinicSettingsJson()
                .replace(Regex("\"readiness\"\\s*:\\s*\\{[^}]*\\}"), "\"readiness\":{\"push_from\":100,\"recover_to\":99}")
            store.setClinicSettingsJson(strict)
            assertEquals(99.toUByte(), store.readinessSettings().recoverTo)
            val after = store.readiness(today.toString(), member, store.readinessSettings())
            assertEquals(before.score, after.score)
            assertEquals(Recommendation.RECOVER, after.recommendation, "$after")
            assertEquals(Tone.RED, todayView(after, Locale.UK).tone)
        }
    }

    @Test
    fun `steady nights after calibration are scored with a coloured call`() {
        val today = LocalDate.parse("2026-11-28")
        store().use { store ->
            KitFixtures.nights(store, today, 40, rmssd = KitFixtures::steady)
            val day = store.readiness(today.toString(), member, defaultReadinessSettings())
            assertEquals(FfiReadinessState.Scored, day.state, "$day")
            val view = todayView(day, Locale.UK)
            // The core's bands: push green, maintain yellow.
            val expected = mapOf(Recommendation.PUSH to ("Push" to Tone.GREEN), Recommendation.MAINTAIN to ("Maintain" to Tone.YELLOW))
            assertEquals(expected[day.recommendation], view.headline to view.tone, "$day")
            assertTrue(view.components.any { it.label == "HRV, 7-day mean" && it.normal != null }, "${view.components}")
        }
    }
}
