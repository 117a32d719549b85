// The HRV exports seen from Kotlin: the generated bindings (package uniffi.alyze) calling the real
// libalyze through JNA. The Rust tests carry the science; these prove the surface: records, enums,
// unsigned counts, optional fields and the typed AlyzeException with its position.
package alyze

import java.io.File
import kotlin.math.abs
import kotlin.math.cos
import kotlin.math.ln
import kotlin.math.sin
import kotlin.math.sqrt
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assertions.fail
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import uniffi.alyze.AlyzeException
import uniffi.alyze.Correction
import uniffi.alyze.Detrending
import uniffi.alyze.HrvSettings
import uniffi.alyze.Quality
import uniffi.alyze.analyseNight
import uniffi.alyze.analyseRr
import uniffi.alyze.defaultHrvSettings
import uniffi.alyze.defaultNightSettings

private val repoRoot = File(System.getProperty("alyze.repo.root") ?: "../../..")

/** The public pyHRV sample recordings in data/hrv, one NN interval (ms) a line. */
private fun recording(name: String): List<Double> =
    File(repoRoot, "data/hrv/$name").readLines().filter { it.isNotBlank() }.map { it.trim().toDouble() }

/** The series analysed exactly as given, so that independent figures apply. */
private fun asGiven(): HrvSettings = defaultHrvSettings().copy(correction = Correction.None)

/** The value of an optional field the test needs present. */
private fun <T> present(value: T?, what: String): T = value ?: fail("$what is absent")

/** Asserts two doubles agree to a relative 1e-9. */
private fun assertClose(expected: Double, actual: Double, what: String) {
    assertTrue(abs(expected - actual) <= 1e-9 * abs(expected), "$what: expected $expected, got $actual")
}

class HrvBindingsTest {
    @Test
    fun `short recording matches an independent time-domain computation`() {
        val rr = recording("pyhrv_sample_nni_short.txt")
        val report = analyseRr(rr, emptyList(), asGiven())

        val diffs = rr.zipWithNext { a, b -> b - a }
        val mean = rr.average()
        val sdnn = sqrt(rr.sumOf { (it - mean) * (it - mean) } / (rr.size - 1))
        val rmssd = sqrt(diffs.sumOf { it * it } / diffs.size)
        val nn50 = diffs.count { abs(it) > 50.0 }

        assertEquals(337u, report.nBeats)
        assertClose(rr.sum() / 1000.0, report.durationS, "duration")
        assertClose(mean, report.time.meanNnMs, "MeanNN")
        assertClose(sdnn, report.time.sdnnMs, "SDNN")
        assertClose(rmssd, report.time.rmssdMs, "RMSSD")
        assertClose(ln(rmssd), report.time.lnRmssd, "ln RMSSD")
        assertEquals(nn50.toUInt(), report.time.nn50)
        assertClose(100.0 * nn50 / diffs.size, report.time.pnn50Pct, "pNN50")
        assertClose(rr.map { 60_000.0 / it }.average(), report.time.meanHrBpm, "mean HR")
    }

    @Test
    fun `long recording matches pyHRV's own report`() {
        val report = analyseRr(recording("pyhrv_sample_nni_long.txt"), emptyList(), asGiven())
        assertEquals(4684u, report.nBeats)
        assertEquals(60.523, report.time.rmssdMs, 0.0005)
        assertEquals(85.357, report.time.sdnnMs, 0.0005)
        assertEquals(28.571, report.time.pnn50Pct, 0.0005)
    }

    @Test
    fun `long recording has nonlinear and spectral indices`() {
        val report = analyseRr(recording("pyhrv_sample_nni_long.txt"), emptyList(), asGiven())
        // pyHRV: SD1 42.797, SD2 112.837 ms. Conventions differ in the last digits (N vs N-1), so 1 %.
        assertEquals(42.797, report.nonlinear.sd1Ms, 0.43)
        assertEquals(112.837, report.nonlinear.sd2Ms, 1.13)
        present(report.nonlinear.sampen, "SampEn")
        // An hour is long enough for a spectrum; pyHRV's spectral settings are not Kubios's, so
        // only the shape is checked here.
        val frequency = present(report.frequency, "frequency domain")
        assertTrue(frequency.lfMs2 > 0.0 && frequency.hfMs2 > 0.0)
        assertEquals(frequency.lfMs2 / frequency.hfMs2, frequency.lfHf, 1e-9 * frequency.lfHf)
    }

    @Test
    fun `a missed beat is detected and corrected by default`() {
        val rr = recording("pyhrv_sample_nni_short.txt").toMutableList()
        rr[150] = rr[150] + rr.removeAt(151)
        val report = analyseRr(rr, emptyList(), defaultHrvSettings())
        assertTrue(report.artefacts.detected >= 1u, "detected: ${report.artefacts}")
        assertTrue(report.artefacts.corrected >= 1u, "corrected: ${report.artefacts}")
        assertNotEquals(Quality.CLEAN, report.quality)
    }

    @Test
    fun `no successive difference spans a gap`() {
        val rr = recording("pyhrv_sample_nni_short.txt")
        val report = analyseRr(rr, listOf(100u), asGiven())
        val diffs = rr.subList(0, 100).zipWithNext { a, b -> b - a } +
            rr.subList(100, rr.size).zipWithNext { a, b -> b - a }
        assertEquals(337u, report.nBeats)
        assertClose(sqrt(diffs.sumOf { it * it } / diffs.size), report.time.rmssdMs, "RMSSD")
    }

    @Test
    fun `default settings come from the core and round-trip`() {
        val settings = defaultHrvSettings()
        assertEquals(Correction.Automatic, settings.correction)
        assertEquals(300.0, settings.minRrMs)
        assertEquals(2000.0, settings.maxRrMs)
        assertEquals(30u, settings.minBeats)
        assertEquals(5.0, settings.maxArtefactPct)
        assertEquals(Detrending.None, settings.detrending)

        val night = defaultNightSettings()
        assertEquals(300.0, night.windowS)
        assertEquals(0.8, night.minCoverage)
        assertEquals(settings, night.hrv)

        // Enum variants with fields cross the FFI into the core and are accepted.
        val custom = settings.copy(
            correction = Correction.Threshold(thresholdMs = 250.0),
            detrending = Detrending.SmoothnessPriors(lambda = 500.0),
        )
        val report = analyseRr(recording("pyhrv_sample_nni_short.txt"), emptyList(), custom)
        assertTrue(report.nBeats > 300u)
    }

    @Test
    fun `a NaN interval throws NonFinite with its index`() {
        val rr = MutableList(40) { 800.0 }
        rr[5] = Double.NaN
        val error = assertThrows<AlyzeException.NonFinite> { analyseRr(rr, emptyList(), defaultHrvSettings()) }
        assertEquals(5u, error.index)
    }

    @Test
    fun `an implausible interval throws OutOfRange with its index and no health value`() {
        val rr = MutableList(40) { 800.0 }
        rr[7] = 4321.5
        val error = assertThrows<AlyzeException.OutOfRange> { analyseRr(rr, emptyList(), defaultHrvSettings()) }
        assertEquals(7u, error.index)
        assertEquals(300.0, error.minMs)
        assertEquals(2000.0, error.maxMs)
        assertFalse(error.message.orEmpty().contains("4321"), error.message)
    }

    @Test
    fun `too few beats throws TooFewBeats`() {
        val error = assertThrows<AlyzeException.TooFewBeats> {
            analyseRr(List(10) { 800.0 }, emptyList(), defaultHrvSettings())
        }
        assertEquals(10u, error.found)
        assertEquals(30u, error.needed)
    }

    @Test
    fun `a gap past the end throws GapOutOfRange with the marker's position`() {
        val error = assertThrows<AlyzeException.GapOutOfRange> {
            analyseRr(List(40) { 800.0 }, listOf(3u, 40u), defaultHrvSettings())
        }
        assertEquals(1u, error.marker)
    }

    @Test
    fun `an impossible setting throws InvalidSetting`() {
        val error = assertThrows<AlyzeException.InvalidSetting> {
            analyseRr(List(40) { 800.0 }, emptyList(), defaultHrvSettings().copy(minBeats = 1u))
        }
        assertEquals("min_beats", error.name)
    }

    @Test
    fun `a synthetic 30-minute night gives six five-minute windows`() {
        // About 1 s beats with a respiratory rhythm; 1795 beats end just short of 30 minutes, so no
        // stray last beat opens a seventh window.
        val rr = List(1795) { 1000.0 + 40.0 * sin(it * 0.9) + 15.0 * cos(it * 0.05) }
        assertTrue(rr.sum() < 1_800_000.0)
        val night = analyseNight(rr, emptyList(), defaultNightSettings())

        assertEquals(6, night.windows.size)
        night.windows.forEachIndexed { i, w -> assertEquals(300.0 * i, w.startS, 1e-9) }
        assertEquals(1795u, night.windows.sumOf { it.nBeats })
        assertEquals(6u, night.cleanWindows)
        assertTrue(night.windows.all { it.clean })
        val rmssd = night.windows.map { present(it.rmssdMs, "window RMSSD") }
        assertClose(rmssd.average(), present(night.meanRmssdMs, "mean RMSSD"), "mean RMSSD")
        assertClose(rmssd.map { ln(it) }.average(), present(night.meanLnRmssd, "mean ln RMSSD"), "mean ln RMSSD")
    }

    @Test
    fun `a night with a bad interval throws with its index`() {
        val rr = MutableList(1800) { 1000.0 }
        rr[1234] = Double.POSITIVE_INFINITY
        val error = assertThrows<AlyzeException.NonFinite> { analyseNight(rr, emptyList(), defaultNightSettings()) }
        assertEquals(1234u, error.index)
    }
}
