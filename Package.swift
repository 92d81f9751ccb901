// swift-tools-version:6.1
import PackageDescription

/// Package-wide settings: explicit `any`, imports visible only where declared, and
/// `public import` only where a dependency's type is part of a module's API.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "revq",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "revq", targets: ["revq"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        .target(name: "ReviewFormat", dependencies: ["JSONText"], swiftSettings: swiftSettings),
        .target(name: "RevqTime", swiftSettings: swiftSettings),
        .systemLibrary(name: "CGit2", path: "Sources/CGit2", pkgConfig: "libgit2", providers: [.apt(["libgit2-dev"])]),
        /// Keeps libgit2's init from parsing the system CA bundle (see its header).
        .target(name: "CGit2Local"),
        .target(name: "Git", dependencies: ["CGit2", "CGit2Local"], swiftSettings: swiftSettings),
        .target(
            name: "KnowledgeBase",
            dependencies: ["ReviewFormat", "Git", "SystemFiles", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ReviewStore",
            dependencies: ["ReviewFormat", "RevqTime", "SystemFiles", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ReviewFlow",
            dependencies: ["ReviewFormat", "KnowledgeBase", "ReviewStore"],
            swiftSettings: swiftSettings
        ),
        /// The GNU and Linux calls Swift cannot import, as plain C functions (see its header).
        .target(name: "CLinuxShims"),
        .target(name: "SystemFiles", swiftSettings: swiftSettings),
        .target(name: "JSONText", swiftSettings: swiftSettings),
        .target(name: "Spool", dependencies: ["RevqTime", "CLinuxShims", "SystemFiles", "JSONText"], swiftSettings: swiftSettings),
        .target(
            name: "Usage", dependencies: ["ReviewStore", "Runner", "RevqConfig", "RevqTime"], swiftSettings: swiftSettings
        ),
        .target(
            name: "WorkerMetrics",
            dependencies: ["Runner", .product(name: "CoreMetrics", package: "swift-metrics")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "StatusServer",
            dependencies: [
                "ReviewStore", "Spool", "Usage", "Runner", "RevqTime", "ReviewFormat", "WorkerMetrics", "CLinuxShims", "SystemFiles",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Worker",
            dependencies: [
                "ReviewFormat", "KnowledgeBase", "ReviewStore", "ReviewFlow", "RevqConfig", "RevqTime", "Spool", "Runner",
                "SystemFiles", "WorkerMetrics", "JSONText",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RevqConfig",
            dependencies: ["ReviewFormat", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        .target(name: "Runner", dependencies: ["RevqConfig", "ReviewFormat", "CLinuxShims", "SystemFiles", "JSONText"], swiftSettings: swiftSettings),
        .executableTarget(
            name: "revq",
            dependencies: [
                "ReviewFormat", "KnowledgeBase", "ReviewStore", "ReviewFlow", "RevqConfig", "RevqTime", "Runner", "Spool", "Worker",
                "SystemFiles", "Usage", "WorkerMetrics", "StatusServer", "JSONText",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TestSupport",
            dependencies: ["KnowledgeBase"],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ReviewFormatTests", dependencies: ["ReviewFormat"], exclude: ["Fixtures"], swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KnowledgeBaseTests",
            dependencies: ["KnowledgeBase", "ReviewFormat", "TestSupport", "CGit2Local"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ReviewStoreTests",
            dependencies: [
                "ReviewStore", "ReviewFlow", "ReviewFormat", "KnowledgeBase", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WorkerTests",
            dependencies: [
                "Worker", "ReviewStore", "ReviewFormat", "RevqConfig", "Runner", "Spool", "JSONText", "TestSupport", "revq",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "SpoolTests", dependencies: ["Spool", "JSONText", "SpoolStress", "RevqTime"], swiftSettings: swiftSettings),
        .executableTarget(name: "SpoolStress", dependencies: ["Spool", "JSONText"], path: "Tests/SpoolStress", swiftSettings: swiftSettings),
        .testTarget(name: "SystemFilesTests", dependencies: ["SystemFiles", "CLinuxShims"], swiftSettings: swiftSettings),
        .testTarget(name: "RevqConfigTests", dependencies: ["RevqConfig"], swiftSettings: swiftSettings),
        .testTarget(name: "RunnerTests", dependencies: ["Runner", "CLinuxShims", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "FuzzTests", dependencies: ["ReviewFormat", "KnowledgeBase", "Spool", "JSONText", "Runner", "RevqConfig"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "UsageTests",
            dependencies: ["Usage", "ReviewStore", "Runner", "RevqConfig", "TestSupport", "revq"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "StatusServerTests", dependencies: ["StatusServer", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "CLITests",
            dependencies: ["revq", "JSONText", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
    ]
)
