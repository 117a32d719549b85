// Settings: Health Connect (whether it is there, which reads the member allowed, and the request
// for the rest), reminders' notifications, the clinic (enrolment with the clinic's address and a
// one-time code, "sync now", what still waits to be sent), the member's profile, and sign-out.
// Sign-out erases the store, the tokens, the reminders and the profile; while changes have not
// reached the clinic it asks first, because they would be lost.
package app.alyze.member

import android.Manifest
import android.app.Application
import android.content.Intent
import android.content.pm.PackageManager
import android.net.Uri
import android.os.Build
import android.os.RemoteException
import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.result.contract.ActivityResultContracts
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.Button
import androidx.compose.material3.ExperimentalMaterial3Api
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.SegmentedButton
import androidx.compose.material3.SegmentedButtonDefaults
import androidx.compose.material3.SingleChoiceSegmentedButtonRow
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import androidx.health.connect.client.HealthConnectClient
import androidx.health.connect.client.PermissionController
import androidx.lifecycle.AndroidViewModel
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import androidx.lifecycle.viewModelScope
import androidx.lifecycle.viewmodel.compose.viewModel
import app.alyze.android.HealthConnectReader
import app.alyze.android.syncOnce
import app.alyze.kit.ProfileEntry
import app.alyze.kit.ProfileFields
import app.alyze.kit.SignOutResult
import app.alyze.kit.errorText
import app.alyze.kit.profileEntry
import app.alyze.kit.profileError
import app.alyze.kit.profileFieldLabel
import app.alyze.kit.profileFields
import app.alyze.kit.signOut
import app.alyze.kit.signedOutText
import java.io.IOException
import java.time.LocalDate
import java.time.ZoneId
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import uniffi.alyze.AlyzeException
import uniffi.alyze.Sex
import uniffi.alyze.SyncListener

/** Whether Health Connect can be used on this phone. */
enum class HealthConnectStatus { AVAILABLE, UPDATE_REQUIRED, UNAVAILABLE }

/** What the Settings screen shows. */
data class SettingsContent(
    val healthConnect: HealthConnectStatus,
    /** The permissions to ask for, and those granted (both empty unless available). */
    val wanted: Set<String>,
    val granted: Set<String>,
    /** The clinic's address when enrolled. */
    val clinic: String?,
    /** Changes not yet received by the clinic. */
    val backlog: ULong,
    val profile: ProfileFields,
    val profileSet: Boolean,
)

/** Reads the settings and carries out the member's actions; [notice] says how the last one went. */
class SettingsViewModel(application: Application) : AndroidViewModel(application) {
    private val app = getApplication<AlyzeApplication>()
    private val state = MutableStateFlow<ScreenState<SettingsContent>>(ScreenState.Loading)
    val content: StateFlow<ScreenState<SettingsContent>> = state
    private val message = MutableStateFlow<String?>(null)
    val notice: StateFlow<String?> = message

    /** Set while the member is asked whether to lose this many unsent changes. */
    private val discard = MutableStateFlow<ULong?>(null)
    val unsentToDiscard: StateFlow<ULong?> = discard

    fun load() {
        viewModelScope.launch {
            val status = when (HealthConnectClient.getSdkStatus(app)) {
                HealthConnectClient.SDK_AVAILABLE -> HealthConnectStatus.AVAILABLE
                HealthConnectClient.SDK_UNAVAILABLE_PROVIDER_UPDATE_REQUIRED -> HealthConnectStatus.UPDATE_REQUIRED
                else -> HealthConnectStatus.UNAVAILABLE
            }
            val (wanted, granted) = if (status == HealthConnectStatus.AVAILABLE) {
                val client = HealthConnectClient.getOrCreate(app)
                val allowed = try {
                    client.permissionController.getGrantedPermissions()
                } catch (e: RemoteException) {
                    // Health Connect did not answer (being updated, say): show nothing as granted.
                    emptySet()
                }
                HealthConnectReader.permissions(client) to allowed
            } else {
                emptySet<String>() to emptySet<String>()
            }
            state.value = storeCall {
                SettingsContent(
                    healthConnect = status,
                    wanted = wanted,
                    granted = granted,
                    // Tokens that cannot be read (a Keystore key lost with a reset) are no enrolment.
                    clinic = runCatching { app.keeper.load() }.getOrNull()?.serverUrl,
                    backlog = app.store.syncBacklog(),
                    profile = profileFields(app.profile()),
                    profileSet = app.member.isSet,
                )
            }
        }
    }

    fun enrol(address: String, code: String) {
        viewModelScope.launch {
            message.value = "Enrolling…"
            try {
                app.store.enrol(address.trim(), code.trim(), Build.MODEL, app.keeper)
                message.value = "Enrolled with your clinic."
                sync()
            } catch (e: AlyzeException) {
                message.value = errorText(e)
            }
            load()
        }
    }

    fun syncNow() {
        viewModelScope.launch {
            sync()
            load()
        }
    }

    private suspend fun sync() {
        message.value = "Syncing…"
        val progress = object : SyncListener {
            override fun onPushed(pushed: ULong, remaining: ULong) {
                message.value = "Sending… $pushed sent, about $remaining to go."
            }

            override fun onPulled(pulled: ULong) {
                message.value = "Receiving… $pulled received."
            }
        }
        message.value = try {
            // The Health Connect read writes to the store synchronously: off the main thread.
            val report = withContext(Dispatchers.IO) { syncOnce(app, app, progress) }
            "Synced: ${report.pushed} changes sent, ${report.pulled} received."
        } catch (e: AlyzeException) {
            errorText(e)
        } catch (e: RemoteException) {
            "Health Connect could not be read. Please try again later."
        } catch (e: IOException) {
            "Health Connect could not be read. Please try again later."
        }
    }

    fun saveProfile(fields: ProfileFields) {
        viewModelScope.launch {
            when (val entry = profileEntry(fields)) {
                is ProfileEntry.NotANumber ->
                    message.value = "Please check ${profileFieldLabel(entry.field)}: a number, or blank if not known."
                is ProfileEntry.Valid -> {
                    val checked = storeCall {
                        profileError(app.store, entry.profile, LocalDate.now().toString(), app.readinessSettings())
                    }
                    message.value = when (checked) {
                        is ScreenState.Failed -> checked.message
                        is ScreenState.Ready -> checked.value?.let(::errorText) ?: run {
                            app.member.save(entry.profile)
                            "Profile saved."
                        }
                        ScreenState.Loading -> null
                    }
                }
            }
            load()
        }
    }

    /** Signs out; with unsent changes, only once the member [confirmed] losing them. */
    fun signOutOfPhone(confirmed: Boolean) {
        discard.value = null
        viewModelScope.launch {
            val zone = ZoneId.systemDefault()
            val result = storeCall {
                signOut(app.store, app.keeper, confirmed) {
                    app.keeper.clear()
                    app.member.clear()
                    // The erased store has no prescription: every scheduled reminder is cancelled.
                    app.reminders.refresh(app.store, LocalDate.now(zone), zone.id, app.profile(), app.readinessSettings(), System.currentTimeMillis())
                }
            }
            when (result) {
                is ScreenState.Failed -> message.value = result.message
                is ScreenState.Ready -> when (val outcome = result.value) {
                    is SignOutResult.SignedOut -> message.value = signedOutText(outcome)
                    is SignOutResult.Unsent -> discard.value = outcome.changes
                }
                ScreenState.Loading -> {}
            }
            load()
        }
    }

    fun keepData() {
        discard.value = null
    }
}

@Composable
fun SettingsScreen(model: SettingsViewModel = viewModel()) {
    LaunchedEffect(Unit) { model.load() }
    val state by model.content.collectAsStateWithLifecycle()
    val notice by model.notice.collectAsStateWithLifecycle()
    val unsent by model.unsentToDiscard.collectAsStateWithLifecycle()
    ScreenContent(state) { content ->
        Column(
            Modifier.verticalScroll(rememberScrollState()).padding(16.dp),
            verticalArrangement = Arrangement.spacedBy(12.dp),
        ) {
            notice?.let { Text(it, style = MaterialTheme.typography.bodyLarge) }
            HealthConnectSection(content, onChanged = model::load)
            NotificationsSection()
            ClinicSection(content, onEnrol = model::enrol, onSync = model::syncNow)
            ProfileSection(content.profile, content.profileSet, onSave = model::saveProfile)
            Section("Sign out") {
                Text("Erases your data, your enrolment and your reminders from this phone.")
                OutlinedButton(onClick = { model.signOutOfPhone(confirmed = false) }) { Text("Sign out") }
            }
        }
    }
    unsent?.let { changes ->
        AlertDialog(
            onDismissRequest = model::keepData,
            title = { Text("Not sent yet") },
            text = { Text("$changes changes have not reached your clinic. Signing out now loses them. Sync first to keep them.") },
            confirmButton = { TextButton(onClick = { model.signOutOfPhone(confirmed = true) }) { Text("Sign out and lose them") } },
            dismissButton = { TextButton(onClick = model::keepData) { Text("Keep my data") } },
        )
    }
}

@Composable
private fun HealthConnectSection(content: SettingsContent, onChanged: () -> Unit) {
    val context = LocalContext.current
    val request = rememberLauncherForActivityResult(PermissionController.createRequestPermissionResultContract()) { onChanged() }
    Section("Health Connect") {
        when (content.healthConnect) {
            HealthConnectStatus.UNAVAILABLE -> Text("Health Connect is not available on this phone.")
            HealthConnectStatus.UPDATE_REQUIRED -> {
                Text("Health Connect needs an update before the app can read your data.")
                Button(onClick = {
                    val store = Uri.parse("market://details?id=com.google.android.apps.healthdata&url=healthconnect%3A%2F%2Fonboarding")
                    context.startActivity(Intent(Intent.ACTION_VIEW, store).setPackage("com.android.vending"))
                }) { Text("Update Health Connect") }
            }
            HealthConnectStatus.AVAILABLE -> {
                val missing = content.wanted - content.granted
                if (missing.isEmpty()) {
                    Text("Reading sleep, heart rate, resting heart rate and HRV.")
                } else {
                    Text("${content.wanted.size - missing.size} of ${content.wanted.size} permissions allowed.")
                    Button(onClick = { request.launch(content.wanted) }) { Text("Allow access") }
                }
            }
        }
    }
}

@Composable
private fun NotificationsSection() {
    // Android 13 asks before an app may post notifications; before that they are allowed.
    if (Build.VERSION.SDK_INT < Build.VERSION_CODES.TIRAMISU) return
    val context = LocalContext.current
    var allowed by rememberSaveable {
        mutableStateOf(context.checkSelfPermission(Manifest.permission.POST_NOTIFICATIONS) == PackageManager.PERMISSION_GRANTED)
    }
    val request = rememberLauncherForActivityResult(ActivityResultContracts.RequestPermission()) { allowed = it }
    Section("Reminders") {
        if (allowed) {
            Text("Reminders of your sessions are on.")
        } else {
            Text("Allow notifications to be reminded of your sessions.")
            Button(onClick = { request.launch(Manifest.permission.POST_NOTIFICATIONS) }) { Text("Allow notifications") }
        }
    }
}

@Composable
private fun ClinicSection(content: SettingsContent, onEnrol: (String, String) -> Unit, onSync: () -> Unit) {
    var address by rememberSaveable { mutableStateOf("https://") }
    var code by rememberSaveable { mutableStateOf("") }
    Section("Clinic") {
        if (content.clinic != null) {
            Text("Enrolled with ${content.clinic}.")
            Text(if (content.backlog == 0uL) "Everything has been sent." else "${content.backlog} changes wait to be sent.")
            Button(onClick = onSync) { Text("Sync now") }
        } else {
            Text("Enrol with the address and the one-time code your clinic gave you.")
            OutlinedTextField(
                address, { address = it },
                label = { Text("Clinic address") },
                singleLine = true,
                keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Uri),
                modifier = Modifier.fillMaxWidth(),
            )
            OutlinedTextField(code, { code = it }, label = { Text("Enrolment code") }, singleLine = true, modifier = Modifier.fillMaxWidth())
            Button(onClick = { onEnrol(address, code) }, enabled = code.isNotBlank()) { Text("Enrol") }
        }
    }
}

@OptIn(ExperimentalMaterial3Api::class)
@Composable
private fun ProfileSection(saved: ProfileFields, isSet: Boolean, onSave: (ProfileFields) -> Unit) {
    var sex by rememberSaveable(saved) { mutableStateOf(saved.sex) }
    var age by rememberSaveable(saved) { mutableStateOf(saved.ageYears) }
    var resting by rememberSaveable(saved) { mutableStateOf(saved.restingHrBpm) }
    var max by rememberSaveable(saved) { mutableStateOf(saved.maxHrBpm) }
    val number = KeyboardOptions(keyboardType = KeyboardType.Decimal)
    Section("Your profile") {
        if (!isSet) Text("Until you save your sex, readiness assumes female, which errs towards recovery.")
        val sexes = listOf(Sex.FEMALE to "Female", Sex.MALE to "Male")
        SingleChoiceSegmentedButtonRow(Modifier.fillMaxWidth()) {
            sexes.forEachIndexed { index, (value, label) ->
                SegmentedButton(
                    selected = sex == value,
                    onClick = { sex = value },
                    shape = SegmentedButtonDefaults.itemShape(index = index, count = sexes.size),
                ) { Text(label) }
            }
        }
        OutlinedTextField(age, { age = it }, label = { Text("Age, years") }, singleLine = true, keyboardOptions = number)
        OutlinedTextField(resting, { resting = it }, label = { Text("Resting heart rate, bpm (if measured)") }, singleLine = true, keyboardOptions = number)
        OutlinedTextField(max, { max = it }, label = { Text("Maximum heart rate, bpm (if measured)") }, singleLine = true, keyboardOptions = number)
        Button(onClick = { onSave(ProfileFields(sex, age, resting, max)) }) { Text("Save profile") }
    }
}
