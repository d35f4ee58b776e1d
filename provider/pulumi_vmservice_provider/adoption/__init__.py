"""Adoption of objects made outside Pulumi (kubectl, the vSphere UI) into a stack."""
