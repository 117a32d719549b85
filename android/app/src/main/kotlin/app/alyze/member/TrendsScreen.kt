// Trends: the last four weeks as four charts drawn on a Canvas (no chart library): lnHRV nights
// as dots with their 7-day mean as a line over the shaded normal band, resting heart rate, sleep as
// bars against the need, and the daily training load. Days without a value are left blank; the
// series, runs and ranges come from the kit (`trendCharts`), so this only maps them onto pixels.
package app.alyze.member

import android.app.Application
import androidx.compose.foundation.Canvas
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.height
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.geometry.Offset
import androidx.compose.ui.geometry.Size
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.graphics.Path
import androidx.compose.ui.graphics.drawscope.DrawScope
import androidx.compose.ui.graphics.drawscope.Stroke
import androidx.compose.ui.unit.dp
import androidx.lifecycle.AndroidViewModel
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import androidx.lifecycle.viewModelScope
import androidx.lifecycle.viewmodel.compose.viewModel
import app.alyze.kit.Axis
import app.alyze.kit.Chart
import app.alyze.kit.Mark
import app.alyze.kit.Point
import app.alyze.kit.TrendCharts
import app.alyze.kit.trendCharts
import app.alyze.kit.trendWindow
import java.time.LocalDate
import java.util.Locale
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.launch

/** Loads four weeks of trends. */
class TrendsViewModel(application: Application) : AndroidViewModel(application) {
    private val app = getApplication<AlyzeApplication>()
    private val state = MutableStateFlow<ScreenState<TrendCharts>>(ScreenState.Loading)
    val charts: StateFlow<ScreenState<TrendCharts>> = state

    fun load() {
        viewModelScope.launch {
            val window = trendWindow(LocalDate.now())
            state.value = storeCall {
                trendCharts(app.store.readinessHistory(window.from, window.to, app.profile(), app.readinessSettings()).trends)
            }
        }
    }
}

@Composable
fun TrendsScreen(model: TrendsViewModel = viewModel()) {
    LaunchedEffect(Unit) { model.load() }
    val state by model.charts.collectAsStateWithLifecycle()
    ScreenContent(state) { charts ->
        Column(
            Modifier.verticalScroll(rememberScrollState()).padding(16.dp),
            verticalArrangement = Arrangement.spacedBy(12.dp),
        ) {
            Text("${charts.dates.first()} to ${charts.dates.last()}", style = MaterialTheme.typography.labelLarge)
            charts.all.forEach { ChartCard(it) }
        }
    }
}

@Composable
private fun ChartCard(chart: Chart) {
    val colours = listOf(MaterialTheme.colorScheme.primary, MaterialTheme.colorScheme.tertiary)
    val band = MaterialTheme.colorScheme.primary.copy(alpha = 0.15f)
    Section(chart.title) {
        val axis = chart.axis
        if (axis == null) {
            Text("No data in these four weeks.")
        } else {
            Text(
                String.format(Locale.getDefault(), "%.1f to %.1f %s", axis.min, axis.max, chart.unit),
                style = MaterialTheme.typography.bodySmall,
            )
            Canvas(Modifier.fillMaxWidth().height(140.dp)) {
                val plot = Plot(chart.days, axis, size)
                chart.band.forEach { run -> drawBand(plot, run.map { Triple(it.day, it.low, it.high) }, band) }
                chart.series.forEachIndexed { i, series ->
                    val colour = colours[i % colours.size]
                    series.runs.forEach { run ->
                        when (series.mark) {
                            Mark.LINE -> drawRun(plot, run, colour)
                            Mark.DOTS -> run.forEach { drawCircle(colour, 3.dp.toPx(), plot.at(it)) }
                            Mark.BARS -> run.forEach { drawBar(plot, it, colour) }
                        }
                    }
                }
            }
            Row(horizontalArrangement = Arrangement.spacedBy(16.dp)) {
                chart.series.forEachIndexed { i, series ->
                    Text(series.label, color = colours[i % colours.size], style = MaterialTheme.typography.bodySmall)
                }
                if (chart.band.isNotEmpty()) Text("Normal range (shaded)", style = MaterialTheme.typography.bodySmall)
            }
        }
    }
}

/** Day indexes and values onto a canvas of [size]: each day a column, its centre the day's x. */
private class Plot(private val days: Int, private val axis: Axis, private val size: Size) {
    val column: Float get() = size.width / days

    fun x(day: Int): Float = (day + 0.5f) * column

    fun y(value: Double): Float = size.height * (1 - axis.fraction(value)).toFloat()

    fun at(point: Point) = Offset(x(point.day), y(point.value))
}

/** A run of days as a line (one day alone as a dot). */
private fun DrawScope.drawRun(plot: Plot, run: List<Point>, colour: Color) {
    if (run.size == 1) {
        drawCircle(colour, 2.dp.toPx(), plot.at(run.single()))
        return
    }
    val path = Path()
    run.forEachIndexed { i, p -> if (i == 0) path.moveTo(plot.x(p.day), plot.y(p.value)) else path.lineTo(plot.x(p.day), plot.y(p.value)) }
    drawPath(path, colour, style = Stroke(width = 2.dp.toPx()))
}

/** A day's bar, from zero to its value. */
private fun DrawScope.drawBar(plot: Plot, point: Point, colour: Color) {
    val top = minOf(plot.y(point.value), plot.y(0.0))
    val height = kotlin.math.abs(plot.y(point.value) - plot.y(0.0))
    val width = plot.column * 0.6f
    drawRect(colour.copy(alpha = 0.6f), Offset(plot.x(point.day) - width / 2, top), Size(width, height))
}

/** The band over a run of days (day, low, high): a closed shape along the highs and back along the lows. */
private fun DrawScope.drawBand(plot: Plot, run: List<Triple<Int, Double, Double>>, colour: Color) {
    val half = plot.column / 2
    val path = Path()
    // Each day's band spans its whole column, so a run of one day is still visible.
    run.forEachIndexed { i, (day, _, high) ->
        val y = plot.y(high)
        if (i == 0) path.moveTo(plot.x(day) - half, y) else path.lineTo(plot.x(day) - half, y)
        path.lineTo(plot.x(day) + half, y)
    }
    run.asReversed().forEach { (day, low, _) ->
        val y = plot.y(low)
        path.lineTo(plot.x(day) + half, y)
        path.lineTo(plot.x(day) - half, y)
    }
    path.close()
    drawPath(path, colour)
}
