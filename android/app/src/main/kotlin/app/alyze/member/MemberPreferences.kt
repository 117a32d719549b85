// The member's profile as they set it in Settings (sex, age, resting and maximal heart rate), kept
// in the app's private preferences: four values, read by every readiness call and by the
// background sync. Until the member saves one, the core's default sex is used
// (`defaultMemberProfile()`: female, the choice that errs towards recovery, as on iOS and the
// command line), and the screens say that it is not set.
package app.alyze.member

import android.content.Context
import uniffi.alyze.MemberProfile
import uniffi.alyze.Sex
import uniffi.alyze.defaultMemberProfile

/** The saved profile. */
class MemberPreferences(context: Context) {
    private val preferences = context.getSharedPreferences("alyze-member", Context.MODE_PRIVATE)

    /** Whether the member saved a profile. */
    val isSet: Boolean get() = preferences.contains(SEX)

    /** The saved profile, or the core's default with nothing else known before one is saved. */
    fun profile(): MemberProfile = MemberProfile(
        sex = preferences.getString(SEX, null)?.let(Sex::valueOf) ?: defaultMemberProfile().sex,
        restingHrBpm = number(RESTING_HR),
        maxHrBpm = number(MAX_HR),
        ageYears = number(AGE),
    )

    fun save(profile: MemberProfile) {
        preferences.edit()
            .putString(SEX, profile.sex.name)
            .putNumber(AGE, profile.ageYears)
            .putNumber(RESTING_HR, profile.restingHrBpm)
            .putNumber(MAX_HR, profile.maxHrBpm)
            .apply()
    }

    /** Forgets the profile (sign-out). */
    fun clear() {
        preferences.edit().clear().apply()
    }

    // Doubles are kept as their bits: SharedPreferences has no double.
    private fun number(key: String): Double? =
        if (preferences.contains(key)) Double.fromBits(preferences.getLong(key, 0)) else null

    private fun android.content.SharedPreferences.Editor.putNumber(key: String, value: Double?) =
        if (value == null) remove(key) else putLong(key, value.toBits())

    private companion object {
        const val SEX = "sex"
        const val AGE = "age_years"
        const val RESTING_HR = "resting_hr_bpm"
        const val MAX_HR = "max_hr_bpm"
    }
}
