"""The virtualmachineservice kind (see kinds/__init__.py)."""
