/// The version of revq, as workers register it in the spool and the metrics report it.
public let revqVersion = "0.1.0"
