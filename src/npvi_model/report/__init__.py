"""The HTML report for readers: key messages first, then one section per question.

`build_report(result_dirs, out_dir, lang=..., svg=..., extra_sections=...)` writes
`<out_dir>/report.html`; see `npvi_model.report.build`. Figures are in `report.figures`, the
key messages (one function per question computes its numbers) in `report.messages`, every word
in English and Dutch in `report.texts`, number formats in `report.fmt`.
"""

from npvi_model.report.build import build_report, check_extra_section
from npvi_model.report.figures import to_png
from npvi_model.report.messages import key_messages, path_numbers

__all__ = ["build_report", "check_extra_section", "key_messages", "path_numbers", "to_png"]
