"""The vcenter_namespace kind (see kinds/__init__.py)."""
