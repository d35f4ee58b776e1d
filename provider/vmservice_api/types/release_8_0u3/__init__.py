"""The VM Operator kinds as a vSphere 8.0u3 Supervisor serves them (VM Operator v1.8.6); generated, do not edit."""
