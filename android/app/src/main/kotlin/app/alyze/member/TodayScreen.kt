// Today: the day's readiness. The headline (push, maintain, recover; or calibrating with the
// nights left, or not scored with what is missing) in its colour, the score, the reasons in the
// core's order, the score's components against their normal ranges, and any overreaching or
// illness flag. Read again each time the screen is shown, so that a check-in just saved counts.
package app.alyze.member

import android.app.Application
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.Spacer
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.layout.width
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.shape.CircleShape
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Card
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.unit.dp
import androidx.lifecycle.AndroidViewModel
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import androidx.lifecycle.viewModelScope
import androidx.lifecycle.viewmodel.compose.viewModel
import app.alyze.kit.TodayView
import app.alyze.kit.todayView
import java.time.LocalDate
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.launch

/** Loads today's readiness. */
class TodayViewModel(application: Application) : AndroidViewModel(application) {
    private val app = getApplication<AlyzeApplication>()
    private val state = MutableStateFlow<ScreenState<TodayView>>(ScreenState.Loading)
    val today: StateFlow<ScreenState<TodayView>> = state

    /** Whether the member has yet to set their profile. */
    val profileMissing: Boolean get() = !app.member.isSet

    fun load() {
        viewModelScope.launch {
            state.value = storeCall {
                todayView(app.store.readiness(LocalDate.now().toString(), app.profile(), app.readinessSettings()))
            }
        }
    }
}

@Composable
fun TodayScreen(model: TodayViewModel = viewModel()) {
    LaunchedEffect(Unit) { model.load() }
    val state by model.today.collectAsStateWithLifecycle()
    ScreenContent(state) { view ->
        Column(
            Modifier.verticalScroll(rememberScrollState()).padding(16.dp),
            verticalArrangement = Arrangement.spacedBy(12.dp),
        ) {
            Text(view.date, style = MaterialTheme.typography.labelLarge)
            Headline(view)
            if (model.profileMissing) {
                Text("Assessed as female until you set your profile in Settings.")
            }
            if (view.reasons.isNotEmpty()) {
                Section("Why") {
                    view.reasons.forEach { reason ->
                        Row(verticalAlignment = Alignment.CenterVertically) {
                            Surface(Modifier.size(10.dp), shape = CircleShape, color = toneColor(reason.tone)) {}
                            Spacer(Modifier.width(8.dp))
                            Text(reason.text)
                        }
                    }
                }
            }
            if (view.components.isNotEmpty()) {
                Section("What went into the score") {
                    view.components.forEach { c ->
                        Row(Modifier.fillMaxWidth(), horizontalArrangement = Arrangement.SpaceBetween) {
                            Column(Modifier.weight(1f)) {
                                Text(c.label)
                                c.normal?.let { Text("Normal: $it", style = MaterialTheme.typography.bodySmall) }
                            }
                            Text(listOfNotNull(c.value, c.points).joinToString("  "))
                        }
                    }
                }
            }
            if (view.flags.isNotEmpty()) {
                Section("Flags") {
                    view.flags.forEach { f -> Text("${f.category}: ${f.label} (since ${f.since})") }
                }
            }
        }
    }
}

@Composable
private fun Headline(view: TodayView) {
    Card(Modifier.fillMaxWidth()) {
        Column(Modifier.padding(16.dp)) {
            Row(verticalAlignment = Alignment.CenterVertically) {
                Text(view.headline, style = MaterialTheme.typography.headlineLarge, color = toneColor(view.tone))
                view.score?.let {
                    Spacer(Modifier.weight(1f))
                    Text("$it", style = MaterialTheme.typography.displaySmall, color = toneColor(view.tone))
                }
            }
            if (view.detail.isNotEmpty()) Text(view.detail)
        }
    }
}
