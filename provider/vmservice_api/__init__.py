"""The VM Operator API as both the provider and the simulator read it: typed shapes of every kind per
release (`types/`, generated from the CRDs), one typed view of a live object (`objects`), and the
Supervisor's admission rules (`rules/`, re-expressed from VM Operator's webhooks).

Pure Python: nothing here talks to a server, and nothing here imports the provider or the simulator.
"""
