// The short message a screen shows when a store call fails: one sentence per kind of failure,
// saying what the member can do. Built only from the error's kind and the names and bounds it
// carries (an argument's name, a dose field and its safe range), never from a value the member
// entered or the health data: the message may be read over a shoulder or in a screenshot.
package app.alyze.kit

import java.util.Locale
import uniffi.alyze.AlyzeException

/** The message for [error]; bounds are written in [locale]. */
fun errorText(error: AlyzeException, locale: Locale = Locale.getDefault()): String = when (error) {
    is AlyzeException.NotEnrolled -> "This phone is not enrolled with your clinic. Enrol in Settings with a code from the clinic."
    is AlyzeException.OtherMember -> "This phone holds another member's data. Sign out in Settings, then enrol again."
    is AlyzeException.SyncFailed -> "The clinic could not be reached. Nothing is lost; try again later."
    is AlyzeException.NoPrescription -> "No prescription from your clinic yet."
    is AlyzeException.InvalidPrescription -> "Your clinic's prescription cannot be used. Please tell your clinic."
    is AlyzeException.DoseOutsideSafeRange ->
        "${fieldLabel(error.field)} is outside the safe range (${bound(error.min, locale)} to ${bound(error.max, locale)})."
    is AlyzeException.DoseRefused -> "That dose cannot be logged: please check the numbers."
    is AlyzeException.InvalidArgument -> "Please check ${argumentLabel(error.name)}."
    is AlyzeException.InvalidSetting -> "A readiness setting is not valid (${error.name})."
    is AlyzeException.DatabaseTooNew -> "This app is older than its data. Please update the app."
    is AlyzeException.Database, is AlyzeException.DatabaseUnusable -> "The app's data could not be read or written."
    else -> "Something went wrong. Please try again."
}

private fun bound(value: Double, locale: Locale): String =
    if (value == Math.rint(value)) String.format(locale, "%.0f", value) else String.format(locale, "%.1f", value)

/** A dose field as the log form labels it. */
private fun fieldLabel(field: String): String = when (field) {
    "minutes" -> "The time"
    "temperature_c" -> "The temperature"
    else -> "The " + field.replace('_', ' ')
}

/** An argument the store names, as the screens call it. */
private fun argumentLabel(name: String): String = when {
    name == "server_url" -> "the clinic's address"
    name.startsWith("profile.") -> profileFieldLabel(name.removePrefix("profile."))
    name.startsWith("answers.") -> "your check-in"
    name.startsWith("session.") -> "the session"
    name == "workout" -> "the training's start and length"
    else -> name.replace('_', ' ')
}
