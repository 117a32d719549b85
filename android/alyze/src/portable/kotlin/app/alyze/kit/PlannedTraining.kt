// The training the member plans, as the Plan screen shows and sends it: the store keeps it
// (`addPlannedWorkout`, `plannedWorkouts`, `removePlannedWorkout`) and every plan and reminder
// counts it, so a plunge is never planned into the hours after a strength session still to come.
// Here: the "Add training" entry (date, start time, minutes, class) read and turned into the
// store's record in the member's zone, DST-safe, and the day's planned training as rows with local
// times and a label per class, each with the id that removes it. After adding or removing, the app
// reloads the plan and refreshes the reminders (`ReminderSchedule.refresh`).
package app.alyze.kit

import java.time.Duration
import java.time.Instant
import java.time.LocalDate
import java.time.LocalDateTime
import java.time.ZoneId
import uniffi.alyze.AlyzeStore
import uniffi.alyze.FfiPlannedWorkout
import uniffi.alyze.FfiStoredPlannedWorkout
import uniffi.alyze.TrainingClass

/** A training class as the member reads it. */
fun trainingClassName(trainingClass: TrainingClass): String = when (trainingClass) {
    TrainingClass.STRENGTH -> "Strength"
    TrainingClass.ENDURANCE -> "Endurance"
    TrainingClass.INTERVALS -> "Intervals"
    TrainingClass.MOBILITY -> "Mobility"
    TrainingClass.OTHER -> "Other training"
}

/** Training the member plans: when it starts (their wall clock), for how many minutes, what kind. */
data class TrainingEntry(val start: LocalDateTime, val minutes: Int, val trainingClass: TrainingClass)

/** What the "Add training" fields give: an entry, or the field that cannot be read. */
sealed interface TrainingInput {
    data class Entry(val entry: TrainingEntry) : TrainingInput

    /** [field] is `time` or `minutes`. */
    data class Unreadable(val field: String) : TrainingInput
}

/**
 * The training of the "Add training" dialog: [trainingClass] starting at [time] (`H:mm`) on
 * [date], lasting [minutes] (whole minutes). Whether the length can be planned (more than
 * nothing, less than a day) is the store's to check when it is added.
 */
fun trainingInput(trainingClass: TrainingClass, date: LocalDate, time: String, minutes: String): TrainingInput {
    val start = typedTime(time) ?: return TrainingInput.Unreadable("time")
    val length = minutes.trim().toIntOrNull() ?: return TrainingInput.Unreadable("minutes")
    return TrainingInput.Entry(TrainingEntry(date.atTime(start), length, trainingClass))
}

/**
 * The store's record of [entry]: it starts at its wall-clock time in [zone] and ends its minutes
 * later in elapsed time, each end with the offset [zone] has at that instant (so a session across
 * a DST change ends at the other offset). A start in the hour the clocks skip is moved forward by
 * that hour, as a logged session's is.
 */
fun plannedWorkout(entry: TrainingEntry, zone: ZoneId): FfiPlannedWorkout {
    val start = entry.start.atZone(zone)
    val end = start.toInstant().plus(Duration.ofMinutes(entry.minutes.toLong())).atZone(zone)
    return FfiPlannedWorkout(
        startMs = start.toInstant().toEpochMilli(),
        startOffsetS = start.offset.totalSeconds,
        endMs = end.toInstant().toEpochMilli(),
        endOffsetS = end.offset.totalSeconds,
        trainingClass = entry.trainingClass,
    )
}

/** One planned training: the id that removes it, local start and end (`HH:mm`), what kind. */
data class TrainingRow(val id: String, val start: String, val end: String, val title: String)

/** [stored] as rows, on the wall clock of [zone], the zone the day's plan is made in. */
fun trainingRows(stored: List<FfiStoredPlannedWorkout>, zone: ZoneId): List<TrainingRow> = stored.map { s ->
    fun local(ms: Long) = Instant.ofEpochMilli(ms).atZone(zone).format(clock)
    TrainingRow(s.id, local(s.workout.startMs), local(s.workout.endMs), trainingClassName(s.workout.trainingClass))
}

/** The training planned on the local day [date] in [zone] (each that overlaps it), by start. */
fun dayTraining(store: AlyzeStore, date: LocalDate, zone: ZoneId): List<TrainingRow> {
    val from = date.atStartOfDay(zone).toInstant().toEpochMilli()
    val to = date.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli()
    return trainingRows(store.plannedWorkouts(from, to), zone)
}
