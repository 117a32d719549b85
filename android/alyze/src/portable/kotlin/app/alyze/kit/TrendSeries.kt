// The Trends screen's charts from the core's trend days (`readinessHistory(...).trends`): lnHRV
// with its 7-day mean and the normal band, resting heart rate, sleep against the need, and the
// daily training load. A day without a value leaves a gap: a line is cut into runs there rather
// than drawn across days with no data. Each chart carries its vertical range, so the Composable
// only maps day indexes and values onto its canvas.
package app.alyze.kit

import java.time.LocalDate
import uniffi.alyze.FfiTrendDay

/** The days the Trends screen shows: [days] days ending on [today], both ends inclusive. */
data class TrendWindow(val from: String, val to: String)

/** The window of [days] days (default four weeks) ending on [today]. */
fun trendWindow(today: LocalDate, days: Int = 28): TrendWindow {
    require(days >= 1) { "a window has at least one day" }
    return TrendWindow(today.minusDays((days - 1).toLong()).toString(), today.toString())
}

/** A value on day [day] (0 = the window's first day). */
data class Point(val day: Int, val value: Double)

/** The normal band on day [day]. */
data class BandPoint(val day: Int, val low: Double, val high: Double)

/** How a series is drawn: a line through its runs, a dot per day, or a bar per day from zero. */
enum class Mark { LINE, DOTS, BARS }

/** One series of a chart, cut into runs of consecutive days that have a value. */
data class Series(val label: String, val mark: Mark, val runs: List<List<Point>>) {
    val points: List<Point> get() = runs.flatten()
}

/** The vertical range of a chart. */
data class Axis(val min: Double, val max: Double) {
    /** Where [value] sits, 0 at [min] and 1 at [max]. */
    fun fraction(value: Double): Double = (value - min) / (max - min)
}

/**
 * One chart: its series over [days] days, the normal band in runs (empty when the chart has
 * none), and its vertical range; [axis] is null when no day of the window has a value.
 */
data class Chart(
    val title: String,
    val unit: String,
    val days: Int,
    val series: List<Series>,
    val band: List<List<BandPoint>>,
    val axis: Axis?,
)

/** The four charts of the Trends screen, over the same days. */
data class TrendCharts(
    /** The dates of the window, `YYYY-MM-DD`, oldest first. */
    val dates: List<String>,
    val hrv: Chart,
    val restingHr: Chart,
    val sleep: Chart,
    val load: Chart,
) {
    val all: List<Chart> get() = listOf(hrv, restingHr, sleep, load)
}

/** The charts of [trends] (one entry per day, oldest first, as the core returns them). */
fun trendCharts(trends: List<FfiTrendDay>): TrendCharts {
    val n = trends.size
    val hrvSeries = listOf(
        Series("Night", Mark.DOTS, runs(trends) { it.lnHrv }),
        Series("7-day mean", Mark.LINE, runs(trends) { it.lnHrvWeekMean }),
    )
    val band = bandRuns(trends)
    val restingSeries = listOf(Series("Resting HR", Mark.LINE, runs(trends) { it.restingHrBpm }))
    val sleepSeries = listOf(
        Series("Slept", Mark.BARS, runs(trends) { it.sleepH }),
        Series("Need", Mark.LINE, runs(trends) { it.sleepNeedH }),
    )
    val loadSeries = listOf(Series("Load", Mark.BARS, runs(trends) { it.load }))
    return TrendCharts(
        dates = trends.map { it.date },
        hrv = Chart("HRV (ln ms)", "ln ms", n, hrvSeries, band, axis(hrvSeries, band)),
        restingHr = Chart("Resting heart rate", "bpm", n, restingSeries, emptyList(), axis(restingSeries, emptyList())),
        sleep = Chart("Sleep against need", "h", n, sleepSeries, emptyList(), axis(sleepSeries, emptyList())),
        load = Chart("Training load", "AU", n, loadSeries, emptyList(), axis(loadSeries, emptyList())),
    )
}

/** The days' values of [value] in runs of consecutive days that have one. */
private fun runs(trends: List<FfiTrendDay>, value: (FfiTrendDay) -> Double?): List<List<Point>> =
    split(trends.mapIndexed { day, t -> value(t)?.let { Point(day, it) } })

/** The normal band on the days that have both of its bounds, in runs. */
private fun bandRuns(trends: List<FfiTrendDay>): List<List<BandPoint>> =
    split(
        trends.mapIndexed { day, t ->
            val low = t.normalLow
            val high = t.normalHigh
            if (low != null && high != null) BandPoint(day, low, high) else null
        },
    )

/** Consecutive non-null entries as runs; each null ends a run. */
private fun <T : Any> split(days: List<T?>): List<List<T>> {
    val runs = mutableListOf<List<T>>()
    var run = mutableListOf<T>()
    for (entry in days) {
        if (entry != null) {
            run.add(entry)
        } else if (run.isNotEmpty()) {
            runs.add(run)
            run = mutableListOf()
        }
    }
    if (run.isNotEmpty()) runs.add(run)
    return runs
}

/**
 * The range that holds every value and the band, with a margin of a twentieth each side; bars
 * start at zero, so a chart with bars always includes it. A single value gets a range of one unit
 * around it.
 */
private fun axis(series: List<Series>, band: List<List<BandPoint>>): Axis? {
    val values = series.flatMap { s -> s.points.map { it.value } } +
        band.flatten().flatMap { listOf(it.low, it.high) } +
        (if (series.any { it.mark == Mark.BARS && it.runs.isNotEmpty() }) listOf(0.0) else emptyList())
    if (values.isEmpty()) return null
    val low = values.min()
    val high = values.max()
    if (high == low) return Axis(low - 0.5, high + 0.5)
    val margin = (high - low) / 20
    return Axis(low - margin, high + margin)
}
