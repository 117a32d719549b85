// swift-tools-version:5.9
// The iOS shell's package: `Alyze`, the Swift over the core (the bindings generated from the built
// library, and the HealthKit, notification, background-task and Keychain glue); `AlyzeUI`, the
// SwiftUI screens and the model they share; and `alyzeFFI`, the core itself as an XCFramework of
// static libraries (device and simulator slices). Both generated parts come from
// `scripts/build-xcframework`, run on a Mac. The app target (`project.yml`, built with XcodeGen)
// depends on both libraries. iOS 17 for the Observation framework the model uses.
import PackageDescription

let package = Package(
    name: "Alyze",
    platforms: [.iOS(.v17)],
    products: [
        .library(name: "Alyze", targets: ["Alyze"]),
        .library(name: "AlyzeUI", targets: ["AlyzeUI"]),
    ],
    targets: [
        .binaryTarget(name: "alyzeFFI", path: "alyzeFFI.xcframework"),
        .target(
            name: "Alyze",
            dependencies: ["alyzeFFI"],
            path: "Sources/Alyze",
            linkerSettings: [.linkedFramework("HealthKit"), .linkedFramework("BackgroundTasks")]
        ),
        .target(
            name: "AlyzeUI",
            dependencies: ["Alyze"],
            path: "Sources/AlyzeUI"
        ),
    ]
)
