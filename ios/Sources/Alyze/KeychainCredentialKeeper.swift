// The enrolment's tokens at rest on iOS: one generic-password item in the Keychain, readable after
// the phone's first unlock (background syncs run with the phone locked) and never migrated to
// another device by a backup. The core reads and writes it through `CredentialKeeper`.
import Foundation
import Security

/// A Keychain call that failed, with its `OSStatus`. The core reports it without the text (a
/// foreign error's text could quote anything).
public struct KeychainError: Error {
    public let status: OSStatus
}

/// Keeps the credentials as one Keychain item.
public final class KeychainCredentialKeeper: CredentialKeeper {
    private let service = "app.alyze.credentials"

    public init() {}

    public func load() throws -> Credentials? {
        var query = baseQuery()
        query[kSecReturnData as String] = true
        query[kSecMatchLimit as String] = kSecMatchLimitOne
        var item: CFTypeRef?
        let status = SecItemCopyMatching(query as CFDictionary, &item)
        if status == errSecItemNotFound { return nil }
        guard status == errSecSuccess, let data = item as? Data else {
            throw KeychainError(status: status)
        }
        return try JSONDecoder().decode(Stored.self, from: data).credentials
    }

    public func save(credentials: Credentials) throws {
        let data = try JSONEncoder().encode(Stored(credentials))
        let update = [kSecValueData as String: data]
        var status = SecItemUpdate(baseQuery() as CFDictionary, update as CFDictionary)
        if status == errSecItemNotFound {
            var add = baseQuery()
            add[kSecValueData as String] = data
            add[kSecAttrAccessible as String] = kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly
            status = SecItemAdd(add as CFDictionary, nil)
        }
        guard status == errSecSuccess else {
            throw KeychainError(status: status)
        }
    }

    /// Forgets the credentials (sign-out, after `AlyzeStore.signOut()`).
    public func clear() {
        SecItemDelete(baseQuery() as CFDictionary)
    }

    private func baseQuery() -> [String: Any] {
        [kSecClass as String: kSecClassGenericPassword, kSecAttrService as String: service]
    }

    /// The credentials as stored: named fields, so a later app version can read them.
    private struct Stored: Codable {
        let serverUrl, memberId, deviceId, accessToken, refreshToken: String
        let accessExpiresAtMs: Int64

        init(_ c: Credentials) {
            serverUrl = c.serverUrl
            memberId = c.memberId
            deviceId = c.deviceId
            accessToken = c.accessToken
            refreshToken = c.refreshToken
            accessExpiresAtMs = c.accessExpiresAtMs
        }

        var credentials: Credentials {
            Credentials(
                serverUrl: serverUrl, memberId: memberId, deviceId: deviceId,
                accessToken: accessToken, refreshToken: refreshToken, accessExpiresAtMs: accessExpiresAtMs
            )
        }
    }
}
