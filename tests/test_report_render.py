"""The HTML and DOCX reports as a reader gets them: printed by Chromium, converted by
LibreOffice, and read back as PDF text (accents and French quotes intact, the flags'
test named). Needs chromium, soffice and pdftotext; skipped without them unless CI is set."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import Cli


def _need(*tools: str) -> None:
    missing = [t for t in tools if shutil.which(t) is None]
    if missing and not os.environ.get("CI"):
        pytest.skip(f"needs {', '.join(missing)}")


def _pdf_text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                         text=True, check=True, timeout=60)
    return " ".join(out.stdout.split())


def _office_text(document: Path, tmp_path: Path) -> str:
    """The text of a Word or Excel file as LibreOffice prints it to PDF."""
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
                    "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                    str(document)], capture_output=True, check=True, timeout=180)
    return _pdf_text(document.with_suffix(".pdf"))


def test_html_prints_with_chromium(cli: Cli, demo_db: Path, tmp_path: Path) -> None:
    _need("chromium", "pdftotext")
    html, pdf = tmp_path / "r.html", tmp_path / "r.pdf"
    assert cli("--db", str(demo_db), "report", "--format", "html", "-o", str(html)).code == 0
    profile = tmp_path / "profile"
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                    f"--user-data-dir={profile}", "--no-pdf-header-footer",
                    f"--print-to-pdf={pdf}", html.as_uri()],
                   capture_output=True, check=True, timeout=120)
    text = _pdf_text(pdf)
    assert "Les Français et le numérique en santé" in text
    assert "test exact de Fisher" in text and "« Mon Espace Santé »" in text


def test_docx_converts_with_libreoffice(cli: Cli, demo_db: Path, tmp_path: Path) -> None:
    _need("soffice", "pdftotext")
    word = tmp_path / "r.docx"
    assert cli("--db", str(demo_db), "report", "--format", "docx", "-o", str(word)).code == 0
    text = _office_text(word, tmp_path)
    assert "data security" in text and "test exact de Fisher" in text
    assert "c'est ton corps, ta vie, ta santé" in text


def test_xlsx_charts_render_with_libreoffice(cli: Cli, demo_db: Path, tmp_path: Path) -> None:
    """Excel's own charts, drawn by LibreOffice Calc from the cells: each theme's chart
    comes out with its title and its axis in the report's language."""
    _need("soffice", "pdftotext")
    book = tmp_path / "r.xlsx"
    assert cli("--db", str(demo_db), "report", "--format", "xlsx", "-o", str(book)).code == 0
    text = _office_text(book, tmp_path)
    assert "tracée par Excel" in text
    assert text.count("part des citations") >= 5, "one axis title per top-level theme"
