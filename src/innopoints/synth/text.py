"""Chinese text from the domain vocabulary (data/vocabulary.yaml): person names, achievement titles
and abstracts, demands. Deterministic given the generator passed in."""

from __future__ import annotations

from typing import Any

import numpy as np

from innopoints.synth.calibration import Calibration


class TextMaker:
    def __init__(self, cal: Calibration, rng: np.random.Generator) -> None:
        self.voc = cal.vocabulary
        self.subfields = cal.subfields
        self.rng = rng

    def pick(self, items: list[Any]) -> Any:
        return items[int(self.rng.integers(0, len(items)))]

    def person(self) -> str:
        people = self.voc["people"]
        given = self.pick(people["given_chars"])
        if self.rng.random() < 0.7:
            given += self.pick(people["given_chars"])
        return f"{self.pick(people['surnames'])}{given}"

    def _slots(self, cluster: str, subfield: str) -> dict[str, str]:
        words = self.voc["clusters"][cluster]
        m1, m2 = self.rng.choice(len(words["metrics"]), size=2, replace=False)
        return {
            "subfield": subfield,
            "object": self.pick(words["objects"]),
            "method": self.pick(words["methods"]),
            "problem": self.pick(words["problems"]),
            "application": self.pick(words["applications"]),
            "metric1": words["metrics"][int(m1)],
            "metric2": words["metrics"][int(m2)],
            "up": str(int(self.rng.integers(12, 65))),
            "down": str(int(self.rng.integers(8, 45))),
            "qualifier": self.pick(self.voc["qualifiers"]),
        }

    def achievement(
        self, cluster: str, subfield: str, trl: int, ip: str, mode_zh: str
    ) -> tuple[str, str, str]:
        slots = self._slots(cluster, subfield) | {"trl": str(trl), "ip": ip, "mode": mode_zh}
        tmpl = self.voc["achievement"]
        title = self.pick(tmpl["title_templates"]).format(**slots)
        abstract = self.pick(tmpl["abstract_templates"]).format(**slots)
        keywords = "、".join(dict.fromkeys([subfield, slots["object"], slots["method"]]))
        return title, abstract, keywords

    def demand(self, cluster: str, subfield: str, budget_wan: int, mode_zh: str) -> tuple[str, str]:
        slots = self._slots(cluster, subfield) | {"budget": str(budget_wan), "mode": mode_zh}
        tmpl = self.voc["demand"]
        return self.pick(tmpl["title_templates"]).format(**slots), self.pick(
            tmpl["description_templates"]
        ).format(**slots)

    def buyer(self, in_city: bool) -> str:
        company = self.voc["company"]
        city = "沈阳" if in_city else self.pick(company["buyer_cities"])
        zihao = self.pick(company["zihao_chars"]) + self.pick(company["zihao_chars"])
        trade = self.pick(self.pick(list(company["industry_words"].values())))
        return f"{city}{zihao}{trade}有限公司"
