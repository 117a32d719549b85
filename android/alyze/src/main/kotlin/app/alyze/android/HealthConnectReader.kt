// Health Connect read incrementally into the member's store: per record type, the changes since the
// stored token (`getChanges`), page by page; the first time, or when the token expired (after 30
// days unused), a full read (`readRecords`) under a token taken before it, so nothing written
// meanwhile is missed, ended by a sweep of what the read no longer delivered (deleted while the
// token was expired; without the history permission only over the last 30 days, the part of the
// past this app is sure to be able to read). Each record is copied into the kit's plain values and handed to
// `HealthConnectIngest`, which stores the page and its token in one transaction. Everything after
// the copy is in the kit and the core, and tested on a JVM. The permissions it needs are listed
// once here, for the app to ask for.
package app.alyze.android

import androidx.health.connect.client.HealthConnectClient
import androidx.health.connect.client.HealthConnectFeatures
import androidx.health.connect.client.changes.DeletionChange
import androidx.health.connect.client.changes.UpsertionChange
import androidx.health.connect.client.permission.HealthPermission
import androidx.health.connect.client.records.HeartRateRecord
import androidx.health.connect.client.records.HeartRateVariabilityRmssdRecord
import androidx.health.connect.client.records.Record
import androidx.health.connect.client.records.RestingHeartRateRecord
import androidx.health.connect.client.records.SleepSessionRecord
import androidx.health.connect.client.records.metadata.Metadata
import androidx.health.connect.client.request.ChangesTokenRequest
import androidx.health.connect.client.request.ReadRecordsRequest
import androidx.health.connect.client.time.TimeRangeFilter
import app.alyze.kit.HcChanges
import app.alyze.kit.HcHeartRate
import app.alyze.kit.HcHeartRateSample
import app.alyze.kit.HcInstant
import app.alyze.kit.HcOrigin
import app.alyze.kit.HcSleepSession
import app.alyze.kit.HcSleepStage
import app.alyze.kit.HealthConnectIngest
import app.alyze.kit.HealthConnectStreams
import java.time.Instant
import kotlin.reflect.KClass
import uniffi.alyze.IngestReport

/** Reads the record types the core uses into the store through [ingest]. */
class HealthConnectReader(private val client: HealthConnectClient, private val ingest: HealthConnectIngest) {
    /** Brings the store up to date with Health Connect, one record type after another. */
    suspend fun readAll() {
        read(
            HeartRateRecord::class,
            HealthConnectStreams.HEART_RATE,
            { r ->
                HcHeartRate(
                    r.metadata.id,
                    origin(r.metadata),
                    r.startZoneOffset?.totalSeconds,
                    r.samples.map { HcHeartRateSample(it.time.toEpochMilli(), it.beatsPerMinute) },
                )
            },
            ingest::heartRates,
        )
        read(SleepSessionRecord::class, HealthConnectStreams.SLEEP, ::sleep, ingest::sleepSessions)
        read(
            RestingHeartRateRecord::class,
            HealthConnectStreams.RESTING_HEART_RATE,
            { r -> HcInstant(r.metadata.id, origin(r.metadata), r.time.toEpochMilli(), r.zoneOffset?.totalSeconds, r.beatsPerMinute.toDouble()) },
            ingest::restingHeartRates,
        )
        read(
            HeartRateVariabilityRmssdRecord::class,
            HealthConnectStreams.HRV_RMSSD,
            { r -> HcInstant(r.metadata.id, origin(r.metadata), r.time.toEpochMilli(), r.zoneOffset?.totalSeconds, r.heartRateVariabilityMillis) },
            ingest::hrvRmssd,
        )
    }

    private suspend fun <R : Record, T> read(
        type: KClass<R>,
        stream: String,
        copy: (R) -> T,
        store: (HcChanges<T>) -> IngestReport,
    ) {
        var token = ingest.changesToken(stream) ?: return fullRead(type, stream, copy, store)
        do {
            val response = client.getChanges(token)
            if (response.changesTokenExpired) {
                return fullRead(type, stream, copy, store)
            }
            val upserted = response.changes
                .filterIsInstance<UpsertionChange>()
                .map { it.record }
                .filterIsInstance(type.java)
                .map(copy)
            val deleted = response.changes.filterIsInstance<DeletionChange>().map { it.recordId }
            store(HcChanges(upserted, deleted, response.nextChangesToken))
            token = response.nextChangesToken
        } while (response.hasMore)
    }

    /**
     * Every record of [type], page by page with no token; then the sweep of what was not read,
     * with the token taken before the read began. The sweep covers only what this app can read:
     * everything with the history permission, else the last [READABLE_WITHOUT_HISTORY_DAYS] days,
     * so that records older than the read can reach are never taken for deleted.
     */
    private suspend fun <R : Record, T> fullRead(
        type: KClass<R>,
        stream: String,
        copy: (R) -> T,
        store: (HcChanges<T>) -> IngestReport,
    ) {
        val token = client.getChangesToken(ChangesTokenRequest(recordTypes = setOf(type)))
        val startedMs = System.currentTimeMillis()
        val history = HealthPermission.PERMISSION_READ_HEALTH_DATA_HISTORY in
            client.permissionController.getGrantedPermissions()
        val sweepFromMs = if (history) 0L else startedMs - READABLE_WITHOUT_HISTORY_DAYS * DAY_MS
        val seen = mutableListOf<String>()
        var pageToken: String? = null
        do {
            val response = client.readRecords(
                ReadRecordsRequest(type, TimeRangeFilter.after(Instant.EPOCH), pageToken = pageToken),
            )
            seen += response.records.map { it.metadata.id }
            store(HcChanges(response.records.map(copy), emptyList(), null))
            pageToken = response.pageToken
        } while (pageToken != null)
        ingest.endFullRead(stream, seen, sweepFromMs, startedMs, token)
    }

    private fun sleep(r: SleepSessionRecord) = HcSleepSession(
        id = r.metadata.id,
        origin = origin(r.metadata),
        startMs = r.startTime.toEpochMilli(),
        startOffsetS = r.startZoneOffset?.totalSeconds,
        endMs = r.endTime.toEpochMilli(),
        endOffsetS = r.endZoneOffset?.totalSeconds,
        stages = r.stages.map { HcSleepStage(it.startTime.toEpochMilli(), it.endTime.toEpochMilli(), it.stage) },
    )

    private fun origin(metadata: Metadata) = HcOrigin(
        packageName = metadata.dataOrigin.packageName,
        manufacturer = metadata.device?.manufacturer,
        model = metadata.device?.model,
    )

    companion object {
        /**
         * How far back an app without `PERMISSION_READ_HEALTH_DATA_HISTORY` can always read: Health
         * Connect lets it read 30 days before the permission was first granted (Android developers,
         * "Read data older than 30 days"), so at least the last 30 days from now.
         */
        const val READABLE_WITHOUT_HISTORY_DAYS = 30L
        private const val DAY_MS = 86_400_000L

        /** Reading each record type [readAll] reads (declared in the library's manifest). */
        val READ_PERMISSIONS: Set<String> = setOf(
            HealthPermission.getReadPermission(HeartRateRecord::class),
            HealthPermission.getReadPermission(SleepSessionRecord::class),
            HealthPermission.getReadPermission(RestingHeartRateRecord::class),
            HealthPermission.getReadPermission(HeartRateVariabilityRmssdRecord::class),
        )

        /**
         * What to ask the member for on this phone: the reads, and, where this Health Connect
         * offers them, reading in the background (the hourly [SyncWorker]) and reading data older
         * than 30 days (the baselines look back 60).
         */
        fun permissions(client: HealthConnectClient): Set<String> = buildSet {
            addAll(READ_PERMISSIONS)
            val features = client.features
            if (features.getFeatureStatus(HealthConnectFeatures.FEATURE_READ_HEALTH_DATA_IN_BACKGROUND) ==
                HealthConnectFeatures.FEATURE_STATUS_AVAILABLE
            ) {
                add(HealthPermission.PERMISSION_READ_HEALTH_DATA_IN_BACKGROUND)
            }
            if (features.getFeatureStatus(HealthConnectFeatures.FEATURE_READ_HEALTH_DATA_HISTORY) ==
                HealthConnectFeatures.FEATURE_STATUS_AVAILABLE
            ) {
                add(HealthPermission.PERMISSION_READ_HEALTH_DATA_HISTORY)
            }
        }
    }
}
