"""The virtualmachinereplicaset kind (see kinds/__init__.py)."""
