// The plan's reminders as Android notifications: each reminder an alarm (AlarmManager) that fires
// `ReminderReceiver`, which posts the notification. Exact alarms when the app may set them
// (Android 12+ asks the user), else inexact ones that Doze may delay by some minutes. The core
// decides what to remind of and when; this only schedules and cancels by the reminder's id.
package app.alyze.android

import android.app.AlarmManager
import android.app.Notification
import android.app.NotificationChannel
import android.app.NotificationManager
import android.app.PendingIntent
import android.content.BroadcastReceiver
import android.content.Context
import android.content.Intent
import android.os.Build
import app.alyze.kit.NotificationScheduler
import uniffi.alyze.FfiReminder

/** Schedules and cancels reminder alarms. */
class AlarmNotificationScheduler(private val context: Context) : NotificationScheduler {
    private val alarms: AlarmManager = context.service()

    override fun schedule(reminder: FfiReminder) {
        val intent = Intent(context, ReminderReceiver::class.java)
            .putExtra(EXTRA_ID, reminder.id)
            .putExtra(EXTRA_TITLE, reminder.title)
            .putExtra(EXTRA_BODY, reminder.body)
        val pending = pendingIntent(reminder.id, intent)
        val exact = Build.VERSION.SDK_INT < Build.VERSION_CODES.S || alarms.canScheduleExactAlarms()
        if (exact) {
            alarms.setExactAndAllowWhileIdle(AlarmManager.RTC_WAKEUP, reminder.fireAtMs, pending)
        } else {
            alarms.setAndAllowWhileIdle(AlarmManager.RTC_WAKEUP, reminder.fireAtMs, pending)
        }
    }

    override fun cancel(id: String) {
        alarms.cancel(pendingIntent(id, Intent(context, ReminderReceiver::class.java)))
        context.service<NotificationManager>().cancel(id, NOTIFICATION_ID)
    }

    /** One alarm per reminder id: the id's hash tells them apart, and the id rides along. */
    private fun pendingIntent(id: String, intent: Intent): PendingIntent =
        PendingIntent.getBroadcast(
            context,
            id.hashCode(),
            intent.setIdentifier(id),
            PendingIntent.FLAG_UPDATE_CURRENT or PendingIntent.FLAG_IMMUTABLE,
        )

    internal companion object {
        const val EXTRA_ID = "app.alyze.reminder.id"
        const val EXTRA_TITLE = "app.alyze.reminder.title"
        const val EXTRA_BODY = "app.alyze.reminder.body"
        const val CHANNEL = "recovery-reminders"
        const val NOTIFICATION_ID = 1
    }
}

/** Posts a reminder's notification when its alarm fires. */
class ReminderReceiver : BroadcastReceiver() {
    override fun onReceive(context: Context, intent: Intent) {
        val id = intent.getStringExtra(AlarmNotificationScheduler.EXTRA_ID) ?: return
        val notifications: NotificationManager = context.service()
        notifications.createNotificationChannel(
            NotificationChannel(AlarmNotificationScheduler.CHANNEL, "Recovery reminders", NotificationManager.IMPORTANCE_DEFAULT),
        )
        val notification = Notification.Builder(context, AlarmNotificationScheduler.CHANNEL)
            .setSmallIcon(android.R.drawable.ic_popup_reminder)
            .setContentTitle(intent.getStringExtra(AlarmNotificationScheduler.EXTRA_TITLE))
            .setContentText(intent.getStringExtra(AlarmNotificationScheduler.EXTRA_BODY))
            .setAutoCancel(true)
            .build()
        notifications.notify(id, AlarmNotificationScheduler.NOTIFICATION_ID, notification)
    }
}

/** A system service every phone has (the framework declares the lookup nullable for all). */
private inline fun <reified T : Any> Context.service(): T =
    checkNotNull(getSystemService(T::class.java)) { "no ${T::class.java.simpleName} on this device" }
