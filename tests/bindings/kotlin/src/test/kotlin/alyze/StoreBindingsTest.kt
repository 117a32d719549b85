// The member's store seen from Kotlin: AlyzeStore through the generated bindings and JNA, as the
// Android shell will use it. The Rust tests carry the store's logic; these prove the surface: one
// call per batch of 10,000 samples, unsigned counts, skip positions, the anchor as a ByteArray,
// typed daily summaries, typed exceptions, and a Kotlin ImportListener that counts or cancels.
package alyze

import java.io.File
import java.nio.file.Path
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assertions.fail
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import uniffi.alyze.AlyzeException
import uniffi.alyze.AlyzeStore
import uniffi.alyze.Beat
import uniffi.alyze.DeviceInfo
import uniffi.alyze.DeviceKind
import uniffi.alyze.FfiHeartbeatSeries
import uniffi.alyze.FfiQuantitySample
import uniffi.alyze.FfiSleepSegment
import uniffi.alyze.FfiSleepSession
import uniffi.alyze.FfiWorkout
import uniffi.alyze.ImportListener
import uniffi.alyze.Outcome
import uniffi.alyze.PlatformActivity
import uniffi.alyze.QuantityKind
import uniffi.alyze.SleepStage
import uniffi.alyze.Source
import uniffi.alyze.TrainingClass

private const val STREAM = "health_connect:heart_rate"

/** The time zones of the batches below, listed once per call; records name theirs by position. */
private val ZONES = listOf("Europe/Berlin")

/** The writers of the batches below, listed once per call; records name theirs by position. */
private val SOURCES = listOf(
    Source("Pixel Watch", "com.google.android.apps.fitness", null, DeviceInfo(null, "Google", "Pixel Watch 3", null, null, null, DeviceKind.WATCH)),
    Source("Oura", "com.ouraring.oura", null, null),
)

/** 2026-11-28T00:00:00Z; samples are one a minute from there, at +01:00. */
private const val BASE_MS = 1_795_824_000_000L
private const val BATCH = 10_000

/** The synthetic export scripts/bindings writes beside the bindings. */
private val export = File(System.getProperty("alyze.target.dir") ?: "../../../target", "bindings/fixtures/synthetic-export.zip")

private fun sample(i: Int, value: Double = 60.0, kind: QuantityKind = QuantityKind.HEART_RATE): FfiQuantitySample {
    val at = BASE_MS + i * 60_000L
    return FfiQuantitySample(
        kind = kind,
        value = value,
        startMs = at,
        startOffsetS = 3600,
        endMs = at,
        endOffsetS = 3600,
        zone = null,
        source = 0u,
        platformId = "hc-$i",
    )
}

/** 23:00 to 07:00 at +01:00, the night ending on 2026-11-28, from a ring: light then deep. */
private fun night(): FfiSleepSession {
    val hour = 3_600_000L
    val start = BASE_MS - 2 * hour
    return FfiSleepSession(
        startMs = start,
        startOffsetS = 3600,
        endMs = start + 8 * hour,
        endOffsetS = 3600,
        zone = null,
        segments = listOf(
            FfiSleepSegment(SleepStage.LIGHT, start, 3600, start + 5 * hour, 3600),
            FfiSleepSegment(SleepStage.DEEP, start + 5 * hour, 3600, start + 8 * hour, 3600),
        ),
        source = 1u,
        platformId = "hc-night-1",
    )
}

/** Counts progress calls; cancels at the first one when asked to. */
private class Counting(private val cancel: Boolean = false) : ImportListener {
    val calls = mutableListOf<Pair<ULong, ULong?>>()

    override fun onProgress(bytesDone: ULong, bytesTotal: ULong?): Boolean {
        calls += bytesDone to bytesTotal
        return !cancel
    }
}

class StoreBindingsTest {
    @TempDir
    lateinit var dir: Path

    // Not named `open`: a Kotlin modifier, which tree-sitter-kotlin (the parse check) misreads as one.
    private fun newStore(): AlyzeStore = AlyzeStore.open(dir.resolve("alyze.db").toString())

    @Test
    fun `a batch of 10000 samples is one call and replays as duplicates`() {
        newStore().use { store ->
            val batch = List(BATCH) { sample(it, 55.0 + it % 40) }
            val report = store.ingestQuantities(STREAM, SOURCES, ZONES, batch, emptyList(), "token-1".toByteArray())
            assertEquals(BATCH.toUInt(), report.inserted)
            assertEquals(0u, report.duplicates)
            assertTrue(report.skipped.isEmpty())

            val replay = store.ingestQuantities(STREAM, SOURCES, ZONES, batch, emptyList(), null)
            assertEquals(0u, replay.inserted)
            assertEquals(BATCH.toUInt(), replay.duplicates)
        }
    }

    @Test
    fun `deletions, the anchor and skipped samples`() {
        newStore().use { store ->
            assertNull(store.anchor(STREAM))
            store.ingestQuantities(STREAM, SOURCES, ZONES, List(5) { sample(it) }, emptyList(), null)

            val token = byteArrayOf(0, 1, 2, -1)
            val batch = listOf(sample(10), sample(11, value = 512.0), sample(12))
            val report = store.ingestQuantities(STREAM, SOURCES, ZONES, batch, listOf("hc-1", "hc-2", "unknown"), token)
            assertEquals(2u, report.inserted)
            assertEquals(2u, report.deleted)
            assertEquals(listOf(1u), report.skipped.map { it.index })
            assertFalse(report.skipped[0].reason.contains("512"))
            assertArrayEquals(token, store.anchor(STREAM))
        }
    }

    @Test
    fun `daily summaries are typed and a bad date is a typed exception`() {
        newStore().use { store ->
            store.ingestQuantities(
                "health_connect:resting_heart_rate",
                SOURCES,
                ZONES,
                listOf(sample(600, 49.0, QuantityKind.RESTING_HEART_RATE)),
                emptyList(),
                null,
            )
            val days = store.dailySummaries("2026-11-28", "2026-11-28")
            assertEquals(listOf("2026-11-28"), days.map { it.date })
            assertTrue(days[0].hasData)
            assertEquals(49.0, days[0].restingHrBpm)

            val error = assertThrows<AlyzeException.InvalidArgument> { store.dailySummaries("2026-11-28", "tomorrow") }
            assertEquals("to", error.name)
        }
    }

    @Test
    fun `an export is imported with progress, then cancelled by a listener`() {
        assertTrue(export.isFile, "no $export: run scripts/bindings first")
        newStore().use { store ->
            val counting = Counting()
            val report = store.importAppleExport(export.path, counting)
            assertEquals(Outcome.Complete, report.outcome)
            assertTrue(report.quantities.inserted > 1000uL)
            assertTrue(report.sleepSessions.inserted > 0uL)
            assertTrue(counting.calls.size >= 2)
            assertEquals(report.bytesParsed, counting.calls.last().first)
            assertNotNull(store.dailySummaries("2022-09-04", "2022-09-04")[0].sleep)
        }
        AlyzeStore.open(dir.resolve("other.db").toString()).use { store ->
            val cancelling = Counting(cancel = true)
            val report = store.importAppleExport(export.path, cancelling)
            assertEquals(Outcome.Cancelled, report.outcome)
            assertTrue(cancelling.calls.isNotEmpty())
        }
    }

    @Test
    fun `a sleep session batch is stored once and is the night of the summary`() {
        newStore().use { store ->
            val report = store.ingestSleepSessions("health_connect:sleep", SOURCES, ZONES, listOf(night()), emptyList(), null)
            assertEquals(1u, report.inserted)
            val replay = store.ingestSleepSessions("health_connect:sleep", SOURCES, ZONES, listOf(night()), emptyList(), null)
            assertEquals(1u, replay.duplicates)

            val sleep = store.dailySummaries("2026-11-28", "2026-11-28")[0].sleep ?: fail("no night")
            assertEquals("Oura", sleep.source)
            assertEquals(8 * 3600.0, sleep.inBedS)
            assertEquals(3 * 3600.0, sleep.deepS)
        }
    }

    @Test
    fun `a workout batch maps the Health Connect exercise type`() {
        newStore().use { store ->
            val start = BASE_MS + 8 * 3_600_000L
            val run = FfiWorkout(
                activity = PlatformActivity.HealthConnect(56), // EXERCISE_TYPE_RUNNING
                startMs = start,
                startOffsetS = 3600,
                endMs = start + 2_700_000L,
                endOffsetS = 3600,
                zone = null,
                durationS = 2700.0,
                activeEnergyKcal = null,
                avgHeartRateBpm = 151.0,
                maxHeartRateBpm = null,
                distanceM = 7400.0,
                events = emptyList(),
                source = 0u,
                platformId = "hc-run-1",
            )
            assertEquals(1u, store.ingestWorkouts("health_connect:exercise", SOURCES, ZONES, listOf(run), emptyList(), null).inserted)
            val workouts = store.dailySummaries("2026-11-28", "2026-11-28")[0].workouts
            assertEquals(listOf(TrainingClass.ENDURANCE), workouts.map { it.trainingClass })
        }
    }

    @Test
    fun `a heartbeat series batch is stored once`() {
        newStore().use { store ->
            val beats = List(64) { Beat(it * 0.95, it == 30) }
            val series = FfiHeartbeatSeries(BASE_MS, 3600, null, beats, 0u, "HK-SERIES-1")
            assertEquals(1u, store.ingestHeartbeatSeries("healthkit:heartbeat_series", SOURCES, ZONES, listOf(series), emptyList(), null).inserted)
            assertEquals(1u, store.ingestHeartbeatSeries("healthkit:heartbeat_series", SOURCES, ZONES, listOf(series), emptyList(), null).duplicates)
        }
    }
}
