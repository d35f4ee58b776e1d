"""The vcenter_contentlibraryitem kind (see kinds/__init__.py)."""
