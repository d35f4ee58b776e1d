"""The virtualmachinesnapshot kind (see kinds/__init__.py)."""
