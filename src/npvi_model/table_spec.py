"""The building blocks of the data dictionary (tables.py): a column, a table, the confidence
flags, and the columns shared by many tables (cluster, year, from_year)."""

from __future__ import annotations

from dataclasses import dataclass, field

from npvi_model.sets import CLUSTER_IDS

FLAGS = ("S", "V", "V-data", "C", "A")


@dataclass(frozen=True)
class Column:
    """One column of a data table."""

    name: str
    kind: str  # "str", "int", "float"
    description: str
    unit: str = "-"
    minimum: float | None = None
    maximum: float | None = None
    allowed: tuple[str, ...] | None = None
    required: bool = True  # empty cells forbidden


@dataclass(frozen=True)
class TableSpec:
    """A data table: file name, columns, the key that makes a row unique, and coverage rules."""

    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    #: columns whose values must cover a set completely, e.g. every cluster
    coverage: dict[str, tuple] = field(default_factory=dict)
    #: columns whose distinct values must be a contiguous, ordered year grid covering DATA_YEARS
    year_column: str | None = None
    #: in long tables, the allowed unit for each value of a column (e.g. carrier -> unit)
    unit_rules: dict[str, dict[str, str]] = field(default_factory=dict)
    #: the model does not read this table; it feeds the demand derivation script only
    derivation_only: bool = False

    @property
    def file(self) -> str:
        return f"{self.name}.csv"

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def value_columns(self) -> tuple[str, ...]:
        """Columns an override may set: numeric, not part of the key."""
        return tuple(
            c.name for c in self.columns if c.kind in ("int", "float") and c.name not in self.key
        )


def _source() -> tuple[Column, Column]:
    return (
        Column("source", "str", "where the value comes from (document, publisher, year)"),
        Column("flag", "str", "confidence flag; A = modelling assumption", allowed=FLAGS),
    )


CLUSTER = Column("cluster", "str", "cluster id", allowed=CLUSTER_IDS)
FROM_CLUSTER = Column("from_cluster", "str", "cluster at one end", allowed=CLUSTER_IDS)
TO_CLUSTER = Column("to_cluster", "str", "cluster at the other end", allowed=CLUSTER_IDS)
YEAR = Column("year", "int", "calendar year", minimum=1990, maximum=2100)
FROM_YEAR = Column(
    "from_year",
    "int",
    "first year in which this capacity is in service",
    minimum=1990,
    maximum=2100,
)
