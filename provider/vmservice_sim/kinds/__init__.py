"""The VM Operator kinds the simulator emulates: one module (or package) per kind, each holding that kind's
webhook rules and controller and registering them with `vmservice_sim.registry.register`.
`registry.registrations()` imports every module here, so a new kind needs no other change."""
