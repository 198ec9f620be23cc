"""The one version string of the distribution."""

VERSION = "0.1.0"
