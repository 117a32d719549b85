//! The one thing the core needs from Android's JVM: the sync client verifies the clinic server's
//! certificate with Android's own trust manager (reqwest's rustls with
//! `rustls-platform-verifier`, `core/src/sync/client.rs`), which the verifier reaches through JNI.
//! So the app hands it the JVM and its `Context` once, at start, before any sync: the Kotlin
//! `app.alyze.android.PlatformTls.initialise(context)` (android/alyze) calls [`initialise`].
//! Without it the first TLS connection fails with the verifier's "not initialized" panic, which
//! UniFFI reports as an error. Everything else crosses through UniFFI; this is plain JNI because
//! the verifier needs the JNI environment itself.

use jni::EnvUnowned;
use jni::errors::ThrowRuntimeExAndDefault;
use jni::jni_mangle;
use jni::objects::{JClass, JObject};

/// `PlatformTls.initialise(context)`: gives the certificate verifier the JVM and the app's
/// `Context`. Later calls do nothing; a JNI failure is thrown to Kotlin as a `RuntimeException`.
#[jni_mangle("app.alyze.android.PlatformTls")]
pub fn initialise<'caller>(
    mut env: EnvUnowned<'caller>,
    _class: JClass<'caller>,
    context: JObject<'caller>,
) {
    env.with_env(|env| rustls_platform_verifier::android::init_with_env(env, context))
        .resolve::<ThrowRuntimeExAndDefault>();
}
