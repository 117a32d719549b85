// The one-time start-up of TLS on Android. The core's HTTP client (reqwest with rustls) checks the
// clinic's certificate with rustls-platform-verifier, which on Android asks the system's trust
// manager through JNI: the system's roots, a user's or an employer's added CAs, revocation. For
// that it needs the JVM and the application context before the first connection, and the library
// exports `Java_app_alyze_android_PlatformTls_initialise` to hand them over. The app calls it
// first thing in `Application.onCreate`; until then an enrolment or a sync would fail.
package app.alyze.android

import android.content.Context

/** The verifier's initialisation; see the file's comment. */
object PlatformTls {
    init {
        // JNA opens libalyze.so for the generated bindings, but a JNI `external` function is looked
        // up only in libraries loaded through the JVM, so it is loaded here as well (the same file,
        // mapped once).
        System.loadLibrary("alyze")
    }

    /** Gives the verifier the JVM and [context]; once per process, before any network call. */
    @JvmStatic
    external fun initialise(context: Context)
}
