"""成果转化 pages, each role's journey on the seeded world (``transfer_seed``): a firm posts a demand, sees its
matches with the reasons, asks for a broker, orders a pilot service and rates the broker; the broker moves
the assignment 对接 → 洽谈 → 签约; the pilot base accepts, serves and delivers; the institution publishes an
achievement, sees interested firms, registers a contract and splits its income; officers see statistics,
decide registrations (30-day rule, 未予登记 with a reason) and run the challenge list."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from transfer_web import SCRIPT, Web, alert, created_id, transfer_web

from innopoints.adapters.db.accounts_tables import AuditEvent
from innopoints.adapters.db.tables import Achievement, Demand, TechContract
from innopoints.adapters.db.transfer_tables import (
    BrokerAssignment,
    Challenge,
    RevenueShare,
    ServiceOrder,
)
from innopoints.bootstrap import Container
from innopoints.transfer import contracts

TODAY = date.today()
DEADLINE = (TODAY + timedelta(days=120)).isoformat()
DEMAND = {
    "title": "储能电池剩余电量估计不准",
    "description": "需要提高电池管理系统的荷电状态估计精度，降低储能电站的误报警",
    "indicators": "SOC 误差 ≤ 2%",
    "cluster_id": "new_energy",
    "budget": "500万",
    "deadline": DEADLINE,
}


@pytest.fixture
def web(container: Container) -> Iterator[Web]:
    with transfer_web(container) as built:
        yield built


def _count(container: Container, model: type) -> int:
    with container.sessions() as s:
        return int(s.scalar(sa.select(sa.func.count()).select_from(model)) or 0)


def _audits(container: Container, action: str) -> list[AuditEvent]:
    with container.sessions() as s:
        return list(s.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def _post_demand(web: Web, who: str = "firm_a", **changes: str) -> int:
    return created_id(
        web.client(who).post("/transfer/demands", data={**DEMAND, **changes}, follow_redirects=False)
    )


# ------------------------------------------------------------------------------------------ firms


def test_firm_posts_a_demand_sees_explained_matches_and_asks_for_a_broker(web: Web) -> None:
    firm = web.client("firm_a")
    home = firm.get("/transfer")
    assert home.status_code == 200 and "成果转化" in home.text and "技术需求" in home.text
    demand_id = _post_demand(web)
    page = firm.get(f"/transfer/demands/{demand_id}")
    assert page.status_code == 200
    html = page.text
    assert "技术需求已发布" not in html  # the message shows only after the redirect
    assert "储能电池剩余电量估计不准" in html and "500.00 万元" in html
    # the NEU battery achievement is matched, with the reasons
    assert "锂电池荷电状态高精度估计技术" in html
    assert "同领域（新能源）" in html and "匹配词语" in html
    assert "储能电池小批量试制" in html  # the pilot service of the same subfield
    export = firm.get(f"/transfer/demands/{demand_id}/matches/export?format=xlsx")
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("类别", "编号", "名称", "匹配得分", "匹配理由")
    assert (
        rows[1][:3] == ("科技成果", web.w.battery, "锂电池荷电状态高精度估计技术") and "同领域" in rows[1][4]
    )
    assert {r[0] for r in rows[1:]} == {"科技成果", "专家", "中试服务"}
    routed = firm.post(f"/transfer/demands/{demand_id}/route", data={}, follow_redirects=False)
    assert routed.status_code == 303
    after = firm.get(routed.headers["location"]).text
    assert "已分派技术经纪人" in after and "吴经纪" in after and "同领域" in after


def test_firm_orders_a_pilot_service_and_follows_it(web: Web) -> None:
    firm = web.client("firm_a")
    menu = firm.get("/transfer/menu")
    assert menu.status_code == 200 and "储能电池小批量试制" in menu.text and "2 / 2" in menu.text
    ordered = firm.post("/transfer/orders", data={"service_id": str(web.w.service), "note": "试制 50 只"})
    assert ordered.status_code == 200 and "服务订单已提交" in ordered.text and "已提交" in ordered.text
    with web.container.sessions() as s:
        order = s.scalars(sa.select(ServiceOrder)).one()
    assert (order.enterprise_id, order.status, order.note) == (web.w.firm_a, "submitted", "试制 50 只")
    export = firm.get("/transfer/orders/export?format=xlsx")
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert [c.value for c in sheet[1]][:3] == ["订单编号", "服务项目", "基地"]
    assert sheet.cell(2, 2).value == "储能电池小批量试制"


def test_firm_expresses_interest_and_the_institution_sees_it_audited(web: Web) -> None:
    demand_id = _post_demand(web)
    firm = web.client("firm_a")
    page = firm.get(f"/transfer/achievements/{web.w.battery}")
    assert "表达合作意向" in page.text and "0.5" not in page.text  # shares are the institution's business
    done = firm.post(
        f"/transfer/achievements/{web.w.battery}/interest",
        data={"demand_id": str(demand_id), "note": "希望许可"},
    )
    assert "已表达合作意向" in done.text
    neu = web.client("neu").get(f"/transfer/achievements/{web.w.battery}")
    assert neu.status_code == 200
    assert "沈阳储能科技有限公司" in neu.text and "希望许可" in neu.text and "0.5" in neu.text
    events = _audits(web.container, "view_transfer_interest")
    assert [e.enterprise_id for e in events] == [web.w.firm_a] and events[0].role == "institution"
    export = web.client("neu").get(f"/transfer/achievements/{web.w.battery}/candidates/export?format=xlsx")
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == "沈阳储能科技有限公司" and rows[1][2] == demand_id and rows[1][5] == "是"
    assert (
        web.client("sut").get(f"/transfer/achievements/{web.w.battery}/candidates/export").status_code == 403
    )


# ------------------------------------------------------------------------------------------ broker, base


def test_broker_moves_the_assignment_to_signing_and_the_firm_rates_the_broker(web: Web) -> None:
    demand_id = _post_demand(web)
    web.client("firm_a").post(f"/transfer/demands/{demand_id}/route", data={})
    broker = web.client("broker_wu")
    pipeline = broker.get("/transfer/pipeline")
    assert pipeline.status_code == 200 and "储能电池剩余电量估计不准" in pipeline.text
    with web.container.sessions() as s:
        assignment = s.scalars(sa.select(BrokerAssignment)).one()
    assert (assignment.stage, assignment.broker_id) == ("docking", web.w.brokers[1])
    audit = _audits(web.container, "list_transfer_demands")
    assert any(e.role == "broker" and e.enterprise_id == web.w.firm_a for e in audit)
    url = f"/transfer/assignments/{assignment.id}/advance"
    assert broker.post(url, data={"action": "negotiate"}, follow_redirects=False).status_code == 303
    # signing needs a registered contract: without it the page says so and nothing changes
    refused = broker.post(url, data={"action": "sign", "contract_no": "NO-SUCH"})
    assert refused.status_code == 404
    with web.container.sessions.begin() as s:
        row = contracts.register_contract(
            s,
            web.w.institution(web.w.neu),
            contracts.ContractInput(
                "license",
                "荷电状态估计技术许可",
                3_000_000_00,
                TODAY,
                "沈阳储能科技有限公司",
                "new_energy",
                buyer_enterprise_id=web.w.firm_a,
            ),
            TODAY,
        )
        number = row.contract_no
    signed = broker.post(url, data={"action": "sign", "contract_no": number}, follow_redirects=False)
    assert signed.status_code == 303
    with web.container.sessions() as s:
        assert s.get(BrokerAssignment, assignment.id).stage == "signed"
        assert s.get(Demand, demand_id).status == "matched"
    firm = web.client("firm_a")
    rated = firm.post(f"/transfer/assignments/{assignment.id}/rating", data={"score": "5", "comment": "专业"})
    assert "感谢评价" in rated.text and "本企业评价：5 分" in rated.text


def test_pilot_base_accepts_serves_and_delivers_within_capacity(web: Web) -> None:
    firm = web.client("firm_a")
    firm.post("/transfer/orders", data={"service_id": str(web.w.service)})
    base = web.client("base")
    page = base.get("/transfer/base")
    assert page.status_code == 200 and "沈阳储能中试基地" in page.text and "储能电池小批量试制" in page.text
    with web.container.sessions() as s:
        order_id = s.scalars(sa.select(ServiceOrder.id)).one()
    act = f"/transfer/orders/{order_id}/action"
    for step in ("accept", "start"):
        assert (
            base.post(
                act, data={"action": step, "back": "/transfer/base"}, follow_redirects=False
            ).status_code
            == 303
        )
    missing = base.post(act, data={"action": "deliver", "note": ""})
    assert missing.status_code == 422 and "交付说明" in alert(missing.text)
    delivered = base.post(
        act, data={"action": "deliver", "note": "样品 50 只及测试报告", "back": "/transfer/base"}
    )
    assert (
        "订单状态已更新" in delivered.text and "1 / 2" in delivered.text
    )  # one unit of this year's capacity used
    with web.container.sessions() as s:
        assert s.get(ServiceOrder, order_id).status == "delivered"
    outputs = base.post("/transfer/base/outputs", data={"new_products": "2", "service_contracts": "1"})
    assert "产出已累加" in outputs.text and "12 个" in outputs.text


# ------------------------------------------------------------------------------------------ institution


INVENTORS = {"inventor_name": ["张三", "李四", ""], "inventor_share": ["0.6", "0.4", ""]}
ACHIEVEMENT = {
    "title": "钠离子电池正极材料低成本制备",
    "abstract": "以普鲁士蓝类似物为正极，降低储能电池成本",
    "cluster_id": "new_energy",
    "subfield": "储能",
    "trl": "6",
    "transfer_mode": "license",
    "price": "300万",
    "pay_after_use": "on",
    "pay_after_use_months": "12",
    "publish": "on",
}


def test_institution_publishes_an_achievement_with_inventor_shares(web: Web) -> None:
    neu = web.client("neu")
    new_id = created_id(
        neu.post("/transfer/achievements", data={**ACHIEVEMENT, **INVENTORS}, follow_redirects=False)
    )
    page = neu.get(f"/transfer/achievements/{new_id}").text
    assert "先行使用 12 个月" in page and "张三" in page and "0.6" in page and "300.00 万元" in page
    with web.container.sessions() as s:
        row = s.get(Achievement, new_id)
        assert (row.status, row.institution_id, row.pay_after_use_months) == ("published", web.w.neu, 12)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"inventor_share": ["0.6", "0.3", ""]}, "合计"),
        ({"inventor_name": ["张三", "", ""], "inventor_share": ["0.6", "0.4", ""]}, "姓名与份额须同时填写"),
        ({"inventor_share": ["0.6", "四成", ""]}, "不是数字"),
        ({"trl": "10"}, "技术成熟度"),
        ({"price": "三百万"}, "转化价格"),
        ({"transfer_mode": "equity"}, "先使用后付费"),
        ({"pay_after_use_months": ""}, "先行使用期"),
        ({"cluster_id": ""}, "请选择技术领域"),
    ],
)
def test_malformed_achievement_is_refused_in_chinese_and_nothing_is_written(
    web: Web, changes: dict[str, object], message: str
) -> None:
    before = _count(web.container, Achievement)
    response = web.client("neu").post("/transfer/achievements", data={**ACHIEVEMENT, **INVENTORS, **changes})
    assert response.status_code == 422
    assert message in alert(response.text)
    assert 'value="钠离子电池正极材料低成本制备"' in response.text  # the form keeps what was typed
    assert _count(web.container, Achievement) == before


def test_institution_registers_a_contract_and_splits_the_income_exactly(web: Web) -> None:
    neu = web.client("neu")
    form = {
        "contract_type": "license",
        "title": "荷电状态估计技术许可",
        "amount": "1400万",
        "non_technical": "",
        "signed_on": TODAY.isoformat(),
        "cluster_id": "new_energy",
        "buyer_name": "沈阳储能科技有限公司",
        "buyer_district": "210112",
        "achievement_id": str(web.w.battery),
        "written": "on",
    }
    contract_id = created_id(neu.post("/transfer/contracts", data=form, follow_redirects=False))
    officer = web.client("officer_far")  # 铁西区: NEU registers in 和平区, not theirs
    assert officer.get(f"/transfer/contracts/{contract_id}").status_code == 403
    admin = web.client("admin")
    decided = admin.post(f"/transfer/contracts/{contract_id}/decision", data={"action": "register"})
    assert "登记决定已保存" in decided.text and "已登记" in decided.text
    shared = neu.post(f"/transfer/contracts/{contract_id}/shares", data={"rate": "92%"})
    assert "收益分配已计算并保存" in shared.text
    assert "1,120,000.00" in shared.text and "6,440,000.00" in shared.text and "14,000,000.00" in shared.text
    with web.container.sessions() as s:
        parts = list(s.scalars(sa.select(RevenueShare).where(RevenueShare.contract_id == contract_id)))
    assert sum(p.amount_fen for p in parts) == 1400_0000_00
    assert sorted(p.amount_fen for p in parts) == [1_120_000_00, 2_576_000_00, 3_864_000_00, 6_440_000_00]
    export = neu.get(f"/transfer/contracts/{contract_id}/shares/export?format=xlsx")
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet.cell(1, 1).value == "类别" and sheet.max_row == 5


# ------------------------------------------------------------------------------------------ officers


def test_officer_statistics_show_the_target_the_published_figures_and_city_wide_scope(web: Web) -> None:
    page = web.client("officer").get(f"/transfer/stats?year={TODAY.year}")
    assert page.status_code == 200
    html = page.text
    assert "全市汇总" in html and "输出" in html and "吸纳" in html and 'id="chart-turnover"' in html
    assert "764" in html and "3,600" in html  # pilot outputs against the published figures
    assert "技术经纪人绩效" in html and "1,400" in html
    year_2026 = web.client("officer").get("/transfer/stats?year=2026").text
    assert "920.00 亿元" in year_2026
    export = web.client("officer").get("/transfer/stats/export?part=contracts&by=district&format=xlsx")
    assert (
        export.status_code == 200
        and load_workbook(io.BytesIO(export.content)).active.cell(1, 1).value == "分组"
    )


def _pending_contract(web: Web, submitted: date) -> int:
    with web.container.sessions.begin() as s:
        row = contracts.register_contract(
            s,
            web.w.institution(web.w.sut),  # 沈阳工业大学, 浑南区 (the officer's district)
            contracts.ContractInput(
                "development",
                "涂层工艺开发",
                80_000_00,
                submitted,
                "沈阳新材涂层有限公司",
                "new_materials",
                buyer_in_city=True,
                buyer_district_code="210113",
            ),
            submitted,
        )
        return row.id


def test_registration_decision_after_30_days_is_recorded_with_a_warning(web: Web) -> None:
    late = _pending_contract(web, TODAY - timedelta(days=40))
    officer = web.client("officer")
    listing = officer.get("/transfer/contracts?status=pending").text
    assert "已超过 10 天" in listing
    overdue = officer.get("/transfer/contracts?overdue=true").text
    assert "涂层工艺开发" in overdue
    decided = officer.post(f"/transfer/contracts/{late}/decision", data={"action": "register"})
    assert decided.status_code == 200 and "已超过 10 天" in decided.text
    with web.container.sessions() as s:
        assert s.get(TechContract, late).status == "registered"


def test_refusal_needs_a_reason_from_the_list(web: Web) -> None:
    contract_id = _pending_contract(web, TODAY)
    officer = web.client("officer")
    missing = officer.post(f"/transfer/contracts/{contract_id}/decision", data={"action": "refuse"})
    assert missing.status_code == 422 and "须选择理由" in alert(missing.text)
    other = officer.post(
        f"/transfer/contracts/{contract_id}/decision", data={"action": "refuse", "reason_id": "other"}
    )
    assert other.status_code == 422 and "写明具体理由" in alert(other.text)
    with web.container.sessions() as s:
        assert s.get(TechContract, contract_id).status == "pending"
    done = officer.post(
        f"/transfer/contracts/{contract_id}/decision",
        data={"action": "refuse", "reason_id": "non_technical", "reason": "实为设备买卖"},
    )
    assert "未予登记" in done.text and "实为设备买卖" in done.text


def test_challenge_list_from_submission_to_the_chosen_team(web: Web) -> None:
    firm = web.client("firm_a")
    challenge_id = created_id(
        firm.post(
            "/transfer/challenges",
            data={
                "title": "大容量储能电池热失控预警",
                "description": "需在 30 秒内预警",
                "cluster_id": "new_energy",
                "budget": "2000万",
            },
            follow_redirects=False,
        )
    )
    officer = web.client("officer")
    assert (
        "专家评审中"
        in officer.post(f"/transfer/challenges/{challenge_id}/action", data={"action": "review"}).text
    )
    too_few = officer.post(f"/transfer/challenges/{challenge_id}/action", data={"action": "select"})
    assert too_few.status_code == 422 and "至少 3 位" in alert(too_few.text)
    for expert, score in zip(web.w.experts[1:4], (80, 85, 90), strict=True):
        page = officer.post(
            f"/transfer/challenges/{challenge_id}/scores",
            data={"expert_id": str(expert), "score": str(score)},
        )
        assert "专家评分已录入" in page.text
    bad_score = officer.post(
        f"/transfer/challenges/{challenge_id}/scores",
        data={"expert_id": str(web.w.experts[0]), "score": "120"},
    )
    assert bad_score.status_code == 422 and "专家评分" in alert(bad_score.text)
    assert "已按入选线完成筛选" in officer.post("/transfer/challenges/screen").text
    published = officer.post(f"/transfer/challenges/{challenge_id}/action", data={"action": "publish"})
    assert "已发榜" in published.text
    neu = web.client("neu")
    public = neu.get("/transfer/challenges").text
    assert "大容量储能电池热失控预警" in public and "评分（平均）" not in public  # scores are for staff
    applied = neu.post(
        f"/transfer/challenges/{challenge_id}/applications",
        data={"team_name": "东北大学储能安全团队", "plan": "多传感器融合预警", "quote": "1800万"},
    )
    assert "揭榜申请已提交" in applied.text
    with web.container.sessions() as s:
        app_id = s.scalar(sa.text("select id from challenge_application"))
    chosen = firm.post(f"/transfer/applications/{app_id}/choose")
    assert "已确定揭榜团队" in chosen.text and "已选定" in chosen.text
    with web.container.sessions() as s:
        assert s.get(Challenge, challenge_id).status == "awarded"


# ------------------------------------------------------------------------------------------ validation, escaping


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"budget": "abc"}, "需求预算“abc”无法识别"),
        ({"budget": "0"}, "需求预算应大于 0 元"),
        ({"budget": "1.001"}, "精确到分以下"),
        ({"deadline": (TODAY - timedelta(days=1)).isoformat()}, "应晚于今天"),
        ({"deadline": "明天"}, "YYYY-MM-DD"),
        ({"title": ""}, "需求名称不能为空"),
        ({"cluster_id": "space"}, "技术领域（产业集群）“space”不存在"),
    ],
)
def test_malformed_demand_is_refused_in_chinese_and_nothing_is_written(
    web: Web, changes: dict[str, str], message: str
) -> None:
    response = web.client("firm_a").post("/transfer/demands", data={**DEMAND, **changes})
    assert response.status_code == 422
    assert message in alert(response.text)
    assert _count(web.container, Demand) == 0


def test_script_in_text_fields_is_escaped_on_every_page(web: Web) -> None:
    demand_id = _post_demand(web, title=SCRIPT, description=SCRIPT, indicators=SCRIPT)
    firm = web.client("firm_a")
    firm.post(f"/transfer/demands/{demand_id}/route", data={})
    firm.post(f"/transfer/achievements/{web.w.battery}/interest", data={"note": SCRIPT})
    pages = [
        firm.get(f"/transfer/demands/{demand_id}"),
        firm.get("/transfer/demands"),
        web.client("officer").get("/transfer/demands"),
        web.client("broker_wu").get("/transfer/pipeline"),
        web.client("neu").get(f"/transfer/achievements/{web.w.battery}"),
    ]
    for page in pages:
        assert page.status_code == 200
        assert SCRIPT not in page.text
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page.text


def test_officer_sees_district_demands_audited_and_the_overview_audits_nothing(web: Web) -> None:
    near, far = _post_demand(web, "firm_a"), _post_demand(web, "firm_b", title="机器人关节减速器寿命不足")
    officer = web.client("officer")
    assert officer.get("/transfer").status_code == 200
    assert _audits(web.container, "list_transfer_demands") == []  # the overview only counts
    listing = officer.get("/transfer/demands").text
    assert f'href="/transfer/demands/{near}"' in listing and f'href="/transfer/demands/{far}"' not in listing
    assert [(e.role, e.enterprise_id) for e in _audits(web.container, "list_transfer_demands")] == [
        ("officer", web.w.firm_a)
    ]
    assert officer.get(f"/transfer/demands/{far}").status_code == 403
    assert web.client("officer_far").get(f"/transfer/demands/{far}").status_code == 200


def test_forms_carry_the_csrf_token_and_a_post_without_it_is_refused(web: Web) -> None:
    firm = web.client("firm_a")
    for path in ("/transfer/demands", "/transfer/menu", "/transfer/challenges"):
        assert 'name="csrf_token"' in firm.get(path).text
    refused = firm.post("/transfer/demands", data=DEMAND, headers={"X-CSRF-Token": ""})
    assert refused.status_code == 403 and "CSRF" in refused.text
    assert _count(web.container, Demand) == 0


def test_the_navigation_shows_the_area_to_transfer_roles_only(web: Web) -> None:
    assert 'href="/transfer"' in web.client("broker_wu").get("/account").text
    assert 'href="/transfer"' not in web.client("bank").get("/account").text
    assert web.client("bank").get("/transfer").status_code == 403
