// Health Connect records into the member's store: one ingest call per page and record type, with
// the page's deletions and its changes token stored in the same transaction (the token is the
// stream's anchor, so a crash between pages re-reads one page, which the store counts as
// duplicates). Stage codes map through the core's table (`healthConnectSleepStage`); the writers
// and zones are listed once per call, as the FFI asks.
package app.alyze.kit

import uniffi.alyze.AlyzeStore
import uniffi.alyze.DeviceInfo
import uniffi.alyze.FfiQuantitySample
import uniffi.alyze.FfiQuantitySeries
import uniffi.alyze.FfiSeriesSample
import uniffi.alyze.FfiSleepSegment
import uniffi.alyze.FfiSleepSession
import uniffi.alyze.IngestReport
import uniffi.alyze.QuantityKind
import uniffi.alyze.Source
import uniffi.alyze.StreamContent
import uniffi.alyze.healthConnectSleepStage

/** The store's stream of each record type the shell reads. */
object HealthConnectStreams {
    const val HEART_RATE = "health_connect:heart_rate"
    const val SLEEP = "health_connect:sleep_session"
    const val RESTING_HEART_RATE = "health_connect:resting_heart_rate"
    const val HRV_RMSSD = "health_connect:hrv_rmssd"
}

/**
 * Writes Health Connect pages into [store]. [offsetAt] gives the zone offset (s) at an instant
 * (epoch ms) for records whose writer left it unset: on the phone, the device zone's rules.
 */
class HealthConnectIngest(private val store: AlyzeStore, private val offsetAt: (Long) -> Int) {
    /** The changes token to ask Health Connect from for [stream]; null before the first read. */
    fun changesToken(stream: String): String? = store.anchor(stream)?.decodeToString()

    /**
     * Ends a full read of [stream] whose pages were stored with no token: the records of the
     * stream that started in `[fromMs, toMs)` and are not among [seenIds] (every id the read
     * delivered) were deleted while the token was expired, and become tombstones; [token], taken
     * before the read began, is stored in the same transaction. How many were swept.
     */
    fun endFullRead(stream: String, seenIds: List<String>, fromMs: Long, toMs: Long, token: String): ULong {
        val content = if (stream == HealthConnectStreams.SLEEP) StreamContent.SLEEP_SESSIONS else StreamContent.QUANTITIES
        return store.sweepStream(content, stream, seenIds, fromMs, toMs, token.encodeToByteArray())
    }

    /** Stores a page of sleep sessions with their stages. */
    fun sleepSessions(page: HcChanges<HcSleepSession>): IngestReport {
        val sources = Sources()
        val sessions = page.upserted.map { s ->
            // Stages carry no offsets: the session's when it has one throughout, else the zone's
            // rules at the stage's own instants (a night across a DST change).
            val fixed = s.startOffsetS?.takeIf { it == s.endOffsetS }
            val offset = { at: Long -> fixed ?: offsetAt(at) }
            FfiSleepSession(
                startMs = s.startMs,
                startOffsetS = s.startOffsetS ?: offsetAt(s.startMs),
                endMs = s.endMs,
                endOffsetS = s.endOffsetS ?: offsetAt(s.endMs),
                zone = null,
                segments = s.stages.sortedBy { it.startMs }.map { stage ->
                    FfiSleepSegment(
                        healthConnectSleepStage(stage.stage),
                        stage.startMs,
                        offset(stage.startMs),
                        stage.endMs,
                        offset(stage.endMs),
                    )
                },
                source = sources.of(s.origin),
                platformId = s.id,
            )
        }
        return store.ingestSleepSessions(
            HealthConnectStreams.SLEEP, sources.list, emptyList(), sessions, page.deletedIds, page.nextToken?.encodeToByteArray(),
        )
    }

    /**
     * Stores a page of `HeartRateRecord`s: each record's samples under ids the core derives from
     * the record's, so that an edit or a deletion of the record reaches all of them.
     */
    fun heartRates(page: HcChanges<HcHeartRate>): IngestReport {
        val sources = Sources()
        val series = page.upserted.map { r ->
            FfiQuantitySeries(
                kind = QuantityKind.HEART_RATE,
                platformId = r.id,
                source = sources.of(r.origin),
                zone = null,
                samples = r.samples.map { s ->
                    FfiSeriesSample(s.timeMs, r.offsetS ?: offsetAt(s.timeMs), s.beatsPerMinute.toDouble())
                },
            )
        }
        return store.ingestQuantitySeries(
            HealthConnectStreams.HEART_RATE, sources.list, emptyList(), series, page.deletedIds, page.nextToken?.encodeToByteArray(),
        )
    }

    /** Stores a page of `RestingHeartRateRecord`s. */
    fun restingHeartRates(page: HcChanges<HcInstant>): IngestReport =
        instants(HealthConnectStreams.RESTING_HEART_RATE, QuantityKind.RESTING_HEART_RATE, page)

    /** Stores a page of `HeartRateVariabilityRmssdRecord`s. */
    fun hrvRmssd(page: HcChanges<HcInstant>): IngestReport =
        instants(HealthConnectStreams.HRV_RMSSD, QuantityKind.HRV_RMSSD, page)

    private fun instants(stream: String, kind: QuantityKind, page: HcChanges<HcInstant>): IngestReport {
        val sources = Sources()
        val samples = page.upserted.map { r ->
            val offset = r.offsetS ?: offsetAt(r.timeMs)
            FfiQuantitySample(kind, r.value, r.timeMs, offset, r.timeMs, offset, null, sources.of(r.origin), r.id)
        }
        return store.ingestQuantities(stream, sources.list, emptyList(), samples, page.deletedIds, page.nextToken?.encodeToByteArray())
    }

    /** The writers of one call, each listed once; records name theirs by position. */
    private class Sources {
        private val positions = LinkedHashMap<HcOrigin, UInt>()

        val list: List<Source>
            get() = positions.keys.map { origin ->
                val device = if (origin.manufacturer != null || origin.model != null) {
                    DeviceInfo(null, origin.manufacturer, origin.model, null, null, null, null)
                } else {
                    null
                }
                Source(origin.model ?: origin.packageName, origin.packageName, null, device)
            }

        fun of(origin: HcOrigin): UInt = positions.getOrPut(origin) { positions.size.toUInt() }
    }
}
