// The app's entry: one window over the model that the app delegate opened at launch.
import AlyzeUI
import SwiftUI

@main
struct AlyzeApp: App {
    @UIApplicationDelegateAdaptor(AppDelegate.self) private var delegate

    var body: some Scene {
        WindowGroup {
            RootView(opened: delegate.opened)
        }
    }
}
