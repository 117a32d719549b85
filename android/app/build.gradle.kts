// The member app: Jetpack Compose screens (Today, Plan, Trends, Check-in, Settings) over the
// library module, whose store, Health Connect glue, background sync and reminders it starts in its
// `Application`. What the screens decide is in the library's portable kit, tested on a JVM; this
// module only lays it out.
plugins {
    alias(libs.plugins.android.application)
    alias(libs.plugins.kotlin.android)
    alias(libs.plugins.kotlin.compose)
}

android {
    namespace = "app.alyze.member"
    compileSdk = 36

    defaultConfig {
        applicationId = "app.alyze"
        // The library's floor (alarms told apart by `Intent.setIdentifier`, API 29).
        minSdk = 29
        targetSdk = 36
        versionCode = 1
        versionName = "0.1.0"
    }

    buildTypes {
        release {
            // The library's consumer rules keep what JNA, UniFFI and the TLS verifier reach by name.
            isMinifyEnabled = true
            proguardFiles(getDefaultProguardFile("proguard-android-optimize.txt"))
        }
    }

    buildFeatures {
        compose = true
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
}

kotlin {
    jvmToolchain(17)
}

dependencies {
    implementation(project(":alyze"))
    implementation(platform(libs.compose.bom))
    implementation(libs.compose.ui)
    implementation(libs.compose.foundation)
    implementation(libs.compose.material3)
    implementation(libs.compose.material.icons.core)
    implementation(libs.activity.compose)
    implementation(libs.lifecycle.viewmodel.compose)
    implementation(libs.lifecycle.runtime.compose)
    // Used directly by the Settings screen (availability, permissions) and the view models.
    implementation(libs.health.connect.client)
    implementation(libs.kotlinx.coroutines.android)
}
