// Readiness seen from Kotlin: AlyzeStore.readiness and readinessHistory through the generated
// bindings and JNA, as the Android shell will call them, on the synthetic export scripts/bindings
// writes (ten days from 2022-09-01). The Rust tests carry the engine's logic; these prove the
// surface: the profile and settings going in, the state as a sealed class with its days left, the
// nullable score and call, lists of components, reasons and trends, and a typed exception naming
// an invalid setting.
package alyze

import java.io.File
import java.nio.file.Path
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import uniffi.alyze.AlyzeException
import uniffi.alyze.AlyzeStore
import uniffi.alyze.FfiReadinessState
import uniffi.alyze.ImportListener
import uniffi.alyze.MemberProfile
import uniffi.alyze.ReasonCode
import uniffi.alyze.Severity
import uniffi.alyze.Sex
import uniffi.alyze.defaultReadinessSettings

/** The synthetic export scripts/bindings writes beside the bindings. */
private val fixture = File(System.getProperty("alyze.target.dir") ?: "../../../target", "bindings/fixtures/synthetic-export.zip")

private object Quiet : ImportListener {
    override fun onProgress(bytesDone: ULong, bytesTotal: ULong?): Boolean = true
}

/** Only the sex is required: the profile's other fields default to null. */
private fun member(maxHrBpm: Double? = null) = MemberProfile(Sex.FEMALE, maxHrBpm = maxHrBpm, ageYears = 35.0)

class ReadinessBindingsTest {
    @TempDir
    lateinit var dir: Path

    private fun imported(): AlyzeStore {
        assertTrue(fixture.isFile, "no $fixture: run scripts/bindings first")
        val store = AlyzeStore.open(dir.resolve("alyze.db").toString())
        store.importAppleExport(fixture.path, Quiet)
        return store
    }

    @Test
    fun `a ten-day member is calibrating with no call, and the history has every day`() {
        imported().use { store ->
            val settings = defaultReadinessSettings()
            assertEquals(180u, settings.lookBackDays)
            assertEquals(67.toUByte(), settings.pushFrom)

            val day = store.readiness("2022-09-10", member(), settings)
            assertEquals("2022-09-10", day.date)
            val state = day.state
            assertTrue(state is FfiReadinessState.Calibrating, "$state")
            assertTrue((state as FfiReadinessState.Calibrating).daysLeft > 0u)
            assertNull(day.score)
            assertNull(day.recommendation)
            val calibrating = day.reasons.single { it.code == ReasonCode.CALIBRATING }
            assertEquals(Severity.INFO, calibrating.severity)
            assertTrue(calibrating.text.isNotEmpty())
            assertTrue(day.components.all { it.unit.isNotEmpty() })

            val history = store.readinessHistory("2022-09-01", "2022-09-10", member(), settings)
            val dates = (1..10).map { "2022-09-%02d".format(it) }
            assertEquals(dates, history.days.map { it.date })
            assertEquals(dates, history.trends.map { it.date })
            assertTrue(history.days.all { it.score == null && it.state is FfiReadinessState.Calibrating })
            assertTrue(history.trends.count { it.lnHrv != null } >= 5)
            assertEquals(day, history.days.last())
        }
    }

    @Test
    fun `an invalid setting or profile is a typed exception naming it`() {
        imported().use { store ->
            val badSd = defaultReadinessSettings().copy(hrvNormalRangeSd = -0.5)
            val error = assertThrows<AlyzeException.InvalidSetting> { store.readiness("2022-09-10", member(), badSd) }
            assertEquals("hrv_normal_range_sd", error.name)

            val badBands = defaultReadinessSettings().copy(recoverTo = 80u)
            val bands = assertThrows<AlyzeException.InvalidSetting> {
                store.readinessHistory("2022-09-01", "2022-09-10", member(), badBands)
            }
            assertTrue(bands.name.contains("recover_to"), bands.name)

            val profile = assertThrows<AlyzeException.InvalidArgument> {
                store.readiness("2022-09-10", member(maxHrBpm = -1.0), defaultReadinessSettings())
            }
            assertEquals("profile.max_hr_bpm", profile.name)
        }
    }
}
