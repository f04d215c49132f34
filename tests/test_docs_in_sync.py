"""The generated documentation matches the code that defines it (run `npvi docs` after a change
to tables.py or outputs.py)."""

from __future__ import annotations

from pathlib import Path

from npvi_model import outputs, tables

DOCS = Path(__file__).parents[1] / "docs"


def test_data_dictionary_is_current():
    assert (DOCS / "data_dictionary.md").read_text() == tables.markdown()


def test_outputs_dictionary_is_current():
    assert (DOCS / "outputs.md").read_text() == outputs.markdown()


def test_every_output_variable_is_documented_with_a_unit():
    text = outputs.markdown()
    for var in outputs.OUTPUT_VARIABLES:
        assert f"`{var.name}`" in text and var.unit


def test_every_data_file_is_in_the_dictionary():
    data = Path(__file__).parents[1] / "data"
    shipped = {p.stem for p in data.glob("*.csv")} - {"ces3_cluster_extract"}
    assert shipped == set(tables.TABLES), shipped ^ set(tables.TABLES)
