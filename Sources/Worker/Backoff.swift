public import Foundation
public import RevqConfig

extension RetryPolicy {
    /// The delay before the attempt after `attemptsSpent` failed ones: the base doubled per
    /// further attempt, capped at the maximum, spread by ±jitter.
    public func delay(afterAttempts attemptsSpent: Int, random: Double = Double.random(in: -1...1)) -> TimeInterval {
        let exponent = min(max(attemptsSpent - 1, 0), 30)
        let raw = min(Double(backoffMaxSeconds), Double(backoffBaseSeconds) * pow(2, Double(exponent)))
        return max(0, raw * (1 + jitter * random))
    }
}
