"""成果转化 JSON API (/api/transfer) on the seeded world: each role's journey, the error body
``{"error": {"code", "message"}}`` (401, 403, 404, 409, 422), pagination, exact money, and audited reads of
a firm's demands and interests by brokers, institutions and officers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from transfer_web import Web, transfer_web
from web_auth import client_for

from innopoints.adapters.db.accounts_tables import AuditEvent
from innopoints.adapters.db.tables import Achievement, Demand, TechContract
from innopoints.adapters.db.transfer_tables import RevenueShare, ServiceOrder
from innopoints.bootstrap import Container

TODAY = date.today()
API = "/api/transfer"
DEMAND = {
    "title": "储能电池剩余电量估计不准",
    "description": "需要提高电池管理系统的荷电状态估计精度",
    "indicators": "SOC 误差 ≤ 2%",
    "cluster_id": "new_energy",
    "budget": "500万",
    "deadline": (TODAY + timedelta(days=90)).isoformat(),
}
ACHIEVEMENT = {
    "title": "钠离子电池正极材料低成本制备",
    "abstract": "以普鲁士蓝类似物为正极，降低储能电池成本",
    "cluster_id": "new_energy",
    "subfield": "储能",
    "trl": 6,
    "transfer_mode": "transfer",
    "price": "1,200,000.50",
    "inventors": [
        {"name": "张三", "share": "0.5"},
        {"name": "李四", "share": "0.25"},
        {"name": "王五", "share": "0.25"},
    ],
    "pay_after_use": True,
    "pay_after_use_months": 6,
}


@pytest.fixture
def web(container: Container) -> Iterator[Web]:
    with transfer_web(container) as built:
        yield built


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text[:600]
    return response.json()


def _error(response: Any, status: int, code: str) -> str:
    assert response.status_code == status, response.text[:600]
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == code
    message: str = body["error"]["message"]
    return message


def _demand(web: Web, who: str = "firm_a", routed: bool = False) -> int:
    client = web.client(who)
    demand_id: int = _ok(client.post(f"{API}/demands", json=DEMAND), 201)["id"]
    if routed:
        _ok(client.post(f"{API}/demands/{demand_id}/route", json={}))
    return demand_id


def _order(web: Web) -> int:
    order_id: int = _ok(web.client("firm_a").post(f"{API}/orders", json={"service_id": web.w.service}), 201)[
        "id"
    ]
    return order_id


def _audit(container: Container, action: str) -> list[tuple[str, int | None]]:
    with container.sessions() as s:
        rows = s.execute(
            sa.select(AuditEvent.role, AuditEvent.enterprise_id).where(AuditEvent.action == action)
        )
        return [(r, e) for r, e in rows]


# ------------------------------------------------------------------------------------------ journeys


def test_firm_demand_matches_broker_and_rating_through_the_api(web: Web) -> None:
    firm = web.client("firm_a")
    created = _ok(firm.post(f"{API}/demands", json=DEMAND), 201)
    assert (created["budget_yuan"], created["budget_text"], created["status_zh"]) == (
        "5000000.00",
        "500.00 万元",
        "征集中",
    )
    found = _ok(firm.get(f"{API}/demands/{created['id']}/matches?top=5"))
    first = found["achievements"][0]
    assert first["achievement_id"] == web.w.battery and first["price_yuan"] == "3000000.00"
    assert first["trl"] == 7 and "TRL 7" in first["trl_fit"] and "在预算内" in first["budget_fit"]
    assert "同领域（新能源）" in first["why"] and "荷电状态" in first["matched_words"]
    assert {c["name"] for c in first["contributions"]} >= {"词语匹配", "领域契合"}
    assert found["services"][0]["service_id"] == web.w.service and found["services"][0]["remaining"] == 2
    assert found["experts"] and "why" in found["experts"][0]
    routed = _ok(firm.post(f"{API}/demands/{created['id']}/route", json={}))
    (assignment,) = routed["assignments"]
    assert (assignment["broker"], assignment["stage"], assignment["can_rate"]) == ("吴经纪", "docking", False)
    again = firm.post(f"{API}/demands/{created['id']}/route", json={})
    assert "已有进行中的经纪人对接" in _error(again, 422, "invalid_query")
    early = firm.post(f"{API}/assignments/{assignment['id']}/rating", json={"score": 5})
    assert "签约或终止后才能评价" in _error(early, 422, "invalid_query")
    broker = web.client("broker_wu")
    no_reason = broker.post(f"{API}/assignments/{assignment['id']}/advance", json={"action": "terminate"})
    assert "终止原因不能为空" in _error(no_reason, 422, "invalid_query")
    view = _ok(
        broker.post(
            f"{API}/assignments/{assignment['id']}/advance",
            json={"action": "terminate", "reason": "企业暂缓"},
        )
    )
    assert [c["stage"] for c in view["columns"]] == ["docking", "negotiation", "signed", "terminated"]
    rated = _ok(
        firm.post(f"{API}/assignments/{assignment['id']}/rating", json={"score": 4, "comment": "响应及时"})
    )
    assert rated["assignments"][0]["rating"] == 4
    moved = broker.post(f"{API}/assignments/{assignment['id']}/advance", json={"action": "negotiate"})
    assert "当前状态为“终止”" in _error(moved, 409, "invalid_transition")


def test_orders_are_paginated_and_a_second_cancel_is_a_conflict(web: Web) -> None:
    order_id = _order(web)
    firm = web.client("firm_a")
    page = _ok(firm.get(f"{API}/orders?page=1&page_size=20"))
    assert (page["total"], page["pages"], page["items"][0]["id"], page["items"][0]["status"]) == (
        1,
        1,
        order_id,
        "submitted",
    )
    assert page["items"][0]["actions"] == [{"id": "cancel", "zh": "取消"}]
    assert "page_size" in _error(firm.get(f"{API}/orders?page_size=7"), 422, "invalid_query")
    empty = _ok(firm.get(f"{API}/orders?page=3"))
    assert empty["items"] == [] and empty["total"] == 1
    no_note = firm.post(f"{API}/orders/{order_id}/actions", json={"action": "cancel"})
    assert "取消原因不能为空" in _error(no_note, 422, "invalid_query")
    cancelled = _ok(
        firm.post(f"{API}/orders/{order_id}/actions", json={"action": "cancel", "note": "计划调整"})
    )
    assert (cancelled["status"], cancelled["reason"]) == ("cancelled", "计划调整")
    twice = firm.post(f"{API}/orders/{order_id}/actions", json={"action": "cancel", "note": "再次"})
    assert "当前状态为“已取消”" in _error(twice, 409, "invalid_transition")


def test_pilot_base_works_its_orders_and_capacity_through_the_api(web: Web) -> None:
    first, second = _order(web), _order(web)
    base = web.client("base")
    for order_id in (first, second):
        assert (
            _ok(base.post(f"{API}/orders/{order_id}/actions", json={"action": "accept"}))["status"]
            == "accepted"
        )
    full = web.client("firm_a").post(f"{API}/orders", json={"service_id": web.w.service})
    assert "服务能力已满（2/2 单）" in _error(full, 422, "invalid_query")
    overview = _ok(base.get(f"{API}/base"))
    assert overview["menu"][0]["remaining"] == 0 and overview["outputs"]["new_products"] == 10
    added = _ok(base.post(f"{API}/base/outputs", json={"new_products": 3}))
    assert added["outputs"]["new_products"] == 13
    negative = base.post(f"{API}/base/outputs", json={"new_products": -1})
    assert _error(negative, 422, "invalid_query")


def test_institution_publishes_and_sees_interest_and_candidates_audited(web: Web) -> None:
    neu = web.client("neu")
    made = _ok(neu.post(f"{API}/achievements", json=ACHIEVEMENT), 201)
    assert made["price_yuan"] == "1200000.50" and [i["share"] for i in made["inventors"]] == [
        "0.5",
        "0.25",
        "0.25",
    ]
    bad = neu.post(
        f"{API}/achievements", json={**ACHIEVEMENT, "inventors": [{"name": "张三", "share": "0.7"}]}
    )
    assert "合计" in _error(bad, 422, "invalid_query")
    demand_id = _demand(web)
    _ok(
        web.client("firm_a").post(
            f"{API}/achievements/{web.w.battery}/interest", json={"demand_id": demand_id}
        ),
        201,
    )
    interested = _ok(neu.get(f"{API}/achievements/{web.w.battery}/interested"))["items"]
    assert [(f["enterprise"], f["demand_id"]) for f in interested] == [("沈阳储能科技有限公司", demand_id)]
    candidates = _ok(neu.get(f"{API}/achievements/{web.w.battery}/candidates"))["items"]
    assert candidates[0]["demand_id"] == demand_id and candidates[0]["interested"] is True
    assert _audit(web.container, "view_transfer_interest") == [("institution", web.w.firm_a)]
    assert ("institution", web.w.firm_a) in _audit(web.container, "match_transfer_demand")
    public = _ok(web.client("firm_b").get(f"{API}/achievements/{made['id']}"))
    assert [i["share"] for i in public["inventors"]] == [None, None, None]  # shares only for the institution
    withdrawn = _ok(neu.post(f"{API}/achievements/{made['id']}/actions", json={"action": "withdraw"}))
    assert withdrawn["status"] == "withdrawn"
    assert web.client("firm_b").get(f"{API}/achievements/{made['id']}").status_code == 403


def test_contract_registration_decision_and_exact_revenue_shares(web: Web) -> None:
    sut = web.client("sut")  # 沈阳工业大学: inventors 70%–80% (declared on the platform)
    body = {
        "contract_type": "license",
        "title": "铝硅涂层工艺许可",
        "amount": "10,000.01",
        "signed_on": TODAY.isoformat(),
        "cluster_id": "new_materials",
        "buyer_name": "沈阳储能科技有限公司",
        "buyer_uscc": _uscc(web, web.w.firm_a),
        "achievement_id": web.w.coating,
    }
    contract = _ok(sut.post(f"{API}/contracts", json=body), 201)
    assert (contract["status"], contract["buyer_district"], contract["decision_deadline"]) == (
        "pending",
        "浑南区",
        (TODAY + timedelta(days=30)).isoformat(),
    )
    duplicate = sut.post(f"{API}/contracts", json={**body, "contract_no": contract["contract_no"]})
    assert "同一合同只登记一次" in _error(duplicate, 422, "invalid_query")
    two_buyers = sut.post(f"{API}/contracts", json={**body, "buyer_outside": True})
    assert "只能选择一种方式" in _error(two_buyers, 422, "invalid_query")
    not_theirs = web.client("neu").post(f"{API}/contracts", json={**body, "contract_no": "X-1"})
    assert "不属于卖方单位" in _error(not_theirs, 422, "invalid_query")
    officer = web.client("officer")  # 浑南区, where SUT registers
    refused = officer.post(f"{API}/contracts/{contract['id']}/decision", json={"action": "refuse"})
    assert "须选择理由" in _error(refused, 422, "invalid_query")
    registered = _ok(officer.post(f"{API}/contracts/{contract['id']}/decision", json={"action": "register"}))
    assert (registered["status"], registered["warning"]) == ("registered", None)
    trial = _ok(sut.post(f"{API}/contracts/{contract['id']}/shares", json={"rate": "80%", "save": False}))
    # 10,000.01 元 at the 80% maximum: the odd fen stays with the institution
    assert trial["saved"] is False and (trial["institution_yuan"], trial["inventors_yuan"]) == (
        "2000.01",
        "8000.00",
    )
    with web.container.sessions() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(RevenueShare)) == 0
    saved = _ok(sut.post(f"{API}/contracts/{contract['id']}/shares", json={"rate": "0.8"}))
    assert saved["saved"] is True
    stored = _ok(sut.get(f"{API}/contracts/{contract['id']}/shares"))["shares"]
    amounts = [p["amount_yuan"] for p in stored["parts"]]
    assert stored["total_yuan"] == "10000.01" and amounts == ["2000.01", "4800.00", "3200.00"]
    too_high = sut.post(f"{API}/contracts/{contract['id']}/shares", json={"rate": "0.95"})
    assert _error(too_high, 422, "invalid_query")
    # the buyer firm sees the contract, not its revenue split; another institution sees neither
    as_buyer = _ok(web.client("firm_a").get(f"{API}/contracts/{contract['id']}"))
    assert as_buyer["shares"] is None and as_buyer["status"] == "registered"
    assert _error(web.client("neu").get(f"{API}/contracts/{contract['id']}/shares"), 403, "forbidden")


def _uscc(web: Web, enterprise_id: int) -> str:
    from innopoints.adapters.db.tables import Enterprise

    with web.container.sessions() as s:
        return s.get(Enterprise, enterprise_id).uscc


def test_statistics_api_compares_with_the_target_and_published_figures(web: Web) -> None:
    officer = web.client("officer")
    turnover = _ok(officer.get(f"{API}/stats/turnover?year=2026&as_of=2026-06-30"))
    assert (turnover["target_yuan"], turnover["target_text"], turnover["scope"]) == (
        "92000000000.00",
        "920.00 亿元",
        "全市",
    )
    last = _ok(officer.get(f"{API}/stats/turnover?year=2025"))
    assert last["published_yuan"] == "83060000000.00" and last["as_of"] == "2025-12-31"
    assert "应在 2026 年内" in _error(
        officer.get(f"{API}/stats/turnover?year=2026&as_of=2025-01-01"), 422, "invalid_query"
    )
    by_type = _ok(officer.get(f"{API}/stats/contracts?year=2026&by=type&direction=absorb"))
    assert by_type["direction_zh"] == "吸纳（买方）" and by_type["total"]["contracts"] == 0
    assert "统计维度" in _error(officer.get(f"{API}/stats/contracts?by=color"), 422, "invalid_query")
    pilots = _ok(officer.get(f"{API}/stats/pilots"))
    products = next(f for f in pilots["outputs"] if f["key"] == "new_products")
    assert (products["value"], products["published"], products["meets"]) == (10, 764, False)
    brokers = _ok(officer.get(f"{API}/stats/brokers?page_size=20"))
    assert brokers["target"] == 1400 and brokers["certified"] == 3 and brokers["brokers"]["total"] == 4


def test_challenge_list_through_the_api(web: Web) -> None:
    firm = web.client("firm_a")
    made = _ok(
        firm.post(
            f"{API}/challenges",
            json={
                "title": "热失控预警",
                "description": "30 秒内预警",
                "cluster_id": "new_energy",
                "budget": "2000万",
            },
        ),
        201,
    )
    officer = web.client("officer")
    url = f"{API}/challenges/{made['id']}"
    _ok(officer.post(f"{url}/actions", json={"action": "review"}))
    for expert, score in zip(web.w.experts[1:4], (60, 70, 80), strict=True):
        _ok(officer.post(f"{url}/scores", json={"expert_id": expert, "score": score}))
    screened = _ok(officer.post(f"{API}/challenges/screen"))
    assert screened == {"selected": [], "rejected": [made["id"]]}  # average 70 is below the line of 75
    again = officer.post(f"{url}/actions", json={"action": "publish"})
    assert "当前状态为“未入选”" in _error(again, 409, "invalid_transition")
    assert _ok(firm.get(url))["status"] == "rejected"  # the firm sees its own problem
    assert web.client("firm_b").get(url).status_code == 403  # not published: not for other firms
    listing = _ok(web.client("neu").get(f"{API}/challenges"))
    assert listing["total"] == 0


# ------------------------------------------------------------------------------------------ forbidden


def _world_with_traffic(web: Web) -> dict[str, int]:
    demand = _demand(web, routed=True)
    order = _order(web)
    with web.container.sessions() as s:
        assignment = s.scalar(sa.text("select id from broker_assignment"))
    return {"demand": demand, "order": order, "assignment": int(assignment)}


CROSS_ROLE = [
    # a firm cannot see or act on another firm's demand or order
    ("firm_b", "GET", "/api/transfer/demands/{demand}", None),
    ("firm_b", "GET", "/api/transfer/demands/{demand}/matches", None),
    ("firm_b", "GET", "/transfer/demands/{demand}", None),
    ("firm_b", "POST", "/api/transfer/demands/{demand}/route", {}),
    ("firm_b", "POST", "/api/transfer/demands/{demand}/actions", {"action": "withdraw"}),
    ("firm_b", "GET", "/api/transfer/orders/{order}", None),
    ("firm_b", "POST", "/api/transfer/orders/{order}/actions", {"action": "cancel", "note": "恶意取消"}),
    ("firm_b", "POST", "/api/transfer/assignments/{assignment}/rating", {"score": 1}),
    # a broker sees only their pipeline
    ("broker_zhou", "GET", "/api/transfer/demands/{demand}", None),
    ("broker_zhou", "GET", "/transfer/demands/{demand}", None),
    ("broker_zhou", "GET", "/api/transfer/pipeline?broker={broker_wu}", None),
    ("broker_zhou", "POST", "/api/transfer/assignments/{assignment}/advance", {"action": "negotiate"}),
    ("broker_zhou", "GET", "/api/transfer/orders", None),
    # an institution sees only its own achievements' interested firms
    ("sut", "GET", "/api/transfer/achievements/{battery}/interested", None),
    ("sut", "GET", "/api/transfer/achievements/{battery}/candidates", None),
    ("sut", "GET", "/transfer/achievements/{battery}/interested/export", None),
    ("sut", "POST", "/api/transfer/achievements/{battery}/actions", {"action": "withdraw"}),
    ("sut", "POST", "/api/transfer/demands", DEMAND),
    # an officer outside the firm's district
    ("officer_far", "GET", "/api/transfer/demands/{demand}", None),
    ("officer_far", "GET", "/api/transfer/orders/{order}", None),
    ("officer_far", "POST", "/api/transfer/demands/{demand}/route", {"broker_id": None}),
    # roles without the function
    ("base", "GET", "/api/transfer/demands", None),
    ("base", "POST", "/api/transfer/orders/{order}/actions", {"action": "cancel", "note": "x"}),
    ("officer", "POST", "/api/transfer/orders/{order}/actions", {"action": "accept"}),
    ("bank", "GET", "/api/transfer/menu", None),
    ("bank", "GET", "/transfer", None),
    ("firm_a", "GET", "/api/transfer/stats/turnover", None),
    ("firm_a", "POST", "/api/transfer/challenges/screen", None),
    ("neu", "POST", "/api/transfer/orders", {"service_id": 1}),
    ("broker_wu", "GET", "/api/transfer/base", None),
]


@pytest.mark.parametrize(("who", "method", "template", "body"), CROSS_ROLE, ids=lambda v: str(v)[:40])
def test_cross_role_access_is_forbidden_and_changes_nothing(
    web: Web, who: str, method: str, template: str, body: Any
) -> None:
    ids = _world_with_traffic(web)
    names = {**ids, "battery": web.w.battery, "broker_wu": web.w.brokers[1]}
    path = template.format(**names)
    before = _state(web)
    response = web.client(who).request(method, path, json=body)
    assert response.status_code == 403, f"{who} {method} {path}: {response.status_code} {response.text[:300]}"
    if path.startswith("/api/"):
        assert response.json()["error"]["code"] == "forbidden"
    else:
        assert "无权" in response.text or "不在您的数据范围内" in response.text or "不属于" in response.text
    assert _state(web) == before


def _state(web: Web) -> tuple[Any, ...]:
    with web.container.sessions() as s:
        return (
            tuple(s.execute(sa.select(Demand.id, Demand.status).order_by(Demand.id))),
            tuple(s.execute(sa.select(ServiceOrder.id, ServiceOrder.status).order_by(ServiceOrder.id))),
            tuple(s.execute(sa.text("select id, stage from broker_assignment order by id"))),
            tuple(s.execute(sa.select(Achievement.id, Achievement.status).order_by(Achievement.id))),
            s.scalar(sa.select(sa.func.count()).select_from(TechContract)),
        )


def test_lists_are_limited_to_each_role_scope_and_officer_reads_are_audited(web: Web) -> None:
    ids = _world_with_traffic(web)
    other = _demand(web, "firm_b")
    assert [d["id"] for d in _ok(web.client("firm_b").get(f"{API}/demands"))["items"]] == [other]
    assert _ok(web.client("firm_b").get(f"{API}/orders"))["total"] == 0
    near = _ok(web.client("officer").get(f"{API}/demands"))["items"]
    far = _ok(web.client("officer_far").get(f"{API}/demands"))["items"]
    assert [d["id"] for d in near] == [ids["demand"]] and [d["id"] for d in far] == [other]
    assert _ok(web.client("officer_far").get(f"{API}/orders"))["total"] == 0
    assert [d["id"] for d in _ok(web.client("broker_wu").get(f"{API}/demands"))["items"]] == [ids["demand"]]
    assert _ok(web.client("broker_zhou").get(f"{API}/demands"))["total"] == 0
    assert _ok(web.client("admin").get(f"{API}/demands"))["total"] == 2
    audited = _audit(web.container, "list_transfer_demands")
    assert ("officer", web.w.firm_a) in audited and ("officer", web.w.firm_b) in audited
    assert ("broker", web.w.firm_a) in audited
    assert all(role != "enterprise" for role, _ in audited)  # a firm reading itself is not audited
    _ok(web.client("officer").get(f"{API}/demands/{ids['demand']}"))
    assert ("officer", web.w.firm_a) in _audit(web.container, "view_transfer_demand")


def test_errors_use_the_error_body_and_sign_in_is_required(web: Web) -> None:
    with client_for(web.container) as anonymous:
        assert _error(anonymous.get(f"{API}/demands"), 401, "not_authenticated")
        page = anonymous.get("/transfer/demands", follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"].startswith("/login")
    firm = web.client("firm_a")
    assert "未找到技术需求 #999" in _error(firm.get(f"{API}/demands/999"), 404, "not_found")
    assert _error(firm.post(f"{API}/demands", json={**DEMAND, "colour": "红"}), 422, "invalid_query")
    assert "需求预算" in _error(
        firm.post(f"{API}/demands", json={**DEMAND, "budget": "很多"}), 422, "invalid_query"
    )
    with web.container.sessions() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Demand)) == 0


def test_operation_ids_are_stable_and_documented(web: Web) -> None:
    spec = web.client("admin").get("/openapi.json").json()
    ops = {
        op["operationId"]: (path, method)
        for path, methods in spec["paths"].items()
        for method, op in methods.items()
        if path.startswith("/api/transfer")
    }
    assert ops["transfer_list_demands"] == ("/api/transfer/demands", "get")
    assert ops["transfer_demand_matches"] == ("/api/transfer/demands/{demand_id}/matches", "get")
    assert ops["transfer_decide_contract"] == ("/api/transfer/contracts/{contract_id}/decision", "post")
    assert ops["transfer_stats_turnover"] == ("/api/transfer/stats/turnover", "get")
    assert len(ops) >= 40
    assert all(op.startswith("transfer_") for op in ops)
