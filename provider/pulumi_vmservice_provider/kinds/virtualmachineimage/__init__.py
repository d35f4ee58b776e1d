"""The virtualmachineimage kind (see kinds/__init__.py)."""
