"""The gRPC side of the provider: Pulumi's ResourceProvider protocol and nothing else."""
