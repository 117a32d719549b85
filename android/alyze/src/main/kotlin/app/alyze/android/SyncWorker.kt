// The periodic background run: Health Connect read into the store, then a sync with the clinic,
// then the day's reminders brought up to date (the clinic may have changed the prescription).
// WorkManager runs it about hourly while the phone is online, and retries it with backoff when the
// clinic could not be reached; a device that is not enrolled, or was signed out, stops until the
// member acts.
package app.alyze.android

import android.content.Context
import androidx.health.connect.client.HealthConnectClient
import androidx.work.Constraints
import androidx.work.CoroutineWorker
import androidx.work.ExistingPeriodicWorkPolicy
import androidx.work.NetworkType
import androidx.work.PeriodicWorkRequestBuilder
import androidx.work.WorkManager
import androidx.work.WorkerParameters
import app.alyze.kit.HealthConnectIngest
import app.alyze.kit.ReminderSchedule
import java.time.Instant
import java.time.LocalDate
import java.time.ZoneId
import java.util.concurrent.TimeUnit
import uniffi.alyze.AlyzeException
import uniffi.alyze.AlyzeStore
import uniffi.alyze.CredentialKeeper
import uniffi.alyze.FfiReadinessSettings
import uniffi.alyze.MemberProfile
import uniffi.alyze.SyncListener
import uniffi.alyze.SyncReport

/** What the app's `Application` gives its background work. */
interface AlyzeApp {
    val store: AlyzeStore
    val keeper: CredentialKeeper
    val reminders: ReminderSchedule
    fun profile(): MemberProfile

    /** The clinic's readiness settings as last synced (`AlyzeStore.readinessSettings`). */
    fun readinessSettings(): FfiReadinessSettings
}

/**
 * One run, as the worker does it and as the app's "sync now" does it: Health Connect read into the
 * store (when it is installed and the member allowed the reads), a sync with the clinic that tells
 * [listener] its progress, then the reminders of today and tomorrow brought up to date. A failed
 * sync throws its `AlyzeException` and leaves the reminders as they are.
 */
suspend fun syncOnce(context: Context, app: AlyzeApp, listener: SyncListener): SyncReport {
    val zone = ZoneId.systemDefault()
    val today = LocalDate.now(zone)
    if (HealthConnectClient.getSdkStatus(context) == HealthConnectClient.SDK_AVAILABLE) {
        val ingest = HealthConnectIngest(app.store) { ms -> zone.rules.getOffset(Instant.ofEpochMilli(ms)).totalSeconds }
        try {
            HealthConnectReader(HealthConnectClient.getOrCreate(context), ingest).readAll()
        } catch (e: SecurityException) {
            // A permission was withdrawn: sync what there is; the app asks again when opened.
        }
    }
    val report = app.store.sync(today.toString(), app.profile(), app.readinessSettings(), app.keeper, listener)
    app.reminders.refresh(app.store, today, zone.id, app.profile(), app.readinessSettings(), System.currentTimeMillis())
    return report
}

/** Reads, syncs and reschedules; see the file's comment. */
class SyncWorker(context: Context, params: WorkerParameters) : CoroutineWorker(context, params) {
    override suspend fun doWork(): Result {
        try {
            syncOnce(applicationContext, applicationContext as AlyzeApp, Quiet)
        } catch (e: AlyzeException.SyncFailed) {
            return Result.retry()
        } catch (e: AlyzeException.NotEnrolled) {
            return Result.failure()
        } catch (e: AlyzeException.OtherMember) {
            return Result.failure()
        }
        return Result.success()
    }

    private object Quiet : SyncListener {
        override fun onPushed(pushed: ULong, remaining: ULong) {}
        override fun onPulled(pulled: ULong) {}
    }

    companion object {
        private const val NAME = "alyze-sync"

        /** Schedules the hourly run (kept if already scheduled). */
        fun schedule(context: Context) {
            val request = PeriodicWorkRequestBuilder<SyncWorker>(1, TimeUnit.HOURS)
                .setConstraints(Constraints.Builder().setRequiredNetworkType(NetworkType.CONNECTED).build())
                .build()
            WorkManager.getInstance(context).enqueueUniquePeriodicWork(NAME, ExistingPeriodicWorkPolicy.KEEP, request)
        }
    }
}
