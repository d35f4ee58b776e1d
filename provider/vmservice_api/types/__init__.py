"""Typed shapes of the VM Operator kinds per API release, generated from the CRDs (model/crdtypes.py); do not edit."""
