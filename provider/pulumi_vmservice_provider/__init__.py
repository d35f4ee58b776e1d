"""Pulumi native provider for the vSphere VM Service."""

__version__ = "0.1.0"
PACKAGE_NAME = "vmservice"
