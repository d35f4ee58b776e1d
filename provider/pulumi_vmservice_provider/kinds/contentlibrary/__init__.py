"""The contentlibrary kind (see kinds/__init__.py): the lookup of a namespace's content libraries as the
Supervisor shows them (imageregistry.vmware.com ContentLibrary)."""
