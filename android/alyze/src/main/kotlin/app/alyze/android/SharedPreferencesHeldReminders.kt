// The reminders this phone has scheduled, kept across restarts in the app's private preferences:
// the core diffs them against what the plan wants next time (`ReminderSchedule`), so the list must
// be exactly what was handed to the scheduler. One JSON array, written synchronously (`commit`):
// the background run writes it off the main thread, and a process killed right after must not
// forget an alarm it set.
package app.alyze.android

import android.content.Context
import app.alyze.kit.HeldReminders
import org.json.JSONArray
import org.json.JSONObject
import uniffi.alyze.FfiReminder

/** [HeldReminders] in the `alyze-reminders` preferences. */
class SharedPreferencesHeldReminders(context: Context) : HeldReminders {
    private val preferences = context.getSharedPreferences("alyze-reminders", Context.MODE_PRIVATE)

    override fun load(): List<FfiReminder> {
        val array = JSONArray(preferences.getString(KEY, null) ?: return emptyList())
        return (0 until array.length()).map { i ->
            val r = array.getJSONObject(i)
            FfiReminder(
                id = r.getString("id"),
                fireAtMs = r.getLong("fire_at_ms"),
                fireOffsetS = r.getInt("fire_offset_s"),
                zone = if (r.isNull("zone")) null else r.getString("zone"),
                localTime = r.getString("local_time"),
                title = r.getString("title"),
                body = r.getString("body"),
            )
        }
    }

    override fun save(reminders: List<FfiReminder>) {
        val array = JSONArray()
        for (r in reminders) {
            array.put(
                JSONObject()
                    .put("id", r.id)
                    .put("fire_at_ms", r.fireAtMs)
                    .put("fire_offset_s", r.fireOffsetS)
                    .put("zone", r.zone ?: JSONObject.NULL)
                    .put("local_time", r.localTime)
                    .put("title", r.title)
                    .put("body", r.body),
            )
        }
        check(preferences.edit().putString(KEY, array.toString()).commit()) { "the scheduled reminders could not be saved" }
    }

    private companion object {
        const val KEY = "held"
    }
}
