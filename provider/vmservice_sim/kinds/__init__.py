"""The VM Operator kinds the simulator emulates: one module (or package) per kind, each registering the kind
(and its controller) with `vmservice_sim.registry.register`; their webhooks run the rules package's rules.
`registry.registrations()` imports every module here, so a new kind needs no other change."""
