/// Sorts a class's scores ascending; when `carryMass`, each mass moves with its score.
/// -0.0 and +0.0 compare equal, so they end up adjacent and count as ties downstream.
func sortScoresCarryingMass(_ samples: ClassSamples, carryMass: Bool) throws(CoreError) {
    var scores = samples.scores.buffer
    guard carryMass else {
        scores.sort()
        return
    }
    let pairs = try ScratchBuffer<ScoreMass>(count: samples.count)
    defer { pairs.free() }
    let mass = samples.mass.buffer
    for k in 0..<samples.count { pairs.buffer[k] = ScoreMass(score: scores[k], mass: mass[k]) }
    var pairBuffer = pairs.buffer
    pairBuffer.sort { $0.score < $1.score }
    for k in 0..<samples.count {
        scores[k] = pairs.buffer[k].score
        mass[k] = pairs.buffer[k].mass
    }
}

struct ScoreMass: BitwiseCopyable {
    var score: Double
    var mass: Double
}
