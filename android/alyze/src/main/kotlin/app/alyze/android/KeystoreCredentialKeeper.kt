// The enrolment's tokens at rest on Android: encrypted with an AES-GCM key that never leaves the
// Android Keystore, the ciphertext in the app's no-backup folder (a backup restored on another
// phone must not carry a member's tokens). The core reads and writes them through
// `CredentialKeeper` whenever it enrols or rotates the tokens.
package app.alyze.android

import android.content.Context
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyPermanentlyInvalidatedException
import android.security.keystore.KeyProperties
import java.io.File
import java.security.GeneralSecurityException
import java.security.KeyStore
import java.security.UnrecoverableKeyException
import javax.crypto.AEADBadTagException
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec
import org.json.JSONObject
import uniffi.alyze.CredentialKeeper
import uniffi.alyze.Credentials

/** Keeps the credentials in `noBackupFilesDir/credentials.bin`, sealed by a Keystore key. */
class KeystoreCredentialKeeper(context: Context) : CredentialKeeper {
    private val file = File(context.noBackupFilesDir, "credentials.bin")

    /**
     * The saved credentials; `null` when there are none, or when their key is gone for good (the
     * Keystore entry lost or invalidated, so the ciphertext can never be opened): then the file is
     * deleted and the core answers "not enrolled", which sends the member to enrol again instead
     * of failing every sync. Any other failure is thrown, and the core reports the sync failed.
     */
    override fun load(): Credentials? {
        if (!file.exists()) return null
        val sealed = file.readBytes()
        // The first byte is the IV's length, then the IV, then the ciphertext with its GCM tag.
        val ivLength = sealed[0].toInt()
        val plain = try {
            val cipher = Cipher.getInstance(TRANSFORMATION)
            cipher.init(Cipher.DECRYPT_MODE, key(), GCMParameterSpec(TAG_BITS, sealed, 1, ivLength))
            cipher.doFinal(sealed, 1 + ivLength, sealed.size - 1 - ivLength)
        } catch (e: GeneralSecurityException) {
            if (e !is AEADBadTagException && e !is KeyPermanentlyInvalidatedException && e !is UnrecoverableKeyException) {
                throw e
            }
            file.delete()
            return null
        }
        val json = JSONObject(plain.decodeToString())
        return Credentials(
            serverUrl = json.getString("server_url"),
            memberId = json.getString("member_id"),
            deviceId = json.getString("device_id"),
            accessToken = json.getString("access_token"),
            refreshToken = json.getString("refresh_token"),
            accessExpiresAtMs = json.getLong("access_expires_at_ms"),
        )
    }

    override fun save(credentials: Credentials) {
        val json = JSONObject()
            .put("server_url", credentials.serverUrl)
            .put("member_id", credentials.memberId)
            .put("device_id", credentials.deviceId)
            .put("access_token", credentials.accessToken)
            .put("refresh_token", credentials.refreshToken)
            .put("access_expires_at_ms", credentials.accessExpiresAtMs)
        val cipher = Cipher.getInstance(TRANSFORMATION)
        cipher.init(Cipher.ENCRYPT_MODE, key())
        val sealed = byteArrayOf(cipher.iv.size.toByte()) + cipher.iv + cipher.doFinal(json.toString().encodeToByteArray())
        // Written beside, then renamed over: a crash leaves the old tokens or the new, never half.
        val next = File(file.parentFile, "credentials.bin.new")
        next.writeBytes(sealed)
        check(next.renameTo(file)) { "the credentials could not be saved" }
    }

    /** Forgets the credentials and their key (sign-out, after `AlyzeStore.signOut`). */
    fun clear() {
        file.delete()
        KeyStore.getInstance(KEYSTORE).apply { load(null) }.deleteEntry(ALIAS)
    }

    private fun key(): SecretKey {
        val store = KeyStore.getInstance(KEYSTORE).apply { load(null) }
        (store.getKey(ALIAS, null) as? SecretKey)?.let { return it }
        val generator = KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, KEYSTORE)
        generator.init(
            KeyGenParameterSpec.Builder(ALIAS, KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT)
                .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
                .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
                .setKeySize(256)
                .build(),
        )
        return generator.generateKey()
    }

    private companion object {
        const val KEYSTORE = "AndroidKeyStore"
        const val ALIAS = "alyze-credentials"
        const val TRANSFORMATION = "AES/GCM/NoPadding"
        const val TAG_BITS = 128
    }
}
