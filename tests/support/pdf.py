"""Looking at PDFs in tests: page count, page size and embedded fonts (pypdf), and PNG pages to look at (poppler)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from pypdf import PdfReader


def _font_embedded(font) -> bool:
    """A font is embedded when its descriptor (or its descendant's, for a CID font) carries a font file."""
    font = font.get_object()
    if "/DescendantFonts" in font:
        font = font["/DescendantFonts"][0].get_object()
    descriptor = font.get("/FontDescriptor")
    if descriptor is None:
        return False
    descriptor = descriptor.get_object()
    return any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def pdf_info(pdf: Path) -> dict:
    """{"pages": n, "page_size_pt": (w, h) of page 1, "fonts": [(name, embedded)], "all_fonts_embedded": bool}."""
    reader = PdfReader(str(pdf))
    box = reader.pages[0].mediabox
    fonts: dict[str, bool] = {}
    for page in reader.pages:
        resources = page.get("/Resources")
        font_dict = resources.get_object().get("/Font") if resources is not None else None
        for font in (font_dict.get_object().values() if font_dict is not None else ()):
            name = str(font.get_object().get("/BaseFont", "")).lstrip("/")
            fonts[name] = fonts.get(name, True) and _font_embedded(font)
    return {"pages": len(reader.pages), "page_size_pt": (float(box.width), float(box.height)),
            "fonts": sorted(fonts.items()), "all_fonts_embedded": all(fonts.values())}


def pdf_to_png(pdf: Path, out_dir: Path, dpi: int = 80) -> list[Path]:
    """Every page of `pdf` as `<stem>-<page>.png` in `out_dir` (pdftoppm), in page order."""
    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="kaigo_xl_png_"))
    try:
        subprocess.run(["pdftoppm", "-png", "-r", str(int(dpi)), str(pdf), str(work / "page")], check=True,
                       capture_output=True, timeout=300)
        pages = sorted(work.glob("page-*.png"), key=lambda p: int(p.stem.split("-")[1]))
        width = max(2, len(str(len(pages))))
        out = []
        for n, page in enumerate(pages, 1):
            target = out_dir / f"{pdf.stem}-{n:0{width}d}.png"
            shutil.move(str(page), str(target))
            out.append(target)
        return out
    finally:
        shutil.rmtree(work, ignore_errors=True)
