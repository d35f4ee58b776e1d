"""The vcenter_supervisor kind (see kinds/__init__.py)."""
