// Logging a recovery session: what, when, how long and, for the sauna and the plunge, how hot or
// cold. The core checks the dose against the clinic's safe ranges; a dose outside them is refused
// with the range, and the member may then log it as prescribed by the clinic (the core's override,
// which still refuses an implausible dose).
import Alyze
import SwiftUI

/// What the form starts from: a planned item's modality, time and dose, or a blank session now.
struct SessionDraft: Identifiable {
    let id = UUID()
    var modality = RecoveryModality.sauna
    var start = Date()
    var minutes: Double?
    var temperatureC: Double?

    init() {}

    init(_ item: FfiPlanItem) {
        modality = item.modality
        start = Date(epochMs: item.startMs)
        minutes = item.dose.minutes
        temperatureC = item.dose.temperatureC
    }
}

@MainActor
struct LogSessionView: View {
    @Environment(AppModel.self) private var model
    @Environment(\.dismiss) private var dismiss
    @State private var draft: SessionDraft
    @State private var failure: String?
    @State private var outsideSafeRange = false
    @State private var saving = false

    init(draft: SessionDraft) {
        _draft = State(initialValue: draft)
    }

    var body: some View {
        NavigationStack {
            Form {
                Picker("Modality", selection: $draft.modality) {
                    ForEach(RecoveryModality.all, id: \.self) { Text($0.label).tag($0) }
                }
                DatePicker("Start", selection: $draft.start, in: ...Date())
                TextField("Minutes", value: $draft.minutes, format: .number)
                    .keyboardType(.decimalPad)
                if draft.modality.hasTemperature {
                    TextField("Temperature, °C", value: $draft.temperatureC, format: .number)
                        .keyboardType(.decimalPad)
                }
                if let failure {
                    Section {
                        Text(failure).foregroundStyle(.red)
                        if outsideSafeRange {
                            Button("Log as prescribed by my clinic") {
                                Task { await save(clinicOverride: true) }
                            }
                        }
                    }
                }
            }
            .navigationTitle("Log session")
            .navigationBarTitleDisplayMode(.inline)
            .toolbar {
                ToolbarItem(placement: .cancellationAction) {
                    Button("Cancel") { dismiss() }
                }
                ToolbarItem(placement: .confirmationAction) {
                    Button("Save") { Task { await save(clinicOverride: false) } }
                        .disabled(draft.minutes == nil || saving)
                }
            }
        }
    }

    private func save(clinicOverride: Bool) async {
        guard let minutes = draft.minutes else { return }
        saving = true
        defer { saving = false }
        let zone = TimeZone.current
        let session = FfiLoggedSession(
            modality: draft.modality,
            startMs: draft.start.epochMs,
            startOffsetS: Int32(zone.secondsFromGMT(for: draft.start)),
            zone: zone.identifier,
            minutes: minutes,
            temperatureC: draft.modality.hasTemperature ? draft.temperatureC : nil,
            clinicOverride: clinicOverride
        )
        do {
            _ = try await model.log(session)
            dismiss()
        } catch {
            // Offered only after the range refusal: the override cannot help any other failure.
            if case AlyzeError.DoseOutsideSafeRange = error {
                outsideSafeRange = true
            } else {
                outsideSafeRange = false
            }
            failure = message(for: error)
        }
    }
}
