"""Generated from the VM Operator CRDs by model/crdgen.py; do not edit."""
