"""The catalogs shipped as data files: 職場環境等要件 (28 items) and related support measures.

A municipality may edit a copy of the TOML and point its policy at it; official wording must be pasted in where our
text is marked `wording = "shortened"`.
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

    def knows(self, code: str) -> bool:
        return code in self.items or code in self.aliases

    def text(self, code: str) -> str:
        if code in self.alias_texts:
            return self.alias_texts[code]
        item = self.items.get(code)
        return item.text if item else ""

    def measures_for(self, tag: str) -> list[dict]:
        return [m for m in self.measures if tag in m.get("relevant_when", [])]


def _read(name: str) -> dict:
    return tomllib.loads(resources.files("kaigo_xl.data").joinpath(name).read_text(encoding="utf-8"))


def parse(raw: dict, measures: tuple[dict, ...] = ()) -> Catalog:
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
    )


@cache
def default_catalog() -> Catalog:
    return parse(_read("shokuba_kankyo_r7.toml"), tuple(_read("support_measures.toml").get("measures", [])))


def load_catalog(path: Path) -> Catalog:
    return parse(tomllib.loads(Path(path).read_text(encoding="utf-8")), default_catalog().measures)
