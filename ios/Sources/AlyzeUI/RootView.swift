// The app's window: the five tabs over the one model, or, when the store could not be opened, a
// plain message (without the error's text: it may name the file's path).
import Alyze
import SwiftUI

public struct RootView: View {
    private let opened: Result<AppModel, Error>

    /// `opened` is the model, or why the store could not be opened.
    public init(opened: Result<AppModel, Error>) {
        self.opened = opened
    }

    public var body: some View {
        switch opened {
        case .success(let model):
            TabView {
                TodayView()
                    .tabItem { Label("Today", systemImage: "sun.max") }
                PlanView()
                    .tabItem { Label("Plan", systemImage: "calendar") }
                TrendsView()
                    .tabItem { Label("Trends", systemImage: "chart.xyaxis.line") }
                CheckInView()
                    .tabItem { Label("Check-in", systemImage: "checklist") }
                SettingsView()
                    .tabItem { Label("Settings", systemImage: "gearshape") }
            }
            .environment(model)
        case .failure:
            ContentUnavailableView(
                "alyze cannot open its data",
                systemImage: "externaldrive.badge.exclamationmark",
                description: Text(
                    "Restart the phone and open alyze again. If this keeps happening, update the app."
                )
            )
        }
    }
}
