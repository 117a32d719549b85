// The app's process-wide state, which the screens and the background run share: the member's
// store, the Keystore-sealed tokens, the reminder schedule, the profile and the readiness settings
// (`AlyzeApp`, which `SyncWorker` reads). TLS is set up before anything can connect; the store is
// opened on first use, off the main thread (a database written by a newer app then shows as a
// message on the screen instead of a crash at start).
package app.alyze.member

import android.app.Application
import app.alyze.android.AlarmNotificationScheduler
import app.alyze.android.AlyzeApp
import app.alyze.android.KeystoreCredentialKeeper
import app.alyze.android.PlatformTls
import app.alyze.android.SharedPreferencesHeldReminders
import app.alyze.android.SyncWorker
import app.alyze.kit.ReminderSchedule
import java.io.File
import uniffi.alyze.AlyzeStore
import uniffi.alyze.FfiReadinessSettings
import uniffi.alyze.MemberProfile

/** The `Application` named in the manifest. */
class AlyzeApplication : Application(), AlyzeApp {
    /** In the no-backup folder: a backup restored on another phone must not carry the data. */
    override val store: AlyzeStore by lazy { AlyzeStore.open(File(noBackupFilesDir, "alyze.db").path) }

    override val keeper: KeystoreCredentialKeeper by lazy { KeystoreCredentialKeeper(this) }

    override val reminders: ReminderSchedule by lazy {
        ReminderSchedule(AlarmNotificationScheduler(this), SharedPreferencesHeldReminders(this))
    }

    /** The profile the member edits in Settings. */
    val member: MemberPreferences by lazy { MemberPreferences(this) }

    override fun onCreate() {
        super.onCreate()
        PlatformTls.initialise(this)
        SyncWorker.schedule(this)
    }

    override fun profile(): MemberProfile = member.profile()

    /**
     * The clinic's readiness settings as last synced (the documented defaults before), read from
     * the store each time, so that settings a sync brings take effect at once.
     */
    override fun readinessSettings(): FfiReadinessSettings = store.readinessSettings()
}
