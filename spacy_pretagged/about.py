"""The package version, in a module of its own: the saved pipelines and manifests record it,
and every layer may import this one without importing anything else."""
__version__ = "0.1.0"
