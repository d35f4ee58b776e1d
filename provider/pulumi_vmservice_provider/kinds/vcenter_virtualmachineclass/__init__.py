"""The vcenter_virtualmachineclass kind (see kinds/__init__.py)."""
