// The Trends screen's charts (android/alyze/src/portable, `trendCharts`) over four weeks of the
// real library's trend days, for a member whose RMSSD readings are chosen here and missing on two
// mornings: the nightly lnHRV is ln of each reading, the two mornings cut the line, the normal
// band runs where the core has both bounds, sleep is the 7 h 50 min of each night against a need
// drawn every day, and every value and bound lies inside its chart's range.
package alyze

import app.alyze.kit.Mark
import app.alyze.kit.trendCharts
import app.alyze.kit.trendWindow
import java.nio.file.Path
import java.time.LocalDate
import kotlin.math.ln
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import uniffi.alyze.AlyzeStore
import uniffi.alyze.MemberProfile
import uniffi.alyze.Sex
import uniffi.alyze.defaultReadinessSettings

private val today = LocalDate.parse("2026-11-28")

class TrendSeriesTest {
    @TempDir
    lateinit var dir: Path

    @Test
    fun `four weeks end today`() {
        val window = trendWindow(today)
        assertEquals("2026-11-01", window.from)
        assertEquals("2026-11-28", window.to)
    }

    @Test
    fun `missing mornings cut the HRV line, the band follows the core, every value is in range`() {
        // No reading on the mornings of 2026-11-20 and 11-21 (window days 19 and 20).
        val gap = setOf(LocalDate.parse("2026-11-20"), LocalDate.parse("2026-11-21"))
        fun rmssd(day: LocalDate) = if (day in gap) null else KitFixtures.steady(day)
        AlyzeStore.open(dir.resolve("alyze.db").toString()).use { store ->
            KitFixtures.nights(store, today, 60, ::rmssd)
            val window = trendWindow(today)
            val trends = store.readinessHistory(window.from, window.to, MemberProfile(Sex.MALE), defaultReadinessSettings()).trends
            val charts = trendCharts(trends)

            val dates = (0L until 28L).map { today.minusDays(27 - it).toString() }
            assertEquals(dates, charts.dates)

            // The nights: one dot a morning with a reading, at ln of that reading.
            val nights = charts.hrv.series.single { it.mark == Mark.DOTS }
            assertEquals(listOf((0..18).toList(), (21..27).toList()), nights.runs.map { run -> run.map { it.day } })
            for (point in nights.points) {
                val morning = today.minusDays((27 - point.day).toLong())
                assertEquals(ln(rmssd(morning)!!), point.value, 1e-9, "$morning")
            }

            // The normal band: where the core gives both bounds, with low below high.
            val bandDays = trends.indices.filter { trends[it].normalLow != null && trends[it].normalHigh != null }
            assertTrue(bandDays.isNotEmpty())
            assertEquals(bandDays, charts.hrv.band.flatten().map { it.day })
            assertTrue(charts.hrv.band.flatten().all { it.low < it.high })

            // Sleep: each night's hours as bars, the need as an unbroken line.
            val slept = charts.sleep.series.single { it.mark == Mark.BARS }
            assertEquals(28, slept.points.size)
            assertTrue(slept.points.all { kotlin.math.abs(it.value - KitFixtures.SLEPT_H) < 1e-6 }, "${slept.points}")
            assertEquals(1, charts.sleep.series.single { it.mark == Mark.LINE }.runs.size)

            // Resting heart rate every morning; no workouts, so no load, but the bars start at 0.
            assertEquals(28, charts.restingHr.series.single().points.size)
            assertTrue(charts.load.series.single().points.all { it.value == 0.0 })

            for (chart in charts.all) {
                val axis = chart.axis!!
                val values = chart.series.flatMap { s -> s.points.map { it.value } } +
                    chart.band.flatten().flatMap { listOf(it.low, it.high) }
                assertTrue(values.all { axis.fraction(it) in 0.0..1.0 }, "${chart.title}: $axis")
            }
        }
    }

    @Test
    fun `a window before any data has no ranges to draw`() {
        AlyzeStore.open(dir.resolve("empty.db").toString()).use { store ->
            val window = trendWindow(today)
            val trends = store.readinessHistory(window.from, window.to, MemberProfile(Sex.FEMALE), defaultReadinessSettings()).trends
            val charts = trendCharts(trends)
            assertNull(charts.hrv.axis)
            assertNull(charts.restingHr.axis)
            assertTrue(charts.hrv.series.all { it.runs.isEmpty() })
        }
    }
}
