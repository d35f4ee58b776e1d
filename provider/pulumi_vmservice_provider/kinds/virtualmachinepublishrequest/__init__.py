"""The virtualmachinepublishrequest kind (see kinds/__init__.py)."""
