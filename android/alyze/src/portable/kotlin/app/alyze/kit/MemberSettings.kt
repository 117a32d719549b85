// The Settings screen's decisions that need no Android API: the member's profile fields read from
// what they typed and checked by the core's own validation, and sign-out, which is refused while
// changes wait to be sent to the clinic unless the member confirmed losing them, and which has the
// clinic's server end the device's login.
package app.alyze.kit

import uniffi.alyze.AlyzeException
import uniffi.alyze.AlyzeStore
import uniffi.alyze.CredentialKeeper
import uniffi.alyze.FfiReadinessSettings
import uniffi.alyze.LoginEnd
import uniffi.alyze.MemberProfile
import uniffi.alyze.Sex

/**
 * The profile as the member typed it; a blank number is "not known" (the core then uses the
 * member's own readings or the age-predicted maximum).
 */
data class ProfileFields(
    val sex: Sex,
    val ageYears: String = "",
    val restingHrBpm: String = "",
    val maxHrBpm: String = "",
)

/** What the typed fields give: a profile, or the field (`age_years`, ...) that is not a number. */
sealed interface ProfileEntry {
    data class Valid(val profile: MemberProfile) : ProfileEntry

    data class NotANumber(val field: String) : ProfileEntry
}

/** A profile field (`age_years`, `resting_hr_bpm`, `max_hr_bpm`) as the screens name it. */
fun profileFieldLabel(field: String): String = when (field) {
    "age_years" -> "your age"
    "resting_hr_bpm" -> "your resting heart rate"
    "max_hr_bpm" -> "your maximum heart rate"
    else -> field.replace('_', ' ')
}

/** The profile of [fields]; a decimal comma is read as a point. */
fun profileEntry(fields: ProfileFields): ProfileEntry {
    val numbers = mutableMapOf<String, Double?>()
    for ((field, text) in listOf("age_years" to fields.ageYears, "resting_hr_bpm" to fields.restingHrBpm, "max_hr_bpm" to fields.maxHrBpm)) {
        val trimmed = text.trim().replace(',', '.')
        numbers[field] = if (trimmed.isEmpty()) null else trimmed.toDoubleOrNull() ?: return ProfileEntry.NotANumber(field)
    }
    return ProfileEntry.Valid(
        MemberProfile(
            sex = fields.sex,
            restingHrBpm = numbers["resting_hr_bpm"],
            maxHrBpm = numbers["max_hr_bpm"],
            ageYears = numbers["age_years"],
        ),
    )
}

/** The typed fields of a saved [profile], for the form to start from. */
fun profileFields(profile: MemberProfile): ProfileFields {
    fun text(value: Double?) = value?.let { if (it == Math.rint(it)) it.toLong().toString() else it.toString() } ?: ""
    return ProfileFields(profile.sex, text(profile.ageYears), text(profile.restingHrBpm), text(profile.maxHrBpm))
}

/**
 * Checks [profile] with the core's bounds, which the readiness engine applies to every call: the
 * readiness of [today] is computed with it and dropped. Null when the core takes it, else its
 * error naming the field (`profile.max_hr_bpm`, ...).
 */
fun profileError(store: AlyzeStore, profile: MemberProfile, today: String, settings: FfiReadinessSettings): AlyzeException.InvalidArgument? =
    try {
        store.readiness(today, profile, settings)
        null
    } catch (e: AlyzeException.InvalidArgument) {
        e
    }

/** What a sign-out did. */
sealed interface SignOutResult {
    /** The store was erased and [forget] ran; [login] is what became of the server's login. */
    data class SignedOut(val login: LoginEnd) : SignOutResult

    /** Nothing was erased: [changes] changes have not reached the clinic yet. */
    data class Unsent(val changes: ULong) : SignOutResult
}

/**
 * Signs the member out of this phone: when nothing waits to be sent, or [discardConfirmed], has
 * the clinic's server end this device's login (a few seconds at most; offline, the sign-out goes
 * on), erases the store, then has the shell [forget] what it keeps beside it (the tokens in
 * [keeper], the scheduled reminders, the profile). Otherwise erases nothing and says how much
 * would be lost.
 */
suspend fun signOut(store: AlyzeStore, keeper: CredentialKeeper, discardConfirmed: Boolean, forget: () -> Unit): SignOutResult {
    val backlog = store.syncBacklog()
    if (backlog > 0uL && !discardConfirmed) return SignOutResult.Unsent(backlog)
    // Before anything is erased or forgotten: ending the login needs the tokens.
    val login = store.endLogin(keeper)
    store.signOut()
    forget()
    return SignOutResult.SignedOut(login)
}

/** What the member is told after [signOut] signed them out. */
fun signedOutText(result: SignOutResult.SignedOut): String = when (result.login) {
    LoginEnd.ENDED, LoginEnd.NOT_ENROLLED -> "Signed out. This phone no longer holds your data."
    LoginEnd.UNREACHED ->
        "Signed out. This phone no longer holds your data. The clinic could not be reached to end " +
            "this phone's login; it ends by itself once unused for 30 days."
}
