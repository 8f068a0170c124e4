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
        .target(name: "DiffAUROCCore"),
        .target(
            name: "diffauroc",
            dependencies: ["DiffAUROCCore"],
            exclude: ["exports.map"],
            // The Swift runtime is linked into the .so, so it loads where no Swift
            // toolchain is installed (`ldd` shows no libswift*); the version script
            // exports the C functions of include/diffauroc.h and hides everything else.
            linkerSettings: [.unsafeFlags([
                "-static-stdlib",
                "-Xlinker", "--version-script=\(Context.packageDirectory)/Sources/diffauroc/exports.map",
            ])]
        ),
        .testTarget(
            name: "DiffAUROCCoreTests",
            dependencies: ["DiffAUROCCore"]
        ),
    ]
)
