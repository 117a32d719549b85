// Plan: today's protocol timeline (each session's time, dose and reason; what the rules left out
// and why; the training cap of a recovery day), the training the member plans today (listed, added
// in a dialog, removed), the week's adherence, and the form to log a session the member did. A
// dose outside the safe range is refused with the range; the member may then log it as their
// clinic prescribed it. A logged session updates the plan, the week and the reminders (a session
// done is no longer reminded of); added or removed training updates the plan and the reminders (a
// plunge moves out of the hours after strength training, or back). Before the clinic's
// prescription arrives there is no plan, but training can already be planned.
package app.alyze.member

import android.app.Application
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.width
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.Button
import androidx.compose.material3.DropdownMenu
import androidx.compose.material3.DropdownMenuItem
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import androidx.lifecycle.AndroidViewModel
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import androidx.lifecycle.viewModelScope
import androidx.lifecycle.viewmodel.compose.viewModel
import app.alyze.kit.AdherenceRow
import app.alyze.kit.PlanView
import app.alyze.kit.SessionEntry
import app.alyze.kit.SessionInput
import app.alyze.kit.TrainingInput
import app.alyze.kit.TrainingRow
import app.alyze.kit.adherenceRows
import app.alyze.kit.dayTraining
import app.alyze.kit.errorText
import app.alyze.kit.loggedSession
import app.alyze.kit.modalityName
import app.alyze.kit.planView
import app.alyze.kit.plannedWorkout
import app.alyze.kit.sessionInput
import app.alyze.kit.takesTemperature
import app.alyze.kit.trainingClassName
import app.alyze.kit.trainingInput
import java.time.LocalDate
import java.time.LocalTime
import java.time.ZoneId
import java.time.format.DateTimeFormatter
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import uniffi.alyze.AlyzeException
import uniffi.alyze.RecoveryModality
import uniffi.alyze.Source
import uniffi.alyze.TrainingClass

/**
 * The day's plan, or why there is none yet ([waiting]: before the clinic's prescription arrives),
 * the training planned that day (which can be entered before), and the week's adherence.
 */
data class PlanContent(val plan: PlanView?, val waiting: String?, val training: List<TrainingRow>, val week: List<AdherenceRow>)

/** What the last attempt to log a session came to. */
sealed interface LogOutcome {
    data class Logged(val title: String) : LogOutcome

    /** The message; [overridable] holds the session when the clinic's override may log it. */
    data class Refused(val message: String, val overridable: SessionEntry?) : LogOutcome
}

/** The "Add training" dialog: closed, or open with the message of the last refusal (null: none). */
sealed interface TrainingDialog {
    data object Closed : TrainingDialog

    data class Open(val message: String?) : TrainingDialog
}

/** Loads the plan, logs sessions, and adds and removes planned training. */
class PlanViewModel(application: Application) : AndroidViewModel(application) {
    private val app = getApplication<AlyzeApplication>()
    private val state = MutableStateFlow<ScreenState<PlanContent>>(ScreenState.Loading)
    val content: StateFlow<ScreenState<PlanContent>> = state
    private val outcome = MutableStateFlow<LogOutcome?>(null)
    val lastLog: StateFlow<LogOutcome?> = outcome
    private val dialog = MutableStateFlow<TrainingDialog>(TrainingDialog.Closed)
    val trainingDialog: StateFlow<TrainingDialog> = dialog
    private val notice = MutableStateFlow<String?>(null)

    /** A refused removal, or reminders that could not be brought up to date, as the kit's message. */
    val trainingNotice: StateFlow<String?> = notice

    fun load() {
        viewModelScope.launch {
            val zone = ZoneId.systemDefault()
            val today = LocalDate.now(zone)
            val day = today.toString()
            state.value = storeCall {
                val training = dayTraining(app.store, today, zone)
                try {
                    val plan = app.store.planDays(day, day, zone.id, emptyList(), app.profile(), app.readinessSettings()).single()
                    PlanContent(planView(plan), null, training, adherenceRows(app.store.weekAdherence(day)))
                } catch (e: AlyzeException.NoPrescription) {
                    PlanContent(null, errorText(e), training, emptyList())
                }
            }
        }
    }

    fun openTraining() {
        dialog.value = TrainingDialog.Open(null)
    }

    fun closeTraining() {
        dialog.value = TrainingDialog.Closed
    }

    /** Adds today's training the dialog holds and closes it, or says in the dialog what is wrong. */
    fun addTraining(trainingClass: TrainingClass, time: String, minutes: String) {
        val zone = ZoneId.systemDefault()
        when (val input = trainingInput(trainingClass, LocalDate.now(zone), time, minutes)) {
            is TrainingInput.Unreadable -> dialog.value = TrainingDialog.Open("Please check the ${input.field}.")
            is TrainingInput.Entry -> changeTraining({ app.store.addPlannedWorkout(plannedWorkout(input.entry, zone)) }) { refused ->
                dialog.value = refused?.let { TrainingDialog.Open(it) } ?: TrainingDialog.Closed
            }
        }
    }

    fun removeTraining(id: String) {
        changeTraining({ app.store.removePlannedWorkout(id) }) { refused -> notice.value = refused }
    }

    /**
     * Makes [change] to the planned training off the main thread and hands [then] the message of a
     * refusal (null: made). Once made, the reminders follow the new plan and the plan is reloaded.
     */
    private fun changeTraining(change: () -> Unit, then: (String?) -> Unit) {
        viewModelScope.launch {
            val refused = (storeCall(change) as? ScreenState.Failed)?.message
            then(refused)
            if (refused == null) {
                notice.value = (storeCall { refreshReminders(ZoneId.systemDefault()) } as? ScreenState.Failed)?.message
                load()
            }
        }
    }

    /** Brings the reminders of today and tomorrow in [zone] to the plan (call off the main thread). */
    private fun refreshReminders(zone: ZoneId) {
        app.reminders.refresh(app.store, LocalDate.now(zone), zone.id, app.profile(), app.readinessSettings(), System.currentTimeMillis())
    }

    /** Logs what the form holds, or says which field cannot be read. */
    fun log(modality: RecoveryModality, time: String, minutes: String, temperature: String) {
        when (val input = sessionInput(modality, LocalDate.now(), time, minutes, temperature)) {
            is SessionInput.Unreadable -> outcome.value = LogOutcome.Refused("Please check the ${input.field}.", null)
            is SessionInput.Entry -> log(input.entry)
        }
    }

    /** Logs [entry]; after a refusal for the safe range, the member may send it again overridden. */
    fun log(entry: SessionEntry) {
        viewModelScope.launch {
            outcome.value = withContext(Dispatchers.IO) {
                try {
                    val zone = ZoneId.systemDefault()
                    val source = Source("alyze", app.packageName, null, null)
                    app.store.logSession(loggedSession(entry, zone), source)
                    refreshReminders(zone)
                    LogOutcome.Logged(modalityName(entry.modality))
                } catch (e: AlyzeException.DoseOutsideSafeRange) {
                    LogOutcome.Refused(errorText(e), entry.copy(clinicOverride = true))
                } catch (e: AlyzeException) {
                    LogOutcome.Refused(errorText(e), null)
                }
            }
            load()
        }
    }
}

@Composable
fun PlanScreen(model: PlanViewModel = viewModel()) {
    LaunchedEffect(Unit) { model.load() }
    val state by model.content.collectAsStateWithLifecycle()
    val lastLog by model.lastLog.collectAsStateWithLifecycle()
    val dialog by model.trainingDialog.collectAsStateWithLifecycle()
    val trainingNotice by model.trainingNotice.collectAsStateWithLifecycle()
    Column(
        Modifier.verticalScroll(rememberScrollState()).padding(16.dp),
        verticalArrangement = Arrangement.spacedBy(12.dp),
    ) {
        ScreenContent(state) { content ->
            content.plan?.let { Timeline(it) }
            content.waiting?.let { Text(it) }
            Training(content.training, trainingNotice, onAdd = model::openTraining, onRemove = model::removeTraining)
            if (content.week.isNotEmpty()) {
                Section("This week") {
                    content.week.forEach { row ->
                        Text("${row.title}: ${row.sessions}")
                        LinearProgressIndicator(progress = { row.done.toFloat() }, modifier = Modifier.fillMaxWidth())
                    }
                }
            }
        }
        LogForm(lastLog, onLog = model::log, onOverride = model::log)
    }
    (dialog as? TrainingDialog.Open)?.let { shown ->
        AddTrainingDialog(shown.message, onAdd = model::addTraining, onDismiss = model::closeTraining)
    }
}

@Composable
private fun Timeline(plan: PlanView) {
    Section("Today, ${plan.date}") {
        plan.call?.let { Text("Planned for a $it day", style = MaterialTheme.typography.labelLarge) }
        plan.guidance?.let { Text(it) }
        if (plan.rows.isEmpty()) Text("Nothing left to do today.")
        plan.rows.forEach { row ->
            Row {
                Text("${row.start}–${row.end}", Modifier.width(104.dp), style = MaterialTheme.typography.labelLarge)
                Column {
                    Text("${row.title}, ${row.dose}", style = MaterialTheme.typography.bodyLarge)
                    Text(row.why, style = MaterialTheme.typography.bodyMedium)
                    Text(row.evidence, style = MaterialTheme.typography.bodySmall)
                }
            }
        }
    }
    if (plan.dropped.isNotEmpty()) {
        Section("Left out today") {
            plan.dropped.forEach { d ->
                val booked = if (d.booked) " (booked)" else ""
                Text("${d.title}$booked: ${d.why}")
            }
        }
    }
}

@Composable
private fun Training(rows: List<TrainingRow>, notice: String?, onAdd: () -> Unit, onRemove: (String) -> Unit) {
    Section("Training") {
        Text("Cold sessions are kept out of the hours after the strength training you plan here.", style = MaterialTheme.typography.bodySmall)
        if (rows.isEmpty()) Text("No training planned today.")
        rows.forEach { row ->
            Row(verticalAlignment = Alignment.CenterVertically) {
                Text("${row.start}–${row.end}", Modifier.width(104.dp), style = MaterialTheme.typography.labelLarge)
                Text(row.title, Modifier.weight(1f), style = MaterialTheme.typography.bodyLarge)
                TextButton(onClick = { onRemove(row.id) }) { Text("Remove") }
            }
        }
        notice?.let { Text(it, color = MaterialTheme.colorScheme.error) }
        OutlinedButton(onClick = onAdd) { Text("Add training") }
    }
}

@Composable
private fun AddTrainingDialog(message: String?, onAdd: (TrainingClass, String, String) -> Unit, onDismiss: () -> Unit) {
    var trainingClass by rememberSaveable { mutableStateOf(TrainingClass.STRENGTH) }
    var choosing by remember { mutableStateOf(false) }
    var time by rememberSaveable { mutableStateOf("") }
    var minutes by rememberSaveable { mutableStateOf("60") }
    AlertDialog(
        onDismissRequest = onDismiss,
        title = { Text("Add training") },
        text = {
            Column(verticalArrangement = Arrangement.spacedBy(8.dp)) {
                OutlinedButton(onClick = { choosing = true }) { Text(trainingClassName(trainingClass)) }
                DropdownMenu(expanded = choosing, onDismissRequest = { choosing = false }) {
                    TrainingClass.entries.forEach { c ->
                        DropdownMenuItem(text = { Text(trainingClassName(c)) }, onClick = { trainingClass = c; choosing = false })
                    }
                }
                OutlinedTextField(time, { time = it }, label = { Text("Starts at (H:mm)") }, singleLine = true)
                OutlinedTextField(
                    minutes, { minutes = it },
                    label = { Text("Minutes") },
                    singleLine = true,
                    keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Number),
                )
                message?.let { Text(it, color = MaterialTheme.colorScheme.error) }
            }
        },
        confirmButton = { TextButton(onClick = { onAdd(trainingClass, time, minutes) }) { Text("Add") } },
        dismissButton = { TextButton(onClick = onDismiss) { Text("Cancel") } },
    )
}

@Composable
private fun LogForm(
    lastLog: LogOutcome?,
    onLog: (RecoveryModality, String, String, String) -> Unit,
    onOverride: (SessionEntry) -> Unit,
) {
    var modality by rememberSaveable { mutableStateOf(RecoveryModality.SAUNA) }
    var choosing by remember { mutableStateOf(false) }
    var time by rememberSaveable { mutableStateOf(LocalTime.now().format(DateTimeFormatter.ofPattern("H:mm"))) }
    var minutes by rememberSaveable { mutableStateOf("") }
    var temperature by rememberSaveable { mutableStateOf("") }
    Section("Log a session") {
        OutlinedButton(onClick = { choosing = true }) { Text(modalityName(modality)) }
        DropdownMenu(expanded = choosing, onDismissRequest = { choosing = false }) {
            RecoveryModality.entries.forEach { m ->
                DropdownMenuItem(text = { Text(modalityName(m)) }, onClick = { modality = m; choosing = false })
            }
        }
        OutlinedTextField(time, { time = it }, label = { Text("Started at (H:mm)") }, singleLine = true)
        OutlinedTextField(
            minutes, { minutes = it },
            label = { Text("Minutes") },
            singleLine = true,
            keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Decimal),
        )
        if (takesTemperature(modality)) {
            OutlinedTextField(
                temperature, { temperature = it },
                label = { Text("Temperature, °C (if known)") },
                singleLine = true,
                keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Decimal),
            )
        }
        Button(onClick = { onLog(modality, time, minutes, temperature) }) { Text("Log") }
        when (lastLog) {
            is LogOutcome.Logged -> Text("${lastLog.title} logged.")
            is LogOutcome.Refused -> {
                Text(lastLog.message, color = MaterialTheme.colorScheme.error)
                lastLog.overridable?.let { entry ->
                    TextButton(onClick = { onOverride(entry) }) { Text("My clinic prescribed this dose: log it") }
                }
            }
            null -> {}
        }
    }
}
