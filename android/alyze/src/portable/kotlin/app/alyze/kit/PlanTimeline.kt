// What the Plan screen shows and sends: the day's protocol timeline (`planDays`) as rows with
// local times, doses and the reason for each; what the rules left out and why; the training cap
// of a recovery day; the week's adherence (`weekAdherence`, `logSession`) as rows; and a session
// the member typed into the log form, read and turned into the store's record in their zone. Times are shown in the
// offset the core planned them at (the member's zone on that day, across DST), not the phone's.
// The training the member plans, which moves the plan's cold sessions, is in `PlannedTraining.kt`.
package app.alyze.kit

import java.time.Instant
import java.time.LocalDate
import java.time.LocalDateTime
import java.time.LocalTime
import java.time.ZoneId
import java.time.ZoneOffset
import java.time.format.DateTimeFormatter
import java.time.format.DateTimeParseException
import java.util.Locale
import uniffi.alyze.FfiDayPlan
import uniffi.alyze.FfiDose
import uniffi.alyze.FfiLoggedSession
import uniffi.alyze.FfiPlanItem
import uniffi.alyze.FfiWeekAdherence
import uniffi.alyze.RecoveryModality

/** The Plan screen of one day. */
data class PlanView(
    /** The local date, `YYYY-MM-DD`. */
    val date: String,
    /** The readiness call the plan followed ("Push", "Maintain", "Recover"); null when unscored. */
    val call: String?,
    val rows: List<TimelineRow>,
    val dropped: List<DroppedRow>,
    /** The training cap of a recovery day, a sentence. */
    val guidance: String?,
)

/** One planned session: local start and end (`HH:mm`), what, how much, why. */
data class TimelineRow(
    val start: String,
    val end: String,
    val title: String,
    val dose: String,
    val why: String,
    val evidence: String,
)

/** Something prescribed that the rules kept off the day, and why. */
data class DroppedRow(val title: String, val booked: Boolean, val why: String)

/** One weekly target: sessions done against the target, and the share done (capped at 1, for a bar). */
data class AdherenceRow(val title: String, val sessions: String, val done: Double)

/** The Plan screen of [plan]; numbers are written in [locale]. */
fun planView(plan: FfiDayPlan, locale: Locale = Locale.getDefault()): PlanView = PlanView(
    date = plan.date,
    call = plan.readiness?.let(::callWord),
    rows = plan.items.map { timelineRow(it, locale) },
    dropped = plan.dropped.map { DroppedRow(modalityName(it.modality), it.booked, it.reasonText) },
    guidance = plan.guidance?.text,
)

/** The week's targets, in the prescription's order. */
fun adherenceRows(week: FfiWeekAdherence): List<AdherenceRow> = week.targets.map { t ->
    AdherenceRow(
        title = modalityName(t.modality),
        sessions = "${t.sessionsDone} of ${t.sessionsTarget}",
        done = (t.sessionsPercent / 100).coerceIn(0.0, 1.0),
    )
}

/** A modality as the member reads it. */
fun modalityName(modality: RecoveryModality): String = when (modality) {
    RecoveryModality.SAUNA -> "Sauna"
    RecoveryModality.COLD_PLUNGE -> "Cold plunge"
    RecoveryModality.CONTRAST -> "Contrast"
    RecoveryModality.RED_LIGHT -> "Red light"
    RecoveryModality.PEMF -> "PEMF"
    RecoveryModality.BREATHWORK -> "Breathwork"
}

/** Whether a logged session of [modality] carries a temperature (the sauna's air, the plunge's water). */
fun takesTemperature(modality: RecoveryModality): Boolean =
    modality == RecoveryModality.SAUNA || modality == RecoveryModality.COLD_PLUNGE

/** A dose in words, for example "3 min at 6 °C". */
fun doseText(dose: FfiDose, locale: Locale = Locale.getDefault()): String {
    fun n(value: Double) = if (value == Math.rint(value)) String.format(locale, "%.0f", value) else String.format(locale, "%.1f", value)
    return when (dose) {
        is FfiDose.Sauna -> "${n(dose.minutes)} min at ${n(dose.temperatureC)} °C"
        is FfiDose.ColdPlunge -> "${n(dose.minutes)} min at ${n(dose.temperatureC)} °C"
        is FfiDose.Contrast ->
            "${dose.rounds} rounds: ${n(dose.saunaMinutes)} min at ${n(dose.saunaC)} °C, " +
                "${n(dose.plungeMinutes)} min at ${n(dose.plungeC)} °C"
        is FfiDose.RedLight -> dose.wavelengthNm?.let { "${n(dose.minutes)} min at ${n(it)} nm" } ?: "${n(dose.minutes)} min"
        is FfiDose.Pemf -> "${n(dose.minutes)} min"
        is FfiDose.Breathwork -> "${n(dose.minutes)} min at ${n(dose.breathsPerMin)} breaths/min"
    }
}

/** A session the member entered: what, when (their wall clock), how long, how hot or cold. */
data class SessionEntry(
    val modality: RecoveryModality,
    val start: LocalDateTime,
    val minutes: Double,
    /** Used only where [takesTemperature]. */
    val temperatureC: Double?,
    /** The clinic prescribed this dose outside the safe ranges. */
    val clinicOverride: Boolean = false,
)

/** What the log form's fields give: a session, or the field that cannot be read. */
sealed interface SessionInput {
    data class Entry(val entry: SessionEntry) : SessionInput

    /** [field] is `time`, `minutes` or `temperature`. */
    data class Unreadable(val field: String) : SessionInput
}

/**
 * The session of the log form: started at [time] (`H:mm`) on [date], lasting [minutes], at
 * [temperatureC] where the modality takes one (blank: not known). A decimal comma is read as a
 * point. The dose itself is the core's to check when it is logged.
 */
fun sessionInput(modality: RecoveryModality, date: LocalDate, time: String, minutes: String, temperatureC: String): SessionInput {
    val start = typedTime(time) ?: return SessionInput.Unreadable("time")
    val length = number(minutes) ?: return SessionInput.Unreadable("minutes")
    val temperature = when {
        !takesTemperature(modality) || temperatureC.isBlank() -> null
        else -> number(temperatureC) ?: return SessionInput.Unreadable("temperature")
    }
    return SessionInput.Entry(SessionEntry(modality, date.atTime(start), length, temperature))
}

private fun number(text: String): Double? = text.trim().replace(',', '.').toDoubleOrNull()

/** A time of day the member typed (`H:mm`, so `7:10` or `07:10`), or null when it cannot be read. */
internal fun typedTime(text: String): LocalTime? = try {
    LocalTime.parse(text.trim(), DateTimeFormatter.ofPattern("H:mm"))
} catch (e: DateTimeParseException) {
    null
}

/** The store's record of [entry], started at its wall-clock time in [zone]. */
fun loggedSession(entry: SessionEntry, zone: ZoneId): FfiLoggedSession {
    val start = entry.start.atZone(zone)
    return FfiLoggedSession(
        modality = entry.modality,
        startMs = start.toInstant().toEpochMilli(),
        startOffsetS = start.offset.totalSeconds,
        zone = zone.id,
        minutes = entry.minutes,
        temperatureC = entry.temperatureC.takeIf { takesTemperature(entry.modality) },
        clinicOverride = entry.clinicOverride,
    )
}

/** A wall-clock time as the Plan screen writes it. */
internal val clock: DateTimeFormatter = DateTimeFormatter.ofPattern("HH:mm")

private fun localTime(ms: Long, offsetS: Int): String =
    Instant.ofEpochMilli(ms).atOffset(ZoneOffset.ofTotalSeconds(offsetS)).format(clock)

private fun timelineRow(item: FfiPlanItem, locale: Locale) = TimelineRow(
    start = localTime(item.startMs, item.startOffsetS),
    end = localTime(item.endMs, item.endOffsetS),
    title = modalityName(item.modality),
    dose = doseText(item.dose, locale),
    why = item.reasonText,
    evidence = item.evidence,
)
