// What the Today screen shows of a day's readiness (`AlyzeStore.readiness`): the headline and its
// colour class, the score, one line of detail, the reasons in the core's order (most important
// first), the score's components with their normal ranges, and the flags. The call and the state
// come from the core; this only words them, so that the Composable has nothing to decide.
package app.alyze.kit

import java.util.Locale
import uniffi.alyze.ComponentName
import uniffi.alyze.FfiComponent
import uniffi.alyze.FfiDayReadiness
import uniffi.alyze.FfiFlag
import uniffi.alyze.FfiReadinessState
import uniffi.alyze.FlagCategory
import uniffi.alyze.FlagCode
import uniffi.alyze.MissingInput
import uniffi.alyze.Recommendation
import uniffi.alyze.Severity

/**
 * The colour class of a headline or a line; the app's theme maps each to a colour. A calibrating
 * or unscorable day is [NEUTRAL], never [RED]: no call was made.
 */
enum class Tone { GREEN, YELLOW, RED, NEUTRAL }

/** The Today screen of one day. */
data class TodayView(
    /** The member-local date, `YYYY-MM-DD`. */
    val date: String,
    /** "Push", "Maintain", "Recover", "Calibrating" or "Not scored today". */
    val headline: String,
    val tone: Tone,
    /** 0-100, when scored. */
    val score: Int?,
    /** One sentence under the headline: what the call means, or what the score waits for. */
    val detail: String,
    /** The core's reasons, in its order. */
    val reasons: List<ReasonLine>,
    val components: List<ComponentLine>,
    val flags: List<FlagLine>,
)

/** One reason: the core's sentence and the colour class of its severity. */
data class ReasonLine(val text: String, val tone: Tone)

/** One component of the score: what, today's value, its normal range, its points. */
data class ComponentLine(val label: String, val value: String?, val normal: String?, val points: String)

/** A flag holding on the day: what, which kind, since when (`YYYY-MM-DD`). */
data class FlagLine(val label: String, val category: String, val since: String)

/** The Today screen of [day]; numbers are written in [locale]. */
fun todayView(day: FfiDayReadiness, locale: Locale = Locale.getDefault()): TodayView {
    val (headline, tone, detail) = headline(day)
    return TodayView(
        date = day.date,
        headline = headline,
        tone = tone,
        score = day.score?.toInt(),
        detail = detail,
        reasons = day.reasons.map { ReasonLine(it.text, toneOf(it.severity)) },
        components = day.components.map { componentLine(it, locale) },
        flags = day.flags.map(::flagLine),
    )
}

/** The colour class of a call (the core's bands: green push, yellow maintain, red recover). */
fun toneOf(call: Recommendation): Tone = when (call) {
    Recommendation.PUSH -> Tone.GREEN
    Recommendation.MAINTAIN -> Tone.YELLOW
    Recommendation.RECOVER -> Tone.RED
}

/** The word for a call, as the Today and Plan screens show it. */
fun callWord(call: Recommendation): String = when (call) {
    Recommendation.PUSH -> "Push"
    Recommendation.MAINTAIN -> "Maintain"
    Recommendation.RECOVER -> "Recover"
}

private fun toneOf(severity: Severity): Tone = when (severity) {
    Severity.WARNING -> Tone.RED
    Severity.CAUTION -> Tone.YELLOW
    Severity.INFO -> Tone.NEUTRAL
    Severity.POSITIVE -> Tone.GREEN
}

private fun headline(day: FfiDayReadiness): Triple<String, Tone, String> = when (val state = day.state) {
    is FfiReadinessState.Calibrating -> {
        val nights = if (state.daysLeft == 1u) "1 more night" else "${state.daysLeft} more nights"
        Triple("Calibrating", Tone.NEUTRAL, "Learning your baseline: about $nights with HRV.")
    }
    is FfiReadinessState.Unscorable -> {
        val missing = state.missing.joinToString(", ") { missingInput(it) }
        Triple("Not scored today", Tone.NEUTRAL, "Missing: $missing.")
    }
    // A scored day always carries its call (the FFI's contract); the type cannot say so.
    FfiReadinessState.Scored -> when (val call = day.recommendation) {
        null -> Triple("Scored", Tone.NEUTRAL, "")
        else -> Triple(callWord(call), toneOf(call), meaning(call))
    }
}

private fun meaning(call: Recommendation): String = when (call) {
    Recommendation.PUSH -> "Ready for a hard session."
    Recommendation.MAINTAIN -> "Train as planned, but not harder."
    Recommendation.RECOVER -> "A recovery day: rest, easy movement and recovery sessions."
}

private fun missingInput(input: MissingInput): String = when (input) {
    MissingInput.HRV -> "HRV on enough nights this week"
}

private fun componentLine(c: FfiComponent, locale: Locale): ComponentLine {
    val normal = c.baseline?.let { b ->
        val low = b.lower
        val high = b.upper
        when {
            low != null && high != null -> "${number(low, c.unit, locale)}–${withUnit(high, c.unit, locale)}"
            low != null -> "at least ${withUnit(low, c.unit, locale)}"
            high != null -> "at most ${withUnit(high, c.unit, locale)}"
            else -> "about ${withUnit(b.mean, c.unit, locale)}"
        }
    }
    return ComponentLine(
        label = componentLabel(c.name),
        value = c.value?.let { withUnit(it, c.unit, locale) },
        normal = normal,
        points = String.format(locale, "%+.1f", c.points),
    )
}

/** A value in its unit: shares as percentages, heart rates whole, hours to a tenth. */
private fun withUnit(value: Double, unit: String, locale: Locale): String = when (unit) {
    "fraction" -> number(value, unit, locale) + " %"
    else -> number(value, unit, locale) + " " + unit
}

private fun number(value: Double, unit: String, locale: Locale): String = when (unit) {
    "fraction" -> String.format(locale, "%.0f", value * 100)
    "bpm", "days falling" -> String.format(locale, "%.0f", value)
    "h" -> String.format(locale, "%.1f", value)
    else -> String.format(locale, "%.2f", value)
}

private fun componentLabel(name: ComponentName): String = when (name) {
    ComponentName.HRV_WEEK -> "HRV, 7-day mean"
    ComponentName.HRV_TODAY -> "HRV last night"
    ComponentName.HRV_TREND -> "HRV trend"
    ComponentName.RESTING_HR -> "Resting heart rate"
    ComponentName.SLEEP -> "Sleep"
    ComponentName.SLEEP_EFFICIENCY -> "Sleep efficiency"
    ComponentName.SLEEP_DEBT -> "Sleep debt this week"
    ComponentName.CHECK_IN -> "Check-in"
    ComponentName.HS_CRP -> "hs-CRP"
    ComponentName.CREATINE_KINASE -> "Creatine kinase"
    ComponentName.ACWR -> "Acute:chronic load"
    ComponentName.TSB -> "Form (TSB)"
    ComponentName.DECISION_RULES -> "Decision rules"
}

private fun flagLine(flag: FfiFlag): FlagLine = FlagLine(
    label = when (flag.code) {
        FlagCode.HRV_SUPPRESSED_FALLING_CV -> "HRV suppressed for several days"
        FlagCode.RESTING_HR_ELEVATED -> "Resting heart rate up for several days"
        FlagCode.MONOTONY_HIGH -> "Training very monotonous"
        FlagCode.ACWR_HIGH -> "Load rising too fast"
        FlagCode.TSB_LOW -> "Form very low"
        FlagCode.WELLNESS_BAD -> "Check-ins low for over a week"
        FlagCode.INFLAMMATION_NOT_RESOLVING -> "Inflammation not resolving"
        FlagCode.ILLNESS_SUSPECTED -> "Possible illness"
    },
    category = when (flag.category) {
        FlagCategory.OVERREACHING -> "Overreaching"
        FlagCategory.ILLNESS -> "Illness"
    },
    since = flag.from,
)
