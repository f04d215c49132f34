"""Human number formats for readers: values with their unit, rounded to what a reader needs.

- `number(v, lang)`: 3 significant figures at most, thousands grouped, no exponent; values
  below 0.0005 in magnitude print as 0 (solver noise such as 5.68e-14 is not a finding);
  Dutch (`nl`) uses a decimal comma and a dot between thousands, English the reverse.
- `with_unit(v, unit, lang)`: the number and its unit, e.g. "12.3 TWh", "4 GW".
- `eur(v, lang)`: euros in the largest readable step: "257 bn EUR" / "257 mld. euro",
  "3.1 m EUR" / "3,1 mln. euro", below a million in thousands "310 k EUR".
- `share(v, lang)`: a fraction 0-1 as a whole percentage, "29 %".
"""

from __future__ import annotations

import math

#: magnitudes below this print as zero
NOISE = 5e-4


def _group(text: str, lang: str) -> str:
    if lang == "nl":
        return text.replace(",", "_").replace(".", ",").replace("_", ".")
    return text


def number(value: float | None, lang: str = "en", digits: int = 3) -> str:
    """`value` with at most `digits` significant figures (whole numbers grouped by thousands)."""
    if value is None or not math.isfinite(float(value)):
        return "–"
    v = float(value)
    if abs(v) < NOISE:
        return "0"
    magnitude = int(math.floor(math.log10(abs(v))))
    decimals = max(0, digits - 1 - magnitude)
    rounded = round(v, digits - 1 - magnitude)
    text = f"{rounded:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return _group(text, lang)


def with_unit(value: float | None, unit: str, lang: str = "en", digits: int = 3) -> str:
    """The number and its unit, separated by a space ("12.3 TWh")."""
    return f"{number(value, lang, digits)} {unit}".strip()


EUR_STEPS = {
    "en": ((1e9, "bn EUR"), (1e6, "m EUR"), (1e3, "k EUR"), (1.0, "EUR")),
    "nl": ((1e9, "mld. euro"), (1e6, "mln. euro"), (1e3, "duizend euro"), (1.0, "euro")),
}


def eur(value: float | None, lang: str = "en") -> str:
    """Euros in the largest step the value reaches (bn, m, k)."""
    if value is None or not math.isfinite(float(value)):
        return "–"
    v = float(value)
    for step, unit in EUR_STEPS[lang]:
        if abs(v) >= step:
            return with_unit(v / step, unit, lang)
    return with_unit(v, EUR_STEPS[lang][-1][1], lang)


def share(value: float | None, lang: str = "en") -> str:
    """A fraction (0-1) as a whole percentage ("29 %"); below 1 % with one decimal."""
    if value is None or not math.isfinite(float(value)):
        return "–"
    pct = 100.0 * float(value)
    text = f"{pct:.1f}" if 0 < abs(pct) < 1 else f"{pct:.0f}"
    return _group(text, lang) + " %"


def year(value: float | int | None) -> str:
    """A year as 4 digits; '–' when missing."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    return str(int(value))
