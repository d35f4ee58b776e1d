"""VirtualMachine admission rules: the mutating webhook (`mutation*` modules) and the validating webhook
(`validation*` modules)."""

from vmservice_api.rules.kinds.virtualmachine import mutation as mutation
from vmservice_api.rules.kinds.virtualmachine import validation as validation
