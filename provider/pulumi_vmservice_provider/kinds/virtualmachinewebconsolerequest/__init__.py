"""The virtualmachinewebconsolerequest kind (see kinds/__init__.py)."""
