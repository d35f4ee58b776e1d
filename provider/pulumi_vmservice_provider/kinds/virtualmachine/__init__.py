"""The virtualmachine kind (see kinds/__init__.py)."""
