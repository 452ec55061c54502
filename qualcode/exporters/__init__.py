"""Exporters: one module a format, pure functions of plain report/project data."""
