"""The zones kind (see kinds/__init__.py): the lookup of a Supervisor's zones."""
