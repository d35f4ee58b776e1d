"""The virtualmachineclass kind (see kinds/__init__.py)."""
