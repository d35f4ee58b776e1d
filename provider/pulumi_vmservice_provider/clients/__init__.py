"""Clients for the Supervisor (Kubernetes API) and vCenter, created lazily on first use."""
