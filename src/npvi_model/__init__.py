"""npvi-model: the confrontation of industrial energy demand and supply for the Dutch NPVI.

The Python API (`docs/api.md`): `npvi_model.run(scenario, overrides=..., hours=...)`,
`npvi_model.load(folder)`, `npvi_model.load_all(folder)`, `npvi_model.compare(results)`, each
returning `npvi_model.Results` or tables. They are imported on first use, so that
`import npvi_model` (and the command line) stays fast.
"""

__version__ = "0.1.0"

__all__ = ["Results", "compare", "load", "load_all", "run"]


def __getattr__(name: str):
    if name in __all__:
        from npvi_model import api

        return getattr(api, name)
    raise AttributeError(f"module 'npvi_model' has no attribute {name!r}")
