"""The vcenter_datastore kind (see kinds/__init__.py)."""
