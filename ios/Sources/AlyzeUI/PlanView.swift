// Plan: today's recovery protocol from the core's planner. The training guidance of a recover
// day; the training the member planned for the day, which the plan is made around (added from
// the section's button, deleted by swiping its row); the timeline of sessions with their times,
// doses and why each is there; what the timing rules left out and why; and the week's adherence
// to each target. A planned session is logged from its row (the form starts from its dose), any
// other from the toolbar; after a log or a change to the training the screen reloads.
import Alyze
import SwiftUI

@MainActor
struct PlanView: View {
    @Environment(AppModel.self) private var model
    /// The day shown: today, as of the last load.
    @State private var day = Date()
    @State private var plan: FfiDayPlan?
    @State private var training: [FfiStoredPlannedWorkout] = []
    @State private var week: FfiWeekAdherence?
    @State private var failure: String?
    @State private var logging: SessionDraft?
    @State private var addingTraining = false

    var body: some View {
        NavigationStack {
            List {
                if let failure {
                    Text(failure).foregroundStyle(.secondary)
                }
                if let guidance = plan?.guidance {
                    Section("Training today") {
                        Text(guidance.text)
                        Text("Keep sessions at or below RPE \(String(guidance.maxRpe)).")
                            .foregroundStyle(.secondary)
                    }
                }
                Section {
                    if training.isEmpty {
                        Text("No training planned today.").foregroundStyle(.secondary)
                    }
                    ForEach(training, id: \.id) { TrainingRow(workout: $0.workout) }
                        .onDelete(perform: removeTraining)
                    Button("Add training", systemImage: "plus") { addingTraining = true }
                } header: {
                    Text("Training")
                } footer: {
                    Text("Sessions are planned around your training: none during it, and no cold "
                        + "immersion in the hours after strength work.")
                }
                if let plan {
                    Section("Timeline") {
                        if plan.items.isEmpty {
                            Text("Nothing planned today.").foregroundStyle(.secondary)
                        }
                        ForEach(plan.items, id: \.self) { item in
                            PlanItemRow(item: item) { logging = SessionDraft(item) }
                        }
                    }
                    if !plan.dropped.isEmpty {
                        Section("Left out") {
                            ForEach(plan.dropped, id: \.self) { dropped in
                                VStack(alignment: .leading) {
                                    Text(dropped.modality.label + (dropped.booked ? " (booked)" : ""))
                                    Text(dropped.reasonText).font(.caption).foregroundStyle(.secondary)
                                }
                            }
                        }
                    }
                }
                if let week {
                    Section("This week") {
                        ForEach(week.targets, id: \.self) { AdherenceRow(target: $0) }
                        LabeledContent("Sauna", value: "\(number(week.saunaMinutes, digits: 0)) min")
                        LabeledContent("Cold", value: "\(number(week.coldMinutes, digits: 0)) min")
                    }
                }
            }
            .navigationTitle("Plan")
            .toolbar {
                Button("Log session", systemImage: "plus") { logging = SessionDraft() }
            }
            .sheet(item: $logging) { draft in
                LogSessionView(draft: draft)
            }
            .sheet(isPresented: $addingTraining) {
                AddTrainingView(day: day)
            }
            .task(id: model.revision) { await load() }
        }
    }

    /// The training loads apart from the plan, so that it can be entered before the clinic's
    /// prescription arrives, when there is no plan yet.
    private func load() async {
        let today = Date()
        day = today
        var failed: Error?
        do {
            training = try await model.plannedWorkouts(on: today)
        } catch {
            training = []
            failed = error
        }
        do {
            plan = try await model.plan(on: today)
            week = try await model.weekAdherence(on: today)
        } catch {
            plan = nil
            week = nil
            failed = failed ?? error
        }
        failure = failed.map { message(for: $0) }
    }

    /// Swiping a row off removes it at once; if the store cannot, the screen reloads what it holds
    /// and says so.
    private func removeTraining(at offsets: IndexSet) {
        let ids = offsets.map { training[$0].id }
        training.remove(atOffsets: offsets)
        Task {
            do {
                for id in ids {
                    try await model.removePlannedWorkout(id: id)
                }
            } catch {
                await load()
                failure = message(for: error)
            }
        }
    }
}

private struct TrainingRow: View {
    let workout: FfiPlannedWorkout

    var body: some View {
        HStack {
            Text(localTime(workout.startMs, workout.startOffsetS) + "–"
                + localTime(workout.endMs, workout.endOffsetS))
                .monospacedDigit()
            Text(workout.trainingClass.label).bold()
        }
    }
}

private struct PlanItemRow: View {
    let item: FfiPlanItem
    let log: () -> Void

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            HStack {
                Text(localTime(item.startMs, item.startOffsetS) + "–"
                    + localTime(item.endMs, item.endOffsetS))
                    .monospacedDigit()
                Text(item.modality.label).bold()
                Spacer()
                Button("Log", action: log).buttonStyle(.bordered)
            }
            Text(item.dose.text)
            Text(item.reasonText).font(.caption).foregroundStyle(.secondary)
            DisclosureGroup("Evidence") {
                Text(item.evidence).font(.caption)
            }
            .font(.caption)
        }
    }
}

/// An instant's time in the zone it was planned in (its offset), which is the phone's unless the
/// member has travelled since.
private func localTime(_ ms: Int64, _ offsetS: Int32) -> String {
    let zone = TimeZone(secondsFromGMT: Int(offsetS)) ?? .current
    let style = Date.FormatStyle(date: .omitted, time: .shortened, timeZone: zone)
    return Date(epochMs: ms).formatted(style)
}

private struct AdherenceRow: View {
    let target: TargetAdherence

    var body: some View {
        VStack(alignment: .leading) {
            HStack {
                Text(target.modality.label)
                Spacer()
                Text("\(String(target.sessionsDone)) of \(String(target.sessionsTarget)) sessions")
                    .foregroundStyle(.secondary)
            }
            ProgressView(value: min(target.sessionsPercent / 100, 1))
            Text("\(number(target.minutesDone, digits: 0)) of "
                + "\(number(target.minutesTarget, digits: 0)) min")
                .font(.caption).foregroundStyle(.secondary)
        }
    }
}
