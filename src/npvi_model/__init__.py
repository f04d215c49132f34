"""npvi-model: the confrontation of industrial energy demand and supply for the Dutch NPVI."""

__version__ = "0.1.0"
