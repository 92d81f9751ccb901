/// Why a program could not be started; the text becomes part of `cannot start <runner>: …`.
struct SpawnError: Error, Sendable {
    let message: String
    init(_ message: String) { self.message = message }
}
