// The library module: the Kotlin that scripts/build-android generates from the core
// (build/generated/uniffi), the portable kit (src/portable, also compiled and tested on a plain JVM
// by tests/bindings/kotlin), the Health Connect glue (src/main) and the core's libraries for each
// ABI, built by cargo-ndk into src/main/jniLibs with 16 KB pages.
plugins {
    alias(libs.plugins.android.library)
    alias(libs.plugins.kotlin.android)
}

android {
    namespace = "app.alyze"
    compileSdk = 35

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

dependencies {
    // The @aar: the generated bindings load libalyze.so through JNA.
    implementation("${libs.jna.get()}@aar")
    implementation(libs.kotlinx.coroutines.android)
    implementation(libs.health.connect.client)
    implementation(libs.work.runtime.ktx)
}
