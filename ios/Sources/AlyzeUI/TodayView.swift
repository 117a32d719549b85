// Today: the morning call. The day's readiness from the core: the call (push, maintain or
// recover) with its score, or why there is none yet (calibrating, with the nights left; or
// unscorable, with what is missing); the overreaching and illness flags; the reasons, most
// important first, in the core's words; and the components the score was built from. Pulling
// down reads HealthKit and syncs first.
import Alyze
import SwiftUI

@MainActor
struct TodayView: View {
    @Environment(AppModel.self) private var model
    @State private var day: FfiDayReadiness?
    @State private var failure: String?
    /// Kept apart from `failure`: the reload that follows a failed sync must not hide it.
    @State private var refreshFailure: String?

    var body: some View {
        NavigationStack {
            List {
                ForEach([refreshFailure, failure].compactMap { $0 }, id: \.self) {
                    Text($0).foregroundStyle(.secondary)
                }
                if model.profileIsDefault {
                    Text("Assessed as female until you set your profile in Settings.")
                        .foregroundStyle(.secondary)
                }
                if let day {
                    Section { CallView(day: day) }
                    if !day.flags.isEmpty {
                        Section("Flags") {
                            ForEach(day.flags, id: \.self) { FlagRow(flag: $0) }
                        }
                    }
                    if !day.reasons.isEmpty {
                        Section("Why") {
                            ForEach(Array(day.reasons.enumerated()), id: \.offset) { _, reason in
                                Label {
                                    Text(reason.text)
                                } icon: {
                                    Image(systemName: reason.severity.symbol)
                                        .foregroundStyle(reason.severity.color)
                                }
                            }
                        }
                    }
                    if !day.components.isEmpty {
                        Section("Components") {
                            ForEach(day.components, id: \.self) { ComponentRow(component: $0) }
                        }
                    }
                }
            }
            .navigationTitle("Today")
            .task(id: model.revision) { await load() }
            // The action is a `@Sendable` closure, off the main actor unless SwiftUI marks it to
            // inherit it as it does `.task`'s; the state is set in a main-actor method either way.
            .refreshable { await refresh() }
        }
    }

    private func refresh() async {
        do {
            try await model.refresh()
            refreshFailure = nil
        } catch {
            refreshFailure = message(for: error)
        }
    }

    private func load() async {
        do {
            day = try await model.readiness(on: Date())
            failure = nil
        } catch {
            day = nil
            failure = message(for: error)
        }
    }
}

/// The call and the score, or why there is no call.
private struct CallView: View {
    let day: FfiDayReadiness

    var body: some View {
        switch day.state {
        case .scored:
            HStack(spacing: 16) {
                if let score = day.score {
                    Gauge(value: Double(score), in: 0...100) {
                        Text("Score")
                    } currentValueLabel: {
                        Text(String(score))
                    }
                    .gaugeStyle(.accessoryCircularCapacity)
                    .tint(day.recommendation?.color ?? .secondary)
                }
                if let call = day.recommendation {
                    VStack(alignment: .leading) {
                        Text(call.label).font(.largeTitle.bold()).foregroundStyle(call.color)
                        Text(call.advice).foregroundStyle(.secondary)
                    }
                }
            }
        case .calibrating(let daysLeft):
            VStack(alignment: .leading) {
                Text("Calibrating").font(.title.bold())
                Text("Learning your baseline: about \(String(daysLeft)) more nights with HRV.")
                    .foregroundStyle(.secondary)
            }
        case .unscorable(let missing):
            VStack(alignment: .leading) {
                Text("No call today").font(.title.bold())
                Text("Missing: \(missing.map(\.label).joined(separator: ", ")).")
                    .foregroundStyle(.secondary)
            }
        }
    }
}

private struct FlagRow: View {
    let flag: FfiFlag

    var body: some View {
        VStack(alignment: .leading) {
            Text(flag.code.label).bold()
            Text("\(flag.category.label), \(shortDate(flag.from)) to \(shortDate(flag.to))")
                .font(.caption).foregroundStyle(.secondary)
        }
    }

    private func shortDate(_ text: String) -> String {
        LocalDay.date(text)?.formatted(.dateTime.day().month(.abbreviated)) ?? text
    }
}

/// A component's value against its baseline, and the points it gave the score.
private struct ComponentRow: View {
    let component: FfiComponent

    var body: some View {
        HStack {
            VStack(alignment: .leading) {
                Text(component.name.label)
                Text(detail).font(.caption).foregroundStyle(.secondary)
            }
            Spacer()
            Text(String(format: "%+.1f", component.points)).monospacedDigit()
        }
    }

    private var detail: String {
        let unit = component.unit
        var parts: [String] = []
        if let value = component.value {
            parts.append("\(number(value, digits: 2)) \(unit)")
        }
        if let baseline = component.baseline {
            var text = "baseline \(number(baseline.mean, digits: 2))"
            if let lower = baseline.lower, let upper = baseline.upper {
                text += " (\(number(lower, digits: 2))–\(number(upper, digits: 2)))"
            }
            parts.append(text)
        }
        return parts.joined(separator: ", ")
    }
}
