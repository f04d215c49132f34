"""The report's figures speak the report's language: a Dutch report labels axes, legends and
titles in Dutch (from the same text table as the page), an English one as before."""

from __future__ import annotations

import re

import pytest
from fake_results import make_three_paths
from matplotlib.figure import Figure

from npvi_model import analysis
from npvi_model.report import build
from npvi_model.report.texts import TEXTS, t
from npvi_model.report.texts_figures import FIGURE_TEXTS
from npvi_model.sets import CLUSTERS


def figure_labels(fig: Figure) -> list[str]:
    """Every word a reader sees on `fig` except tick labels: suptitle, axes titles, axis labels
    (the colour bar's too), legend entries and free text."""
    labels = [fig.get_suptitle()]
    for ax in fig.axes:
        labels += [ax.get_title(loc) for loc in ("center", "left", "right")]
        labels += [ax.get_xlabel(), ax.get_ylabel()]
        labels += [text.get_text() for text in ax.texts]
        if ax.get_legend() is not None:
            labels += [text.get_text() for text in ax.get_legend().get_texts()]
    for legend in fig.legends:
        labels += [text.get_text() for text in legend.get_texts()]
    return [label for label in labels if label]


@pytest.fixture(scope="module")
def three_paths(tmp_path_factory):
    folders = make_three_paths(tmp_path_factory.mktemp("lang") / "runs")
    datasets = [analysis.load_results(f) for f in folders]
    names = analysis._unique_names(datasets)
    tables = analysis.comparison_tables(datasets)
    return datasets, names, tables


def report_figures(three_paths, lang: str) -> dict[str, Figure]:
    datasets, names, tables = three_paths
    sections = build._sections(datasets, names, tables, tables["no_regret_new"], lang)
    shown = [fig for section in sections for fig in section.figures]
    return {f.stem: f.figure if isinstance(f.figure, Figure) else f.figure() for f in shown}


def english_words() -> set[str]:
    """Words of the figures' English texts that their Dutch texts do not use (placeholders
    and the names of clusters, which a figure shows as they are, left out)."""

    def words(text: str) -> set[str]:
        return set(re.findall(r"[A-Za-z]{3,}", re.sub(r"\{\w+\}", " ", text)))

    english = set().union(*(words(e["en"]) for e in FIGURE_TEXTS.values()))
    dutch = set().union(*(words(e["nl"]) for e in FIGURE_TEXTS.values()))
    names = set().union(*(words(n) for n in CLUSTERS.values()))
    return english - dutch - names


def test_every_figure_text_has_dutch_of_its_own():
    """Each figure entry has both languages, with the same placeholders."""
    for key, entry in FIGURE_TEXTS.items():
        assert key.startswith("fig_") and key in TEXTS
        assert set(entry) == {"en", "nl"}, key
        placeholders = [set(re.findall(r"\{(\w+)\}", entry[lang])) for lang in ("en", "nl")]
        assert placeholders[0] == placeholders[1], key


def test_dutch_report_figures_are_labelled_in_dutch(three_paths):
    """No English word of the figure texts appears on a Dutch figure (checked per label, whole
    words), and the labels a reader looks at first are the Dutch ones of the table."""
    english = english_words()
    assert {"demand", "year", "target", "green", "share", "emissions"} <= english
    figures = report_figures(three_paths, "nl")
    assert len(figures) == 3 * 5 + 4  # per path: 3 supply, access, bottlenecks; 4 shared
    for stem, fig in figures.items():
        for label in figure_labels(fig):
            found = english & set(re.findall(r"[A-Za-z]{3,}", label))
            assert not found, f"{stem}: {label!r} is English ({sorted(found)})"
    supply = figure_labels(figures["supply_electricity_domestic"])
    assert t("fig_per_year", "nl").format(unit="TWh") == "TWh per jaar" in supply
    assert "vraag" in supply and "wind op zee" in supply
    assert "Elektriciteit: aanbod naar bron per cluster — domestic" in supply
    access = figure_labels(figures["access_domestic"])
    assert "groen aandeel van de vraag" in access and "groene elektriciteit" in access
    assert "jaar" in figure_labels(figures["path_comparison"])


def test_dutch_figures_write_a_decimal_comma(three_paths):
    """The access heat map's colour bar runs 0 to 1 in steps of 0.2: in Dutch its ticks read
    0,0 0,2 ... 1,0; its year and cluster ticks (named) stay as they are; English keeps
    the point."""
    ticks = {}
    for lang in ("en", "nl"):
        fig = report_figures(three_paths, lang)["access_domestic"]
        fig.canvas.draw()
        colour_bar, heat_map = fig.axes[-1], fig.axes[0]
        ticks[lang] = [label.get_text() for label in colour_bar.get_yticklabels()]
        assert [label.get_text() for label in heat_map.get_xticklabels()] == [
            "2025",
            "2030",
            "2035",
            "2050",
        ]
    assert ticks["en"][:2] == ["0.0", "0.2"] and ticks["en"][-1] == "1.0"
    assert ticks["nl"] == [text.replace(".", ",") for text in ticks["en"]]


def test_english_figures_keep_their_labels(three_paths):
    """English labels are the figures' labels from before the table: cause labels are
    `analysis.CAUSE_LABELS`, units per year, and the source ids with spaces."""
    for cause, label in analysis.CAUSE_LABELS.items():
        assert t(f"fig_cause_{cause}", "en") == label
    figures = report_figures(three_paths, "en")
    supply = figure_labels(figures["supply_electricity_domestic"])
    assert "TWh per year" in supply and "demand" in supply and "offshore wind" in supply
    assert "Electricity: supply by source per cluster — domestic" in supply
    emissions = figure_labels(figures["emissions"])
    assert "Mt CO2 per year" in emissions and "net emissions" in emissions
    assert "Industry emissions by cause, against the target" in emissions


def test_bottleneck_bars_are_labelled_in_the_report_language(three_paths):
    """The bottleneck figure's bars: in Dutch the limit's kind in Dutch, its place and year
    (`netaansluiting Rotterdam-Moerdijk, 2030`), no English kind word; in English the results'
    own labels (`limit_label`, year), as before. Other kinds, one by one: a CO2 sink, an
    expansion limit (`<technology>_expansion_limit`), a build rate and the power system's
    surplus."""
    import pandas as pd

    from npvi_model.extract_limits import PLAIN
    from npvi_model.report.figures import limit_bar_label

    def bar_labels(lang):
        fig = report_figures(three_paths, lang)["bottlenecks_domestic"]
        return [tick.get_text() for ax in fig.axes for tick in ax.get_yticklabels()]

    dutch, english = bar_labels("nl"), bar_labels("en")
    assert len(dutch) == len(english) > 0
    assert "netaansluiting Rotterdam-Moerdijk, 2030" in dutch
    english_kinds = {w for text in PLAIN.values() for w in re.findall(r"[A-Za-z]{4,}", text)}
    english_kinds -= {"wind", "national"}  # 'wind op zee'; 'nationaal' is not 'national'
    for label in dutch:
        assert not english_kinds & set(re.findall(r"[A-Za-z]{4,}", label)), label
    assert any(label.startswith("grid connection ") for label in english)
    for label in dutch + english:
        assert re.search(r", 20\d\d$", label), label

    def row(kind, place):
        return pd.Series({"limit_kind": kind, "location_name": place, "year": 2035, "label": "x"})

    assert limit_bar_label(row("co2_sink", "Porthos"), "nl") == "CO2-opslag Porthos, 2035"
    assert limit_bar_label(row("electrolyser_expansion_limit", "Rijnmond"), "nl") == (
        "uitbreidingsgrens elektrolysers Rijnmond, 2035"
    )
    assert limit_bar_label(row("power_system_renewable_surplus", "NL"), "nl") == (
        "hernieuwbaar overschot van het elektriciteitssysteem NL, 2035"
    )
    assert limit_bar_label(row("h2_storage_build_rate", "Noord-Nederland"), "nl") == (
        "bouwtempo waterstofopslag Noord-Nederland, 2035"
    )
    assert limit_bar_label(row("co2_sink", "Porthos"), "en") == "x"
    # every limit kind of the results has Dutch: its own, its suffix's or its technology's
    from npvi_model.report.texts import LIMIT_WORDS_NL, TECH_WORDS

    for kind in PLAIN:
        named = kind in LIMIT_WORDS_NL or kind in TECH_WORDS or kind.endswith("_national_pace")
        assert named, kind
