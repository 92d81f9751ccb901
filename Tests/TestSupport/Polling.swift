/// Waits without blocking a thread until `condition` holds or `seconds` pass, checking every
/// 5 ms; returns whether it held. For async tests, where a blocking wait would hold one of the
/// few threads of the concurrency pool that the code under test needs.
public func eventually(within seconds: Double = 5, _ condition: () throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while try !condition() {
        guard ContinuousClock.now < deadline else { return false }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return true
}
