"""VirtualMachine: VM Operator's controller, against vcsim (its webhooks are the rules package's).

The kind is registered in `kind`; importing the controller attaches it.
"""

import vmservice_sim.kinds.virtualmachine.controller  # noqa: F401
