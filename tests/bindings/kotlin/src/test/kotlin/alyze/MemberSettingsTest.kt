// The Settings screen's decisions (android/alyze/src/portable, `profileEntry`, `profileError`,
// `signOut`, `errorText`) against the real store: typed profile fields become the profile the
// engine reads or name the field that is not a number, the core's own bounds refuse an impossible
// one by name, sign-out keeps what the clinic has not received unless the member confirms (and
// goes on when the clinic's server cannot end the login, saying so), and
// enrolment's and sync's failures read as what the member can do about them.
package alyze

import app.alyze.kit.ProfileEntry
import app.alyze.kit.ProfileFields
import app.alyze.kit.SignOutResult
import app.alyze.kit.errorText
import app.alyze.kit.profileEntry
import app.alyze.kit.profileError
import app.alyze.kit.profileFieldLabel
import app.alyze.kit.profileFields
import app.alyze.kit.signOut
import app.alyze.kit.signedOutText
import java.nio.file.Path
import java.time.LocalDate
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import uniffi.alyze.AlyzeException
import uniffi.alyze.AlyzeStore
import uniffi.alyze.Credentials
import uniffi.alyze.LoginEnd
import uniffi.alyze.MemberProfile
import uniffi.alyze.Sex
import uniffi.alyze.defaultReadinessSettings

class MemberSettingsTest {
    @TempDir
    lateinit var dir: Path

    private fun store() = AlyzeStore.open(dir.resolve("alyze.db").toString())

    @Test
    fun `typed fields become a profile, blanks unknown, a decimal comma read as a point`() {
        val entry = profileEntry(ProfileFields(Sex.FEMALE, ageYears = " 38 ", restingHrBpm = "", maxHrBpm = "185,5"))
        val profile = MemberProfile(Sex.FEMALE, restingHrBpm = null, maxHrBpm = 185.5, ageYears = 38.0)
        assertEquals(ProfileEntry.Valid(profile), entry)
        assertEquals(ProfileFields(Sex.FEMALE, "38", "", "185.5"), profileFields(profile))
        val notANumber = profileEntry(ProfileFields(Sex.MALE, ageYears = "40", restingHrBpm = "fifty"))
        assertEquals(ProfileEntry.NotANumber("resting_hr_bpm"), notANumber)
        assertEquals("your resting heart rate", profileFieldLabel((notANumber as ProfileEntry.NotANumber).field))
    }

    @Test
    fun `the core's bounds refuse an impossible profile by its field`() {
        store().use { store ->
            val today = "2026-11-28"
            val settings = defaultReadinessSettings()
            val fine = profileEntry(ProfileFields(Sex.MALE, ageYears = "40")) as ProfileEntry.Valid
            assertNull(profileError(store, fine.profile, today, settings))
            val negative = profileEntry(ProfileFields(Sex.MALE, maxHrBpm = "-1")) as ProfileEntry.Valid
            val error = profileError(store, negative.profile, today, settings)!!
            assertEquals("profile.max_hr_bpm", error.name)
            assertEquals("Please check your maximum heart rate.", errorText(error))
        }
    }

    @Test
    fun `sign-out keeps unsent changes until the member confirms losing them`() {
        store().use { store ->
            KitFixtures.nights(store, LocalDate.parse("2026-11-28"), 1, rmssd = KitFixtures::steady)
            val backlog = store.syncBacklog()
            assertEquals(true, backlog > 0uL)
            var forgotten = 0
            // Never enrolled: there is no login to end.
            val keeper = MemoryKeeper()
            fun signOutNow(confirmed: Boolean) = runBlocking { signOut(store, keeper, confirmed) { forgotten++ } }

            val refused = signOutNow(confirmed = false)
            assertEquals(SignOutResult.Unsent(backlog), refused)
            assertEquals(backlog, store.syncBacklog())
            assertEquals(0, forgotten)

            val signedOut = signOutNow(confirmed = true)
            assertEquals(SignOutResult.SignedOut(LoginEnd.NOT_ENROLLED), signedOut)
            assertEquals("Signed out. This phone no longer holds your data.", signedOutText(signedOut as SignOutResult.SignedOut))
            assertEquals(0uL, store.syncBacklog())
            assertEquals(1, forgotten)
            assertEquals(null, store.dailySummaries("2026-11-28", "2026-11-28").single().sleep)

            // Nothing left to lose: no confirmation needed.
            assertEquals(SignOutResult.SignedOut(LoginEnd.NOT_ENROLLED), signOutNow(confirmed = false))
        }
    }

    @Test
    fun `a sign-out with the clinic out of reach goes on and says so`() {
        store().use { store ->
            val port = java.net.ServerSocket(0).use { it.localPort }
            val keeper = MemoryKeeper(Credentials("http://127.0.0.1:$port", "m", "d", "access", "refresh", 0L))
            var forgotten = 0
            val result = runBlocking { signOut(store, keeper, discardConfirmed = false) { forgotten++ } }
            assertEquals(SignOutResult.SignedOut(LoginEnd.UNREACHED), result)
            assertEquals(1, forgotten)
            assertTrue(signedOutText(result as SignOutResult.SignedOut).contains("could not be reached"))
        }
    }

    @Test
    fun `enrolment and sync failures read as what the member can do`() {
        store().use { store ->
            val badUrl = assertThrows<AlyzeException.InvalidArgument> {
                runBlocking { store.enrol("ftp://clinic", "CODE-1234", "Pixel 9", MemoryKeeper()) }
            }
            assertEquals("Please check the clinic's address.", errorText(badUrl))
            val notEnrolled = assertThrows<AlyzeException.NotEnrolled> {
                runBlocking { store.sync("2026-11-28", MemberProfile(Sex.FEMALE), defaultReadinessSettings(), MemoryKeeper(), Silent) }
            }
            assertEquals(
                "This phone is not enrolled with your clinic. Enrol in Settings with a code from the clinic.",
                errorText(notEnrolled),
            )
        }
    }
}
