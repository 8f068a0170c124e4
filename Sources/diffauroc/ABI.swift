import DiffAUROCCore
@_cdecl("diffauroc_answer")
public func diffaurocAnswer() -> Int32 { Int32(coreAnswer()) }
