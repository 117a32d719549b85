// The library module: the Kotlin that scripts/build-android generates from the core
// (build/generated/uniffi), the portable kit (src/portable, also compiled and tested on a plain JVM
// by tests/bindings/kotlin), the Health Connect glue (src/main) and the core's libraries for each
// ABI, built by cargo-ndk into src/main/jniLibs with 16 KB pages; and the Kotlin half of the
// rustls platform verifier, at the version Cargo.lock gives its native half.
plugins {
    alias(libs.plugins.android.library)
    alias(libs.plugins.kotlin.android)
}

android {
    namespace = "app.alyze"
    compileSdk = 36

    defaultConfig {
        // Health Connect's Jetpack client needs API 26; a reminder's alarm is told apart by its id
        // (`Intent.setIdentifier`), which is API 29.
        minSdk = 29
        consumerProguardFiles("consumer-rules.pro")
    }

    sourceSets["main"].kotlin.srcDirs(
        "src/portable/kotlin",
        layout.buildDirectory.dir("generated/uniffi"),
    )

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }

    packaging {
        // The libraries are aligned for 16 KB pages by the linker (scripts/build-android); stored
        // uncompressed so that they can be mapped from the APK.
        jniLibs.useLegacyPackaging = false
    }
}

kotlin {
    jvmToolchain(17)
}

/**
 * The version of a crate in a Cargo.lock: each `[[package]]` entry is its `name` line, then its
 * `version` line, up to a blank line. A [ValueSource], so that the configuration cache reads the
 * lockfile again whenever it changes.
 */
abstract class CargoLockVersion : ValueSource<String, CargoLockVersion.Params> {
    interface Params : ValueSourceParameters {
        val lockFile: RegularFileProperty
        val crate: Property<String>
    }

    override fun obtain(): String {
        val lock = parameters.lockFile.get().asFile
        val crate = parameters.crate.get()
        val lines = lock.readLines()
        val entry = lines.indexOfFirst { it.trim() == "name = \"$crate\"" }
        check(entry >= 0) { "$crate is not in $lock" }
        return lines.drop(entry + 1)
            .takeWhile { it.isNotBlank() }
            .firstOrNull { it.trimStart().startsWith("version = ") }
            ?.substringAfter('"')
            ?.substringBefore('"')
            ?.takeIf { it.isNotEmpty() }
            ?: error("$crate has no version in $lock")
    }
}

// rustls-platform-verifier checks the clinic's certificate with Android's trust manager through a
// few Kotlin classes that its native code calls by JNI. They ship as an AAR whose version is that
// of the `rustls-platform-verifier-android` crate in the workspace's lockfile (android/alyze/ ->
// ../../Cargo.lock); another version may not match the native calls and fails at run time.
val rustlsPlatformVerifierVersion = providers.of(CargoLockVersion::class.java) {
    parameters.lockFile.set(layout.projectDirectory.file("../../Cargo.lock"))
    parameters.crate.set("rustls-platform-verifier-android")
}

dependencies {
    // The @aar: the generated bindings load libalyze.so through JNA.
    implementation("${libs.jna.get()}@aar")
    // The version goes on the dependency itself, not in a resolution rule of this module's
    // configurations (the crate's README, for a single-module app): the app module resolves this
    // library's dependencies in its own configurations, where such a rule would not apply.
    implementation(libs.rustls.platform.verifier) {
        version { strictly(rustlsPlatformVerifierVersion.get()) }
    }
    implementation(libs.kotlinx.coroutines.android)
    implementation(libs.health.connect.client)
    implementation(libs.work.runtime.ktx)
}
