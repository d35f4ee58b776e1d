"""The virtualmachinesetresourcepolicy kind (see kinds/__init__.py)."""
