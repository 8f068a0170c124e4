// swift-tools-version: 6.0
// diffauroc: soft (differentiable) and exact AUROC behind a plain C ABI.
//
// Layout:
//   Sources/DiffAUROCCore  pure-Swift algorithms (no C types, no status codes)
//   Sources/diffauroc      the C ABI: @_cdecl exports, argument validation, status codes
//   include/diffauroc.h    the C contract
import PackageDescription

let package = Package(
    name: "diffauroc",
    products: [
        .library(name: "diffauroc", type: .dynamic, targets: ["diffauroc"]),
    ],
    targets: [
        .target(
            name: "DiffAUROCCore",
            swiftSettings: [.unsafeFlags(["-Ounchecked", "-wmo"])]
        ),
        .target(
            name: "diffauroc",
            dependencies: ["DiffAUROCCore"],
            swiftSettings: [.unsafeFlags(["-wmo"])],
            linkerSettings: [.unsafeFlags(["-static-stdlib"])]
        ),
        .testTarget(
            name: "DiffAUROCCoreTests",
            dependencies: ["DiffAUROCCore"]
        ),
    ]
)
