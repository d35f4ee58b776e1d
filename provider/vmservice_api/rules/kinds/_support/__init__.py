"""What the rules of several kinds share: apimachinery's value printing, quantities, label selectors, IP
addresses, durations and times, public keys, and refusals that are not field errors.

Re-expressed from the Kubernetes libraries VM Operator's webhooks call (apimachinery 0.29 in v1.8.6, 0.34 in
v1.10.0), so that a denial reads the same words the Supervisor would send.
"""
