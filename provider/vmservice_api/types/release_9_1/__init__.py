"""The VM Operator kinds as a vSphere 9.1 Supervisor serves them (VM Operator v1.10.0); generated, do not edit."""
