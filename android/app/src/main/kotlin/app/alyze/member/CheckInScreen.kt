// Check-in: the clinic's wellness questionnaire (McLean or Hooper, as the clinic chose), one row
// of choices per item with the words for both ends of its scale. Save is offered once every item
// is answered; the check-in counts for today, and saving again today replaces it. Today's
// readiness takes it into account the next time the Today screen is shown.
package app.alyze.member

import android.app.Application
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.ExperimentalMaterial3Api
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.SegmentedButton
import androidx.compose.material3.SegmentedButtonDefaults
import androidx.compose.material3.SingleChoiceSegmentedButtonRow
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.unit.dp
import androidx.lifecycle.AndroidViewModel
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import androidx.lifecycle.viewModelScope
import androidx.lifecycle.viewmodel.compose.viewModel
import app.alyze.kit.CheckInForm
import app.alyze.kit.CheckInItem
import java.time.ZonedDateTime
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.launch
import uniffi.alyze.Source

/** The questionnaire, the answers so far, and the outcome of the last save. */
class CheckInViewModel(application: Application) : AndroidViewModel(application) {
    private val app = getApplication<AlyzeApplication>()
    private val state = MutableStateFlow<ScreenState<CheckInForm>>(ScreenState.Loading)
    val form: StateFlow<ScreenState<CheckInForm>> = state
    private val saved = MutableStateFlow<String?>(null)
    val lastSave: StateFlow<String?> = saved

    fun load() {
        viewModelScope.launch {
            val asked = storeCall { app.store.checkInQuestionnaire() }
            val current = state.value
            state.value = when (asked) {
                // A form already started is kept when the member comes back to the screen, unless
                // the clinic changed the questionnaire meanwhile.
                is ScreenState.Ready ->
                    if (current is ScreenState.Ready && current.value.questionnaire == asked.value) current
                    else ScreenState.Ready(CheckInForm(asked.value))
                is ScreenState.Failed -> asked
                ScreenState.Loading -> ScreenState.Loading
            }
        }
    }

    fun answer(item: CheckInItem, value: Int) {
        val current = state.value
        if (current is ScreenState.Ready) state.value = ScreenState.Ready(current.value.with(item.key, value))
    }

    fun save() {
        val current = state.value
        val answers = (if (current is ScreenState.Ready) current.value.answers() else null) ?: return
        viewModelScope.launch {
            val now = ZonedDateTime.now()
            val source = Source("alyze", app.packageName, null, null)
            val result = storeCall {
                app.store.recordCheckIn(now.toInstant().toEpochMilli(), now.offset.totalSeconds, now.zone.id, answers, source)
            }
            saved.value = when (result) {
                is ScreenState.Failed -> result.message
                else -> "Saved for today. Saving again today replaces it."
            }
        }
    }
}

@Composable
fun CheckInScreen(model: CheckInViewModel = viewModel()) {
    LaunchedEffect(Unit) { model.load() }
    val state by model.form.collectAsStateWithLifecycle()
    val lastSave by model.lastSave.collectAsStateWithLifecycle()
    ScreenContent(state) { form ->
        Column(
            Modifier.verticalScroll(rememberScrollState()).padding(16.dp),
            verticalArrangement = Arrangement.spacedBy(12.dp),
        ) {
            Text("How do you feel this morning?", style = MaterialTheme.typography.titleLarge)
            form.items.forEach { item -> ItemRow(item, form.values[item.key]) { model.answer(item, it) } }
            Button(onClick = model::save, enabled = form.complete) { Text("Save check-in") }
            lastSave?.let { Text(it) }
        }
    }
}

@OptIn(ExperimentalMaterial3Api::class)
@Composable
private fun ItemRow(item: CheckInItem, value: Int?, onAnswer: (Int) -> Unit) {
    Section(item.question) {
        val ratings = (item.low..item.high).toList()
        SingleChoiceSegmentedButtonRow(Modifier.fillMaxWidth()) {
            ratings.forEachIndexed { index, rating ->
                SegmentedButton(
                    selected = rating == value,
                    onClick = { onAnswer(rating) },
                    shape = SegmentedButtonDefaults.itemShape(index = index, count = ratings.size),
                ) { Text("$rating") }
            }
        }
        // The two questionnaires run opposite ways (McLean 5 best, Hooper 1 best): say which.
        fun end(rating: Int, label: String) = if (rating == item.best) "$rating: $label (best)" else "$rating: $label"
        Row(Modifier.fillMaxWidth(), horizontalArrangement = Arrangement.SpaceBetween) {
            Text(end(item.low, item.lowLabel), style = MaterialTheme.typography.bodySmall)
            Text(end(item.high, item.highLabel), style = MaterialTheme.typography.bodySmall)
        }
    }
}
