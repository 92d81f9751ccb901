/// The version of revq: what `revq --version` prints, workers register and the metrics report.
public let revqVersion = "0.12.0"
