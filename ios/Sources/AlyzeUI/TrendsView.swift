// Trends: the last 28 days of the inputs the call is judged on, from the core's trend series.
// lnHRV each night with its 7-day mean over the normal band; resting heart rate; sleep against
// the need it is judged by; and the daily training load. A day without a value is a gap: the
// lines break there instead of dropping to zero or bridging it.
import Alyze
import Charts
import SwiftUI

@MainActor
struct TrendsView: View {
    @Environment(AppModel.self) private var model
    @State private var history: FfiReadinessHistory?
    @State private var failure: String?

    /// Four weeks: long enough to see a trend against the normal band, short enough to read on a
    /// phone.
    private static let days = 28

    var body: some View {
        NavigationStack {
            List {
                if let failure {
                    Text(failure).foregroundStyle(.secondary)
                }
                if let history {
                    let trends = history.trends
                    Section("HRV (ln ms)") { HrvChart(trends: trends) }
                    Section("Resting heart rate (bpm)") { RestingHrChart(trends: trends) }
                    Section("Sleep (h)") { SleepChart(trends: trends) }
                    let scale = history.days.last?.loadKind ?? .unknown
                    Section("Training load (\(scale.label))") { LoadChart(trends: trends) }
                }
            }
            .navigationTitle("Trends")
            .task(id: model.revision) { await load() }
        }
    }

    private func load() async {
        do {
            history = try await model.history(days: Self.days, endingOn: Date())
            failure = nil
        } catch {
            history = nil
            failure = message(for: error)
        }
    }
}

/// One day's value on a chart, with the unbroken run of days it belongs to: a line joins the
/// points of one run only.
private struct Point<Value>: Identifiable {
    let id: Int
    let date: Date
    let value: Value
    let run: Int
}

/// The normal band of one day.
private struct Band {
    let low, high: Double
}

/// The days on which `pick` has a value; every missing day starts a new run.
private func points<Value>(_ trends: [FfiTrendDay], _ pick: (FfiTrendDay) -> Value?) -> [Point<Value>] {
    var run = 0
    var points: [Point<Value>] = []
    for (index, day) in trends.enumerated() {
        guard let date = LocalDay.date(day.date), let value = pick(day) else {
            run += 1
            continue
        }
        points.append(Point(id: index, date: date, value: value, run: run))
    }
    return points
}

private struct HrvChart: View {
    let trends: [FfiTrendDay]

    var body: some View {
        let band = points(trends) { day -> Band? in
            guard let low = day.normalLow, let high = day.normalHigh else { return nil }
            return Band(low: low, high: high)
        }
        let nights = points(trends) { $0.lnHrv }
        let means = points(trends) { $0.lnHrvWeekMean }
        Chart {
            ForEach(band) { point in
                AreaMark(
                    x: .value("Day", point.date, unit: .day),
                    yStart: .value("Normal low", point.value.low),
                    yEnd: .value("Normal high", point.value.high),
                    series: .value("Band", "band \(point.run)")
                )
                .foregroundStyle(by: .value("Series", "Normal range"))
            }
            ForEach(means) { point in
                LineMark(
                    x: .value("Day", point.date, unit: .day),
                    y: .value("lnHRV", point.value),
                    series: .value("Line", "mean \(point.run)")
                )
                .foregroundStyle(by: .value("Series", "7-day mean"))
            }
            ForEach(nights) { point in
                LineMark(
                    x: .value("Day", point.date, unit: .day),
                    y: .value("lnHRV", point.value),
                    series: .value("Line", "night \(point.run)")
                )
                .foregroundStyle(by: .value("Series", "Night"))
                PointMark(x: .value("Day", point.date, unit: .day), y: .value("lnHRV", point.value))
                    .foregroundStyle(by: .value("Series", "Night"))
            }
        }
        .chartForegroundStyleScale([
            "Night": Color.blue, "7-day mean": Color.orange, "Normal range": Color.green.opacity(0.25),
        ])
        .chartYScale(domain: .automatic(includesZero: false))
        .frame(height: 200)
    }
}

private struct RestingHrChart: View {
    let trends: [FfiTrendDay]

    var body: some View {
        Chart(points(trends) { $0.restingHrBpm }) { point in
            LineMark(
                x: .value("Day", point.date, unit: .day),
                y: .value("bpm", point.value),
                series: .value("Line", "rhr \(point.run)")
            )
            .foregroundStyle(.red)
            PointMark(x: .value("Day", point.date, unit: .day), y: .value("bpm", point.value))
                .foregroundStyle(.red)
        }
        .chartYScale(domain: .automatic(includesZero: false))
        .frame(height: 160)
    }
}

private struct SleepChart: View {
    let trends: [FfiTrendDay]

    var body: some View {
        Chart {
            ForEach(points(trends) { $0.sleepH }) { point in
                BarMark(x: .value("Day", point.date, unit: .day), y: .value("Hours", point.value))
                    .foregroundStyle(by: .value("Series", "Slept"))
            }
            ForEach(points(trends) { day -> Double? in day.sleepNeedH }) { point in
                LineMark(x: .value("Day", point.date, unit: .day), y: .value("Hours", point.value))
                    .foregroundStyle(by: .value("Series", "Need"))
                    .lineStyle(StrokeStyle(lineWidth: 2, dash: [4, 3]))
            }
        }
        .chartForegroundStyleScale(["Slept": Color.indigo, "Need": Color.primary])
        .frame(height: 160)
    }
}

private struct LoadChart: View {
    let trends: [FfiTrendDay]

    var body: some View {
        Chart(points(trends) { day -> Double? in day.load }) { point in
            BarMark(x: .value("Day", point.date, unit: .day), y: .value("Load", point.value))
                .foregroundStyle(.teal)
        }
        .frame(height: 160)
    }
}
