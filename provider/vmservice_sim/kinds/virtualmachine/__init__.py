"""VirtualMachine: VM Operator's mutating and validating webhooks and its controller, against vcsim.

Follows `webhooks/virtualmachine/v1alpha2/{mutation,validation}` of VM Operator's `release/vc-8.0.3` branch
(vSphere 8.0 U3); with the 9.1 release the class may change (resize) and `spec.image`, `instanceUUID`,
`biosUUID` are defaulted and immutable. The kind is registered in `kind`; importing the modules below attaches
the webhooks and the controller to it.
"""

import vmservice_sim.kinds.virtualmachine.controller
import vmservice_sim.kinds.virtualmachine.mutation
import vmservice_sim.kinds.virtualmachine.validation  # noqa: F401
