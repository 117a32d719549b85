// The Health Connect records the Android shell reads, as plain values: the shell's platform layer
// copies each `androidx.health.connect.client.records` record into one of these (a field each, no
// logic), and everything after that runs, and is tested, on any JVM (`HealthConnectIngest`).
package app.alyze.kit

/** Who wrote a record: `Metadata.dataOrigin.packageName`, and `Metadata.device` when set. */
data class HcOrigin(
    val packageName: String,
    /** `Device.manufacturer`. */
    val manufacturer: String? = null,
    /** `Device.model`. */
    val model: String? = null,
)

/** `SleepSessionRecord`: its id, writer, times (epoch ms) and zone offsets (s; null when unset). */
data class HcSleepSession(
    val id: String,
    val origin: HcOrigin,
    val startMs: Long,
    val startOffsetS: Int?,
    val endMs: Long,
    val endOffsetS: Int?,
    val stages: List<HcSleepStage>,
)

/** `SleepSessionRecord.Stage`: `stage` is the `STAGE_TYPE_*` code. */
data class HcSleepStage(val startMs: Long, val endMs: Long, val stage: Int)

/**
 * `HeartRateRecord`: a session's heart rates (`samples[].time`, `beatsPerMinute`), edited and
 * deleted as a whole; [offsetS] is the record's start zone offset (null when unset).
 */
data class HcHeartRate(
    val id: String,
    val origin: HcOrigin,
    val offsetS: Int?,
    val samples: List<HcHeartRateSample>,
)

/** `HeartRateRecord.Sample`. */
data class HcHeartRateSample(val timeMs: Long, val beatsPerMinute: Long)

/**
 * A record of one value at one time: `RestingHeartRateRecord` (`beatsPerMinute`) or
 * `HeartRateVariabilityRmssdRecord` (`heartRateVariabilityMillis`).
 */
data class HcInstant(
    val id: String,
    val origin: HcOrigin,
    val timeMs: Long,
    val offsetS: Int?,
    val value: Double,
)

/**
 * One page of `HealthConnectClient.getChanges` for one record type, or of a full read
 * (`readRecords`, the first time or after the changes token expired): the records upserted, the
 * ids deleted, and the token to ask from next time, stored with the page. Null on the pages of a
 * full read, which ends with `HealthConnectIngest.endFullRead` (the sweep and the token), so that
 * a read cut short starts again from the start.
 */
data class HcChanges<T>(val upserted: List<T>, val deletedIds: List<String>, val nextToken: String?)
