// What has to happen before launch ends, which is why the app has a delegate at all: the
// background run's handler must be registered then (`BGTaskScheduler` refuses a later one), and
// HealthKit's observer queries must be running then for background delivery to wake the app. The
// store is opened here too, so both have the model to run.
import Alyze
import AlyzeUI
import UIKit

@MainActor
final class AppDelegate: NSObject, UIApplicationDelegate {
    /// The model over the opened store, or why it could not be opened.
    let opened: Result<AppModel, Error>

    override init() {
        opened = Result { try AppModel.open() }
        super.init()
    }

    func application(
        _ application: UIApplication,
        didFinishLaunchingWithOptions launchOptions: [UIApplication.LaunchOptionsKey: Any]? = nil
    ) -> Bool {
        let opened = self.opened
        BackgroundSync.register { try await opened.get().refresh() }
        BackgroundSync.schedule()
        if case .success(let model) = opened {
            model.startObserving()
        }
        return true
    }
}
