// The Check-in screen's questionnaire: the items of the one the clinic chose
// (`checkInQuestionnaire`), each with its scale and the words at both ends, and the member's
// answers as the store takes them (`recordCheckIn`). McLean et al. 2010: five items rated 1-5,
// 5 best; Hooper & Mackinnon 1995: four items rated 1-7, 1 best (core `health/checkin.rs`). The
// form starts unanswered, so that nothing is saved that the member did not choose.
package app.alyze.kit

import uniffi.alyze.CheckInAnswers
import uniffi.alyze.Questionnaire

/**
 * One item: [key] is the questionnaire's field as the store names it (an item refused is named
 * `answers.<key>`), rated [low]..[high] with [best] the best state.
 */
data class CheckInItem(
    val key: String,
    val question: String,
    val low: Int,
    val high: Int,
    val best: Int,
    /** What [low] means. */
    val lowLabel: String,
    /** What [high] means. */
    val highLabel: String,
)

/** The items of [questionnaire], in the paper's order. */
fun checkInItems(questionnaire: Questionnaire): List<CheckInItem> = when (questionnaire) {
    Questionnaire.MC_LEAN -> listOf(
        mcLean("fatigue", "Fatigue", "Always tired", "Very fresh"),
        mcLean("sleep_quality", "Sleep quality", "Insomnia", "Very restful"),
        mcLean("soreness", "Muscle soreness", "Very sore", "Feeling great"),
        mcLean("stress", "Stress", "Highly stressed", "Very relaxed"),
        mcLean("mood", "Mood", "Highly annoyed, irritable, down", "Very positive"),
    )
    Questionnaire.HOOPER -> listOf(
        hooper("sleep", "Sleep quality", "Very, very good", "Very, very bad"),
        hooper("stress", "Stress", "Very, very low", "Very, very high"),
        hooper("fatigue", "Fatigue", "Very, very low", "Very, very high"),
        hooper("soreness", "Muscle soreness", "Very, very low", "Very, very high"),
    )
}

private fun mcLean(key: String, question: String, low: String, high: String) =
    CheckInItem(key, question, low = 1, high = 5, best = 5, lowLabel = low, highLabel = high)

private fun hooper(key: String, question: String, low: String, high: String) =
    CheckInItem(key, question, low = 1, high = 7, best = 1, lowLabel = low, highLabel = high)

/** The member's answers so far to [questionnaire], by item key. */
data class CheckInForm(val questionnaire: Questionnaire, val values: Map<String, Int> = emptyMap()) {
    val items: List<CheckInItem> get() = checkInItems(questionnaire)

    /** The form with [key] answered [value], which must lie on the item's scale. */
    fun with(key: String, value: Int): CheckInForm {
        val item = items.single { it.key == key }
        require(value in item.low..item.high) { "${item.key} is rated ${item.low} to ${item.high}" }
        return copy(values = values + (key to value))
    }

    /** Whether every item is answered. */
    val complete: Boolean get() = items.all { it.key in values }

    /** The answers, once [complete]; null before. */
    fun answers(): CheckInAnswers? = if (complete) checkInAnswers(questionnaire, values) else null
}

/**
 * [values] (every item of [questionnaire], by key) as the store's answers. Unchecked: the store
 * refuses an item off its scale, naming it.
 */
fun checkInAnswers(questionnaire: Questionnaire, values: Map<String, Int>): CheckInAnswers {
    fun item(key: String): UByte = values.getValue(key).toUByte()
    return when (questionnaire) {
        Questionnaire.MC_LEAN -> CheckInAnswers.McLean(
            fatigue = item("fatigue"),
            sleepQuality = item("sleep_quality"),
            soreness = item("soreness"),
            stress = item("stress"),
            mood = item("mood"),
        )
        Questionnaire.HOOPER -> CheckInAnswers.Hooper(
            sleep = item("sleep"),
            stress = item("stress"),
            fatigue = item("fatigue"),
            soreness = item("soreness"),
        )
    }
}
