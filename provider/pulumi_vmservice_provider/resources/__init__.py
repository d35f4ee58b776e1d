"""One module per resource kind: create, read, update, delete and waiting."""
