"""The catalogs shipped as data files: 職場環境等要件 (28 items), related support measures and the words that mark a
purchase of care technology.

A municipality may edit the TOML files (official wording must be pasted in where our text is marked
`wording = "shortened"`) and rebuild its workbooks.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path


@dataclass(frozen=True)
class Item:
    code: str
    number: int
    category: str
    text: str
    wording: str


@dataclass(frozen=True)
class Catalog:
    version: str
    items: dict[str, Item]
    categories: dict[str, tuple[str, ...]]  # category id → item codes
    category_names: dict[str, str]
    aliases: dict[str, str]  # ア → ⑱ …
    alias_texts: dict[str, str]
    measures: tuple[dict, ...] = field(default=())
    technology_keywords: tuple[str, ...] = field(default=())

    def knows(self, code: str) -> bool:
        return code in self.items or code in self.aliases

    def text(self, code: str) -> str:
        if code in self.alias_texts:
            return self.alias_texts[code]
        item = self.items.get(code)
        return item.text if item else ""

    def measures_for(self, tag: str) -> list[dict]:
        return [m for m in self.measures if tag in m.get("relevant_when", [])]

    def measure_names(self, tag: str) -> str:
        """「介護テクノロジー導入・協働化等支援事業」「…」: the measures relevant to `tag`, for a message."""
        return "".join(f"「{m['name']}」" for m in self.measures_for(tag))


def _read(name: str) -> dict:
    return tomllib.loads(resources.files("kaigo_xl.data").joinpath(name).read_text(encoding="utf-8"))


def keywords(raw: dict) -> tuple[str, ...]:
    """The technology keywords: non-empty, without the characters a spreadsheet search reads as patterns."""
    words = tuple(str(w).strip() for w in raw.get("keywords", []))
    bad = [w for w in words if not w or any(ch in w for ch in "?*~")]
    if bad:
        raise ValueError(f"technology keywords must be non-empty words without ? * ~: {bad!r}")
    return tuple(dict.fromkeys(words))


def parse(raw: dict, measures: tuple[dict, ...] = (), technology_keywords: tuple[str, ...] = ()) -> Catalog:
    items = {
        i["code"]: Item(i["code"], int(i["number"]), i["category"], i["text"], i.get("wording", "shortened"))
        for i in raw["items"]
    }
    return Catalog(
        version=raw.get("version", ""),
        items=items,
        categories={c["id"]: tuple(c["items"]) for c in raw["categories"]},
        category_names={c["id"]: c["name"] for c in raw["categories"]},
        aliases={a["code"]: a["item"] for a in raw.get("aliases", [])},
        alias_texts={a["code"]: a["text"] for a in raw.get("aliases", [])},
        measures=measures,
        technology_keywords=technology_keywords,
    )


@cache
def default_catalog() -> Catalog:
    return parse(_read("shokuba_kankyo_r7.toml"), tuple(_read("support_measures.toml").get("measures", [])),
                 keywords(_read("technology_keywords.toml")))


def load_catalog(path: Path) -> Catalog:
    base = default_catalog()
    return parse(tomllib.loads(Path(path).read_text(encoding="utf-8")), base.measures, base.technology_keywords)
