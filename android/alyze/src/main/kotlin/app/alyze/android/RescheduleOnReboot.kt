// Reminders kept through a restart and a change of time zone. Android clears every alarm when the
// phone restarts, while the app's list of what it scheduled survives; without this the core's diff
// would take the reminders for still set and they would stay silent until the plan changed. A new
// time zone moves the plan's wall-clock times, so the reminders are brought up to date then too.
// The receiver only hands the work to WorkManager (no network needed): reading the store does not
// belong on a broadcast's main thread.
package app.alyze.android

import android.content.BroadcastReceiver
import android.content.Context
import android.content.Intent
import androidx.work.CoroutineWorker
import androidx.work.OneTimeWorkRequestBuilder
import androidx.work.WorkManager
import androidx.work.WorkerParameters
import java.time.LocalDate
import java.time.ZoneId

/** Starts [RescheduleWorker] after a restart (forgetting the alarms it lost) or a zone change. */
class RescheduleReceiver : BroadcastReceiver() {
    override fun onReceive(context: Context, intent: Intent) {
        val app = context.applicationContext as AlyzeApp
        when (intent.action) {
            Intent.ACTION_BOOT_COMPLETED -> app.reminders.lostAll()
            Intent.ACTION_TIMEZONE_CHANGED -> Unit
            else -> return
        }
        WorkManager.getInstance(context).enqueue(OneTimeWorkRequestBuilder<RescheduleWorker>().build())
    }
}

/** Brings the reminders of today and tomorrow up to date from the store, without a sync. */
class RescheduleWorker(context: Context, params: WorkerParameters) : CoroutineWorker(context, params) {
    override suspend fun doWork(): Result {
        val app = applicationContext as AlyzeApp
        val zone = ZoneId.systemDefault()
        app.reminders.refresh(
            app.store, LocalDate.now(zone), zone.id, app.profile(), app.readinessSettings(), System.currentTimeMillis(),
        )
        return Result.success()
    }
}
