// Sync seen from Kotlin: the async exports as suspend functions on the crate's own runtime, the
// credential keeper and the progress listener implemented in Kotlin, typed exceptions, and
// cancellation: a coroutine cancelled while the server does not answer ends at once. Whole syncs
// against the real server are in the whole-system tests; these prove the surface.
package alyze

import java.net.ServerSocket
import java.nio.file.Path
import kotlin.time.Duration.Companion.seconds
import kotlinx.coroutines.async
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.delay
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import uniffi.alyze.AlyzeException
import uniffi.alyze.AlyzeStore
import uniffi.alyze.Credentials
import uniffi.alyze.FfiQuantitySample
import uniffi.alyze.MemberProfile
import uniffi.alyze.QuantityKind
import uniffi.alyze.Sex
import uniffi.alyze.Source
import uniffi.alyze.defaultReadinessSettings

class SyncBindingsTest {
    @TempDir
    lateinit var dir: Path

    private fun store() = AlyzeStore.open(dir.resolve("alyze.db").toString())

    @Test
    fun `a device that never enrolled is told so`() = runBlocking {
        store().use { store ->
            val error = assertThrows<AlyzeException.NotEnrolled> {
                runBlocking { store.sync("2026-03-04", MemberProfile(Sex.FEMALE), defaultReadinessSettings(), MemoryKeeper(), Silent) }
            }
            assertTrue(error.reason.contains("enrol"), error.reason)
        }
    }

    @Test
    fun `enrolment names a bad URL and survives a server that is not there`() = runBlocking {
        store().use { store ->
            val keeper = MemoryKeeper()
            assertThrows<AlyzeException.InvalidArgument> {
                runBlocking { store.enrol("ftp://clinic", "CODE", "test", keeper) }
            }
            // A port nobody listens on: refused at once, reported without the code.
            val port = ServerSocket(0).use { it.localPort }
            val error = assertThrows<AlyzeException.SyncFailed> {
                runBlocking { store.enrol("http://127.0.0.1:$port", "SECRET-CODE", "test", keeper) }
            }
            assertTrue(!error.reason.contains("SECRET"), error.reason)
            assertTrue(keeper.saved == null)
        }
    }

    @Test
    fun `signing out erases what the store holds and what waits to be sent`() {
        store().use { store ->
            val watch = Source("Pixel Watch", "com.google.android.apps.fitness", null, null)
            val sample = FfiQuantitySample(QuantityKind.HEART_RATE, 61.0, 1_795_824_000_000L, 3600, 1_795_824_000_000L, 3600, null, 0u, "hc-1")
            val ingest = { store.ingestQuantities("health_connect:heart_rate", listOf(watch), emptyList(), listOf(sample), emptyList(), "token".toByteArray()) }
            assertEquals(1u, ingest().inserted)
            assertEquals(1uL, store.syncBacklog())
            store.signOut()
            assertEquals(0uL, store.syncBacklog())
            assertNull(store.anchor("health_connect:heart_rate"))
            // The sample is gone: the same batch again is new, not a duplicate.
            assertEquals(1u, ingest().inserted)
        }
    }

    @Test
    fun `a sync cancelled while the server is silent ends at once`() = runBlocking {
        // A server that accepts connections and never answers.
        ServerSocket(0).use { silent ->
            val keeper = MemoryKeeper(
                Credentials("http://127.0.0.1:${silent.localPort}", "member", "device", "access", "refresh", Long.MAX_VALUE),
            )
            store().use { store ->
                val run = async { runCatching { store.sync("2026-03-04", MemberProfile(Sex.FEMALE), defaultReadinessSettings(), keeper, Silent) } }
                delay(300)
                assertTrue(run.isActive, "the run waits on the server")
                withTimeout(5.seconds) { run.cancelAndJoin() }
                assertTrue(run.isCancelled)
            }
        }
    }
}
