// The shells' halves of sync, as the binding tests implement them: where the credentials are kept
// and who hears of progress.
package alyze

import uniffi.alyze.CredentialKeeper
import uniffi.alyze.Credentials
import uniffi.alyze.SyncListener

/** What the Android shell keeps in Keystore-encrypted storage; here, memory. */
internal class MemoryKeeper(var saved: Credentials? = null) : CredentialKeeper {
    override fun load(): Credentials? = saved
    override fun save(credentials: Credentials) {
        saved = credentials
    }
}

/** A progress listener that ignores progress. */
internal object Silent : SyncListener {
    override fun onPushed(pushed: ULong, remaining: ULong) {}
    override fun onPulled(pulled: ULong) {}
}
