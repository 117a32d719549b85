// Plan: today's recovery protocol from the core's planner. The training guidance of a recover
// day; the timeline of sessions with their times, doses and why each is there; what the timing
// rules left out and why; and the week's adherence to each target. A planned session is logged
// from its row (the form starts from its dose), any other from the toolbar; after a log the
// adherence and the plan reload.
import Alyze
import SwiftUI

@MainActor
struct PlanView: View {
    @Environment(AppModel.self) private var model
    @State private var plan: FfiDayPlan?
    @State private var week: FfiWeekAdherence?
    @State private var failure: String?
    @State private var logging: SessionDraft?

    var body: some View {
        NavigationStack {
            List {
                if let failure {
                    Text(failure).foregroundStyle(.secondary)
                }
                if let plan {
                    if let guidance = plan.guidance {
                        Section("Training today") {
                            Text(guidance.text)
                            Text("Keep sessions at or below RPE \(String(guidance.maxRpe)).")
                                .foregroundStyle(.secondary)
                        }
                    }
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
            .task(id: model.revision) { await load() }
        }
    }

    private func load() async {
        let today = Date()
        do {
            plan = try await model.plan(on: today)
            week = try await model.weekAdherence(on: today)
            failure = nil
        } catch {
            plan = nil
            week = nil
            failure = message(for: error)
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

    /// The item's time in the zone it was planned in (its offset), which is the phone's unless the
    /// member has travelled since.
    private func localTime(_ ms: Int64, _ offsetS: Int32) -> String {
        let zone = TimeZone(secondsFromGMT: Int(offsetS)) ?? .current
        let style = Date.FormatStyle(date: .omitted, time: .shortened, timeZone: zone)
        return Date(epochMs: ms).formatted(style)
    }
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
