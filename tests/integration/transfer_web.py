"""The 成果转化 test world (``transfer_seed``) behind the web app, with signed-in clients per role, created on
first use: ``web.client("firm_a")`` is the enterprise user of firm A, and so on (see ``ROLES``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient
from transfer_seed import World, seed
from web_auth import client_for, log_in, make_user

from innopoints.bootstrap import Container

SCRIPT = "<script>alert('x')</script>"


def _scopes(w: World) -> dict[str, tuple[str, dict[str, Any]]]:
    return {
        "admin": ("admin", {}),
        "officer": ("officer", {"district_code": "210112"}),  # 浑南区: firm A
        "officer_far": ("officer", {"district_code": "210106"}),  # 铁西区: firm B
        "firm_a": ("enterprise", {"enterprise_id": w.firm_a}),
        "firm_b": ("enterprise", {"enterprise_id": w.firm_b}),
        "neu": ("institution", {"institution_id": w.neu}),
        "sut": ("institution", {"institution_id": w.sut}),
        "broker_wu": ("broker", {"broker_id": w.brokers[1]}),  # 吴经纪, new energy, 浑南区
        "broker_zhou": ("broker", {"broker_id": w.brokers[0]}),
        "base": ("pilot_base", {"pilot_base_id": w.base}),
        "bank": ("bank", {}),
    }


@dataclass
class Web:
    container: Container
    w: World
    clients: dict[str, TestClient] = field(default_factory=dict)

    def client(self, who: str) -> TestClient:
        if who not in self.clients:
            role, scope = _scopes(self.w)[who]
            if role == "bank":
                scope = {"bank_id": _bank(self.container)}
            client = client_for(self.container)
            client.__enter__()
            log_in(client, make_user(self.container, role, **scope))
            self.clients[who] = client
        return self.clients[who]


def _bank(container: Container) -> int:
    from innopoints.adapters.db.tables import Bank

    with container.sessions.begin() as s:
        bank = Bank(name="成果转化测试银行")
        s.add(bank)
        s.flush()
        return bank.id


@contextmanager
def transfer_web(container: Container) -> Iterator[Web]:
    with container.sessions.begin() as session:
        world = seed(session)
    web = Web(container, world)
    try:
        yield web
    finally:
        for client in web.clients.values():
            client.__exit__(None, None, None)


def created_id(response: Any) -> int:
    """The id in the 303 redirect after a successful form (``/transfer/<things>/<id>?done=…``)."""
    assert response.status_code == 303, response.text[:600]
    found = re.search(r"/(\d+)\?done=", response.headers["location"])
    assert found, response.headers["location"]
    return int(found.group(1))


def alert(html: str) -> str:
    """The text of the page's error message (``<p class="alert error">``)."""
    found = re.search(r'<p class="alert error" role="alert">(.*?)</p>', html, re.S)
    assert found, "no error message on the page"
    return found.group(1)
