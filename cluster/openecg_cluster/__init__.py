"""OpenECG cluster trainer: the workstation's networks, SSL methods and data in PyTorch DDP (docs/cluster.md)."""
