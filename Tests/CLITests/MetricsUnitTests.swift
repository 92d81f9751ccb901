import Foundation
import Testing

/// The metrics listener (loopback by default) must be reachable under the shipped units.
@Suite struct MetricsUnitTests {
    @Test(arguments: ServiceUnitTests.units) func theUnitAllowsTheLoopbackListener(_ unit: String) throws {
        let text = try String(contentsOf: ServiceUnitTests.systemdDirectory.appendingPathComponent(unit), encoding: .utf8)
        let settings = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
        let allowed = settings.filter { $0.hasPrefix("IPAddressAllow=") }.flatMap {
            $0.dropFirst("IPAddressAllow=".count).split(separator: " ")
        }
        #expect(allowed.contains("localhost"))
        // A deny list without localhost in the allow list would cut the listener off.
        #expect(!settings.contains { $0.hasPrefix("IPAddressDeny=") } || allowed.contains("localhost"))
    }
}
