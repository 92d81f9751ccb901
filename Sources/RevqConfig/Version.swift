/// The version `revq --version` prints and a worker registers with.
public let revqVersion = "0.12.0"
