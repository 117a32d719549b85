// swift-tools-version:5.9
// The iOS shell's package: `Alyze`, the Swift over the core (the bindings generated from the built
// library, and the HealthKit, notification, background-task and Keychain glue), and `alyzeFFI`, the
// core itself as an XCFramework of static libraries (device and simulator slices). Both generated
// parts come from `scripts/build-xcframework`, run on a Mac; the app target (SwiftUI) depends on
// `Alyze`.
import PackageDescription

let package = Package(
    name: "Alyze",
    platforms: [.iOS(.v16)],
    products: [
        .library(name: "Alyze", targets: ["Alyze"]),
    ],
    targets: [
        .binaryTarget(name: "alyzeFFI", path: "alyzeFFI.xcframework"),
        .target(
            name: "Alyze",
            dependencies: ["alyzeFFI"],
            path: "Sources/Alyze",
            linkerSettings: [.linkedFramework("HealthKit"), .linkedFramework("BackgroundTasks")]
        ),
    ]
)
