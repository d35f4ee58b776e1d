"""VirtualMachine admission rules: the mutating webhook (`mutation*` modules)."""

from vmservice_api.rules.kinds.virtualmachine import mutation as mutation
