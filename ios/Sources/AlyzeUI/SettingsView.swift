// Settings: the member's profile; access to Health and to notifications; the clinic (enrolment
// with the server's address and the one-time code, then sync now and what is still to send); and
// sign-out, which erases this phone's data and, while changes have not reached the clinic, asks
// first whether to discard them.
import Alyze
import SwiftUI

struct SettingsView: View {
    @State private var failure: String?

    var body: some View {
        NavigationStack {
            Form {
                if let failure {
                    Text(failure).foregroundStyle(.red)
                }
                ProfileSection()
                PermissionsSection(failure: $failure)
                ClinicSection(failure: $failure)
                SignOutSection(failure: $failure)
            }
            .navigationTitle("Settings")
        }
    }
}

/// Sex sets the core's TRIMP and creatine kinase constants; until the member saves it the core's
/// default (female, which errs towards recovery) is used. The rest refine the assessment when the
/// clinic has measured them.
@MainActor
private struct ProfileSection: View {
    @Environment(AppModel.self) private var model
    @State private var sex: Sex?
    @State private var ageYears: Double?
    @State private var restingHrBpm: Double?
    @State private var maxHrBpm: Double?
    @State private var metric: HrvMetric?

    var body: some View {
        Section {
            Picker("Sex", selection: $sex) {
                Text("Not set").tag(Sex?.none)
                Text("Female").tag(Sex?.some(.female))
                Text("Male").tag(Sex?.some(.male))
            }
            TextField("Age, years", value: $ageYears, format: .number).keyboardType(.decimalPad)
            TextField("Resting heart rate, bpm", value: $restingHrBpm, format: .number)
                .keyboardType(.decimalPad)
            TextField("Maximal heart rate, bpm", value: $maxHrBpm, format: .number)
                .keyboardType(.decimalPad)
            Picker("HRV metric", selection: $metric) {
                Text("Automatic").tag(HrvMetric?.none)
                Text("RMSSD").tag(HrvMetric?.some(.rmssd))
                Text("SDNN").tag(HrvMetric?.some(.sdnn))
            }
            Button("Save profile") {
                guard let sex else { return }
                model.saveProfile(MemberProfile(
                    sex: sex, restingHrBpm: restingHrBpm, maxHrBpm: maxHrBpm, ageYears: ageYears,
                    preferredHrvMetric: metric
                ))
            }
            .disabled(sex == nil)
        } header: {
            Text("Profile")
        } footer: {
            if model.profileIsDefault {
                Text("Until you save your sex, readiness assumes female, which errs towards recovery. Give the heart rates only if your clinic measured them.")
            } else {
                Text("Give the heart rates only if your clinic measured them.")
            }
        }
        .task(id: model.profile) {
            let profile = model.profile
            sex = model.profileIsDefault ? nil : profile.sex
            ageYears = profile.ageYears
            restingHrBpm = profile.restingHrBpm
            maxHrBpm = profile.maxHrBpm
            metric = profile.preferredHrvMetric
        }
    }
}

@MainActor
private struct PermissionsSection: View {
    @Environment(AppModel.self) private var model
    @Binding var failure: String?
    @State private var healthAsked = false

    var body: some View {
        Section {
            if healthAsked {
                Text("Health access was asked. Change it in the Health app under Sharing, Apps.")
                    .foregroundStyle(.secondary)
            } else {
                Button("Allow access to Health") {
                    Task {
                        do {
                            try await model.requestHealthAccess()
                            healthAsked = await model.healthAccessAsked()
                            try await model.refresh()
                        } catch {
                            failure = message(for: error)
                        }
                    }
                }
            }
            Button("Allow reminders") {
                Task {
                    do {
                        _ = try await model.requestReminderPermission()
                    } catch {
                        failure = message(for: error)
                    }
                }
            }
        } header: {
            Text("Permissions")
        } footer: {
            Text("alyze reads heart rate, HRV, sleep and workouts, and reminds you of your plan's "
                + "sessions.")
        }
        .task { healthAsked = await model.healthAccessAsked() }
    }
}

@MainActor
private struct ClinicSection: View {
    @Environment(AppModel.self) private var model
    @Binding var failure: String?
    @State private var serverUrl = ""
    @State private var code = ""
    @State private var unsent: UInt64?
    @State private var busy = false

    var body: some View {
        Section("Clinic") {
            if model.enrolled {
                if let lastSync = model.lastSync {
                    LabeledContent(
                        "Last synced", value: lastSync.formatted(date: .omitted, time: .shortened)
                    )
                }
                if let unsent {
                    LabeledContent("Waiting to be sent", value: "\(unsent) changes")
                }
                Button("Sync now") { run { try await model.syncNow() } }
                    .disabled(busy)
            } else {
                TextField("Server address", text: $serverUrl)
                    .keyboardType(.URL)
                    .textInputAutocapitalization(.never)
                    .autocorrectionDisabled()
                TextField("Enrolment code", text: $code)
                    .textInputAutocapitalization(.never)
                    .autocorrectionDisabled()
                Button("Enrol") {
                    run {
                        try await model.enrol(serverUrl: serverUrl, code: code)
                        code = ""
                        try await model.refresh()
                    }
                }
                .disabled(serverUrl.isEmpty || code.isEmpty || busy)
            }
        }
        .task(id: model.revision) {
            unsent = try? await model.unsentChanges()
        }
    }

    private func run(_ work: @escaping () async throws -> Void) {
        busy = true
        Task {
            defer { busy = false }
            do {
                try await work()
                failure = nil
            } catch {
                failure = message(for: error)
            }
        }
    }
}

@MainActor
private struct SignOutSection: View {
    @Environment(AppModel.self) private var model
    @Binding var failure: String?
    @State private var confirming = false
    @State private var unsent: UInt64 = 0

    var body: some View {
        Section {
            Button("Sign out", role: .destructive) {
                Task {
                    do {
                        unsent = try await model.unsentChanges()
                        confirming = true
                    } catch {
                        failure = message(for: error)
                    }
                }
            }
            .confirmationDialog(
                unsent > 0 ? "\(String(unsent)) changes have not reached your clinic" : "Sign out?",
                isPresented: $confirming, titleVisibility: .visible
            ) {
                Button(unsent > 0 ? "Discard them and sign out" : "Sign out", role: .destructive) {
                    Task {
                        do {
                            let login = try await model.signOut(discardingUnsent: unsent > 0)
                            // The server could not end the login: say so, as Android does.
                            failure = login == .unreached
                                ? "Signed out. The clinic could not be reached to end this phone's "
                                    + "login; it ends by itself once unused for 30 days."
                                : nil
                        } catch {
                            failure = message(for: error)
                        }
                    }
                }
            } message: {
                Text("Signing out erases alyze's data from this phone. "
                    + "Your clinic keeps what it has received.")
            }
        }
    }
}
