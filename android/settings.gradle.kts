// The Android shell: `alyze`, the library module (the generated Kotlin bindings, the cargo-ndk
// built libraries, the portable kit and the Health Connect glue), and `app`, the member app
// (Jetpack Compose) over it. Built with the Android SDK on a developer's machine
// (`scripts/build-android`); not on the project's CI, which has no SDK.
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}

dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
        // The Kotlin half of the rustls-platform-verifier crate (which the core's HTTP client uses
        // to check the clinic's certificate) is published only in the crate's own Maven archive on
        // GitHub. Only its group is taken from there, and nothing of that group from elsewhere.
        exclusiveContent {
            forRepository {
                maven {
                    name = "rustlsPlatformVerifier"
                    url = uri("https://github.com/rustls/rustls-platform-verifier/raw/maven-archive/android-release-support/maven/")
                }
            }
            filter { includeGroup("org.rustls") }
        }
    }
}

rootProject.name = "alyze-android"
include(":alyze", ":app")
