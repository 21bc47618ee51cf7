"""Learning representations: network architectures (the trainer and the methods build on them)."""
