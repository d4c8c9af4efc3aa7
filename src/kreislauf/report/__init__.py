"""The kreislauf report: one self-contained HTML file with a section per capability."""

from kreislauf.report.model import ReportContext, Section

__all__ = ["ReportContext", "Section"]
