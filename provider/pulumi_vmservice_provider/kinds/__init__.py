"""Every kind the provider offers, one folder each: `kinds/<kind>/` holds its declaration (the typed inputs,
outputs and per-field behaviour: `declaration.py`), how it is done (`handler.py` for a resource,
`functions.py` for lookups), what "done" means (`readiness.py`), and where its generated types come from
(`crd.py`, `generated.py`). A folder is named after its kind in lower case (`vcenter_` first for vCenter
objects); the architecture test holds every folder to that rule.

Adding a kind: its folder, one line here, and (for a Supervisor kind) the simulator's kind module.
"""

KINDS = (
    "virtualmachine",
    "virtualmachineservice",
    "virtualmachinepublishrequest",
    "virtualmachinesetresourcepolicy",
    "virtualmachinesnapshot",
    "virtualmachinegroup",
    "virtualmachinereplicaset",
    "virtualmachineclass",
    "virtualmachineimage",
    "virtualmachinewebconsolerequest",
    "zones",
    "contentlibrary",
    "vcenter_virtualmachineclass",
    "vcenter_contentlibrary",
    "vcenter_contentlibraryitem",
    "vcenter_namespace",
    "vcenter_supervisor",
    "vcenter_storagepolicy",
    "vcenter_datastore",
)
