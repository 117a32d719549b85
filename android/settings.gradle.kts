// The Android shell: `alyze`, the library module (the generated Kotlin bindings, the cargo-ndk
// built libraries, the portable kit and the Health Connect glue). Built with the Android SDK on a
// developer's machine (`scripts/build-android`); not on the project's CI, which has no SDK.
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
    }
}

rootProject.name = "alyze-android"
include(":alyze")
