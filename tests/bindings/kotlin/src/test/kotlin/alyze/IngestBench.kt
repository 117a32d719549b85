// The FFI ingest benchmark from Kotlin (issue goal: 10,000 samples in one call under 20 ms): the
// whole call as the Android shell makes it, the generated code lowering 10,000 records into a
// buffer, the Rust side lifting, validating and storing them in one transaction. Run on demand by
// scripts/bench-ffi (never by the test command), against a release build of the library.
package alyze

import java.nio.file.Files
import java.util.UUID
import kotlin.random.Random
import uniffi.alyze.AlyzeStore
import uniffi.alyze.DeviceInfo
import uniffi.alyze.DeviceKind
import uniffi.alyze.FfiQuantitySample
import uniffi.alyze.QuantityKind
import uniffi.alyze.Source

private const val SAMPLES = 10_000
private const val STREAM = "health_connect:heart_rate"

/** 2026-11-28T00:00:00Z. */
private const val START_MS = 1_795_824_000_000L

/** The batch's one time zone, listed once per call; each sample names it by position. */
private val ZONES = listOf("Europe/Berlin")

/** The batch's one writer, listed once per call. */
private val SOURCES = listOf(
    Source("Pixel Watch", "com.google.android.apps.fitness", "2026.11", DeviceInfo("Pixel Watch 3", "Google", "Pixel Watch 3", null, null, "5.1", DeviceKind.WATCH)),
)

/** `count` heart-rate samples five seconds apart from `first` on, each with a random record id
 * (Health Connect ids are random UUIDs, so they land all over the id index). */
private fun batch(first: Int, count: Int, random: Random): List<FfiQuantitySample> =
    (first until first + count).map { i ->
        val at = START_MS + i * 5_000L
        FfiQuantitySample(
            kind = QuantityKind.HEART_RATE,
            value = 55.0 + i % 40,
            startMs = at,
            startOffsetS = 3600,
            endMs = at,
            endOffsetS = 3600,
            zone = 0u,
            source = 0u,
            platformId = UUID(random.nextLong(), random.nextLong()).toString(),
        )
    }

/** Milliseconds of one `ingestQuantities` call of `samples` into `store`. */
private fun timed(store: AlyzeStore, samples: List<FfiQuantitySample>): Double {
    val started = System.nanoTime()
    val report = store.ingestQuantities(STREAM, SOURCES, ZONES, samples, emptyList(), null)
    val ms = (System.nanoTime() - started) / 1e6
    check(report.inserted.toInt() == samples.size) { "every sample is new" }
    return ms
}

private fun median(values: List<Double>): Double = values.sorted()[values.size / 2]

/** Median of `runs` calls, each into a fresh store that first holds `prefilled` samples. */
private fun measure(runs: Int, prefilled: Int, random: Random): Double {
    val times = (0 until runs).map {
        val dir = Files.createTempDirectory("alyze-bench")
        AlyzeStore.open(dir.resolve("alyze.db").toString()).use { store ->
            var first = SAMPLES
            while (first < SAMPLES + prefilled) {
                store.ingestQuantities(STREAM, SOURCES, ZONES, batch(first, SAMPLES, random), emptyList(), null)
                first += SAMPLES
            }
            timed(store, batch(0, SAMPLES, random))
        }.also { dir.toFile().deleteRecursively() }
    }
    return median(times)
}

fun main(args: Array<String>) {
    val runs = args.getOrNull(0)?.toInt() ?: 15
    val random = Random(2026)
    // Warm-up: the JIT compiles the generated lowering code, JNA loads the library.
    measure(5, 0, random)
    println("ffi ingest of $SAMPLES samples, one call, median of $runs:")
    println("  into a fresh store:                 %.1f ms".format(measure(runs, 0, random)))
    val year = 170_000
    println("  into a store holding $year samples: %.1f ms".format(measure(maxOf(3, runs / 3), year, random)))
}
