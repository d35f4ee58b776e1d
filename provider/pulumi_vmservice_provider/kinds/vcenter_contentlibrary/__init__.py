"""The vcenter_contentlibrary kind (see kinds/__init__.py)."""
