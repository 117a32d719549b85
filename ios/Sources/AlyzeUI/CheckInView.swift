// Check-in: the clinic's wellness questionnaire, answered once a morning. The core says which one
// the clinic asks: McLean et al. 2010 (five items, 1-5, 5 best) or Hooper & Mackinnon 1995 (four
// items, 1-7, 1 best). Each item is a row of its scale's points with the scale's two ends in
// words; nothing is preselected, so an item left alone is never saved as an answer. A second
// check-in the same day replaces the first.
import Alyze
import SwiftUI

@MainActor
struct CheckInView: View {
    @Environment(AppModel.self) private var model
    @State private var questionnaire: Questionnaire?
    /// One answer per item, 0 while unanswered.
    @State private var answers: [UInt8] = []
    @State private var status: String?
    @State private var saving = false

    var body: some View {
        NavigationStack {
            Form {
                if let questionnaire {
                    let scale = Scale(questionnaire)
                    ForEach(Array(scale.items.enumerated()), id: \.offset) { index, item in
                        if index < answers.count {
                            Section(item.title) {
                                Picker(item.title, selection: $answers[index]) {
                                    ForEach(Array(scale.points), id: \.self) { Text(String($0)).tag($0) }
                                }
                                .pickerStyle(.segmented)
                                .labelsHidden()
                                HStack {
                                    Text("\(String(scale.points.lowerBound)): \(item.low)")
                                    Spacer()
                                    Text("\(String(scale.points.upperBound)): \(item.high)")
                                }
                                .font(.caption).foregroundStyle(.secondary)
                            }
                        }
                    }
                    Section {
                        Button("Save check-in") { Task { await save(questionnaire) } }
                            .disabled(answers.contains(0) || saving)
                    } footer: {
                        Text(scale.source)
                    }
                }
                if let status {
                    Text(status).foregroundStyle(.secondary)
                }
            }
            .navigationTitle("Check-in")
            .task(id: model.revision) { await load() }
        }
    }

    private func load() async {
        do {
            let asked = try await model.questionnaire()
            if asked != questionnaire {
                questionnaire = asked
                answers = Array(repeating: 0, count: Scale(asked).items.count)
                status = nil
            }
        } catch {
            status = message(for: error)
        }
    }

    private func save(_ questionnaire: Questionnaire) async {
        saving = true
        defer { saving = false }
        let a = answers
        let checkIn: CheckInAnswers
        switch questionnaire {
        case .mcLean:
            checkIn = .mcLean(fatigue: a[0], sleepQuality: a[1], soreness: a[2], stress: a[3], mood: a[4])
        case .hooper:
            checkIn = .hooper(sleep: a[0], stress: a[1], fatigue: a[2], soreness: a[3])
        }
        do {
            try await model.checkIn(checkIn)
            status = "Saved at \(Date().formatted(date: .omitted, time: .shortened)). "
                + "Saving again today replaces it."
        } catch {
            status = message(for: error)
        }
    }
}

/// A questionnaire's items, in the order its answers take, and its scale.
private struct Scale {
    struct Item {
        let title: String
        /// What the scale's lowest point means for this item.
        let low: String
        /// What its highest point means.
        let high: String
    }

    let points: ClosedRange<UInt8>
    let items: [Item]
    let source: String

    init(_ questionnaire: Questionnaire) {
        switch questionnaire {
        case .mcLean:
            points = 1...5
            items = [
                Item(title: "Fatigue", low: "always tired", high: "very fresh"),
                Item(title: "Sleep quality", low: "insomnia", high: "very restful"),
                Item(title: "Muscle soreness", low: "very sore", high: "feeling great"),
                Item(title: "Stress", low: "highly stressed", high: "very relaxed"),
                Item(title: "Mood", low: "highly annoyed, irritable, down", high: "very positive"),
            ]
            source = "McLean et al. 2010: 5 is the best state."
        case .hooper:
            points = 1...7
            items = [
                Item(title: "Sleep quality", low: "very, very good", high: "very, very bad"),
                Item(title: "Stress", low: "very, very low", high: "very, very high"),
                Item(title: "Fatigue", low: "very, very low", high: "very, very high"),
                Item(title: "Muscle soreness", low: "very, very low", high: "very, very high"),
            ]
            source = "Hooper & Mackinnon 1995: 1 is the best state."
        }
    }
}
