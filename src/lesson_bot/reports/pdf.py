"""A .docx as PDF, when LibreOffice is at hand (`soffice --headless --convert-to pdf`); otherwise no PDF, and why.

LibreOffice is large and optional: the service does not install it. Without it the .docx is the export.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

TIMEOUT = 120.0  # seconds; a first start of LibreOffice builds its profile


@dataclass(frozen=True)
class PdfResult:
    data: bytes | None  # the PDF, or None
    reason: str | None = None  # why there is none


def converter() -> str | None:
    """The LibreOffice executable on PATH, if any."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(docx: bytes, *, soffice: str | None = None, timeout: float = TIMEOUT) -> PdfResult:
    """The document as PDF bytes, or None with the reason (no LibreOffice, or its conversion failed)."""
    executable = soffice or converter()
    if executable is None:
        return PdfResult(None, "no PDF converter: LibreOffice (soffice) is not installed")
    with tempfile.TemporaryDirectory(prefix="lesson-bot-pdf-") as folder:
        work = Path(folder)
        source = work / "record.docx"
        source.write_bytes(docx)
        command = [executable, "--headless", "--norestore", f"-env:UserInstallation={(work / 'profile').as_uri()}",
                   "--convert-to", "pdf", "--outdir", str(work), str(source)]
        try:
            # the executable is LibreOffice found on PATH (or given by the operator); the arguments are our files
            done = subprocess.run(command, capture_output=True, timeout=timeout, check=False)  # noqa: S603
        except (OSError, subprocess.TimeoutExpired) as exc:
            return PdfResult(None, f"PDF conversion failed: {exc}")
        target = work / "record.pdf"
        if done.returncode != 0 or not target.is_file():
            detail = (done.stderr or done.stdout).decode("utf-8", "replace").strip()[-300:]
            return PdfResult(None, f"PDF conversion failed (exit {done.returncode}){': ' + detail if detail else ''}")
        return PdfResult(target.read_bytes())
