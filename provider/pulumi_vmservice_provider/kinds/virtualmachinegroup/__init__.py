"""The virtualmachinegroup kind (see kinds/__init__.py)."""
