// Adding planned training: its start on the Plan screen's day, how many minutes and what kind. It
// is kept in the store, and every plan and reminder of the days it touches counts it, so that no
// cold session is planned into the hours after strength work still to come. Each offset is the
// phone's zone's at its own instant, so training across a DST change crosses with the right ones.
import Alyze
import SwiftUI

@MainActor
struct AddTrainingView: View {
    @Environment(AppModel.self) private var model
    @Environment(\.dismiss) private var dismiss
    /// The day the training is on: only the time of `time` is used.
    let day: Date
    @State private var time = Date()
    @State private var minutes: Int? = 60
    @State private var trainingClass = TrainingClass.strength
    @State private var failure: String?
    @State private var saving = false

    /// The core takes training that lasts less than a day; the bound also keeps the end's
    /// milliseconds within what `Date.epochMs` converts.
    private static let lengths = 1..<(24 * 60)

    var body: some View {
        NavigationStack {
            Form {
                Section {
                    DatePicker("Start", selection: $time, displayedComponents: .hourAndMinute)
                    TextField("Minutes", value: $minutes, format: .number)
                        .keyboardType(.numberPad)
                    Picker("Kind", selection: $trainingClass) {
                        ForEach(TrainingClass.all, id: \.self) { Text($0.label).tag($0) }
                    }
                } footer: {
                    Text("Less than a day: up to \(String(Self.lengths.upperBound - 1)) minutes.")
                }
                if let failure {
                    Text(failure).foregroundStyle(.red)
                }
            }
            .navigationTitle("Add training")
            .navigationBarTitleDisplayMode(.inline)
            .toolbar {
                ToolbarItem(placement: .cancellationAction) {
                    Button("Cancel") { dismiss() }
                }
                ToolbarItem(placement: .confirmationAction) {
                    Button("Save") { Task { await save() } }
                        .disabled(!Self.lengths.contains(minutes ?? 0) || saving)
                }
            }
        }
    }

    private func save() async {
        guard let minutes, Self.lengths.contains(minutes) else { return }
        saving = true
        defer { saving = false }
        let zone = TimeZone.current
        let start = LocalDay.at(time, on: day)
        let end = start.addingTimeInterval(TimeInterval(minutes * 60))
        let workout = FfiPlannedWorkout(
            startMs: start.epochMs,
            startOffsetS: Int32(zone.secondsFromGMT(for: start)),
            endMs: end.epochMs,
            endOffsetS: Int32(zone.secondsFromGMT(for: end)),
            trainingClass: trainingClass
        )
        do {
            try await model.addPlannedWorkout(workout)
            dismiss()
        } catch {
            failure = message(for: error)
        }
    }
}
