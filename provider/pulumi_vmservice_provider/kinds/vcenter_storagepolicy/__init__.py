"""The vcenter_storagepolicy kind (see kinds/__init__.py)."""
