"""Targets report on a synthetic city: every live value equals a recomputation from the raw rows
(Python over full table reads, not the service's SQL), the allocation is append-only, and the report
exports to XLSX and PDF. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from datetime import UTC, datetime
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa

from innopoints.bootstrap import Container
from innopoints.registry.exporting import export_rows
from innopoints.synth.city import City, SynthConfig, generate_city
from innopoints.synth.db_writer import load_city
from innopoints.targets import allocation as alloc
from innopoints.targets.export import COLUMNS, report_rows
from innopoints.targets.measures import LADDER_KINDS, MEASURES, TECH_KINDS
from innopoints.targets.pdf import render_pdf
from innopoints.targets.report import build_report

AS_OF = dt.date(2026, 6, 30)


@pytest.fixture(scope="module")
def city() -> City:
    return generate_city(SynthConfig(seed=11, enterprises=500))


def _plus_year(day: dt.date) -> dt.date:
    return (
        day.replace(year=day.year + 1)
        if not (day.month == 2 and day.day == 29)
        else dt.date(day.year + 1, 2, 28)
    )


def _extend_into_2026(conn: sa.Connection) -> None:
    """Give the 2025 city a first half of 2026: renewed 科技型中小企业 (one revoked), contracts registered
    in 2026 (some refused or pending), one firm exiting, so every filter of the measures matters."""
    quals = conn.execute(
        sa.text("SELECT enterprise_id, granted_on FROM qualification WHERE kind = 'tech_sme' AND year = 2025")
    ).all()
    for i, (eid, granted) in enumerate(quals):
        if i % 3 == 0:
            continue
        granted = granted if isinstance(granted, dt.date) else dt.date.fromisoformat(str(granted))
        conn.execute(
            sa.text(
                "INSERT INTO qualification (enterprise_id, kind, year, granted_on, expires_on, revoked_on, source,"
                " is_synthetic, created_at) VALUES (:e, 'tech_sme', 2026, :g, :x, :r, 'test', true, :now)"
            ),
            {
                "e": eid,
                "g": _plus_year(granted),
                "x": dt.date(2026, 12, 31),
                "r": dt.date(2026, 5, 1) if i % 7 == 1 else None,
                "now": datetime.now(UTC),
            },
        )
    contracts = conn.execute(
        sa.text(
            "SELECT contract_no, contract_type, seller_enterprise_id, buyer_name, buyer_in_city, cluster_id,"
            " district_code, signed_on, submitted_on, decided_on, status, amount_fen FROM tech_contract"
            " WHERE decided_on IS NOT NULL"
        )
    ).all()
    for i, c in enumerate(contracts):
        dates = [d if isinstance(d, dt.date) else dt.date.fromisoformat(str(d)) for d in (c[7], c[8], c[9])]
        conn.execute(
            sa.text(
                "INSERT INTO tech_contract (contract_no, contract_type, seller_enterprise_id, buyer_name,"
                " buyer_in_city, cluster_id, district_code, signed_on, submitted_on, decided_on, status,"
                " amount_fen, non_technical_fen, is_synthetic) VALUES (:no, :t, :s, :b, :bc, :cl, :d, :so, :su,"
                " :de, :st, :a, 0, true)"
            ),
            {
                "no": f"N{c[0]}",
                "t": c[1],
                "s": c[2],
                "b": c[3],
                "bc": c[4],
                "cl": c[5],
                "d": c[6],
                "so": _plus_year(dates[0]),
                "su": _plus_year(dates[1]),
                "de": _plus_year(dates[2]),
                "st": "pending" if i % 11 == 0 else c[10],
                "a": c[11] + i,
            },
        )
    first_holder = conn.execute(
        sa.text("SELECT MIN(enterprise_id) FROM qualification WHERE kind = 'tech_sme' AND year = 2026")
    ).scalar_one()
    conn.execute(
        sa.text("UPDATE enterprise SET exit_date = :d WHERE id = :e"),
        {"d": dt.date(2026, 3, 1), "e": first_holder},
    )


def _date(value: object) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value  # type: ignore[return-value]
    return dt.date.fromisoformat(str(value))


def _expected(conn: sa.Connection, day: dt.date) -> dict[str, dict[str, Decimal]]:
    """Per indicator and district, recomputed in Python from every raw row."""
    firms = {
        r[0]: (r[1], _date(r[2]), _date(r[3]))
        for r in conn.execute(
            sa.text("SELECT id, district_code, registration_date, exit_date FROM enterprise")
        )
    }
    holders: dict[str, set[int]] = {"tech": set(), "ladder": set()}
    for eid, kind, year, granted, expires, revoked in conn.execute(
        sa.text("SELECT enterprise_id, kind, year, granted_on, expires_on, revoked_on FROM qualification")
    ):
        end = _date(expires) or dt.date(year, 12, 31)
        rv = _date(revoked)
        if _date(granted) <= day <= end and (rv is None or rv > day):  # type: ignore[operator]
            if kind in TECH_KINDS:
                holders["tech"].add(eid)
            if kind in LADDER_KINDS:
                holders["ladder"].add(eid)

    def firm_counts(ids: set[int]) -> dict[str, Decimal]:
        c: Counter[str] = Counter()
        for eid in ids:
            district, reg, exit_ = firms[eid]
            if reg <= day and (exit_ is None or exit_ > day):  # type: ignore[operator]
                c[district] += 1
        return {d: Decimal(n) for d, n in c.items()}

    turnover: dict[str, Decimal] = defaultdict(Decimal)
    for district, decided, status, fen in conn.execute(
        sa.text("SELECT district_code, decided_on, status, amount_fen FROM tech_contract")
    ):
        d = _date(decided)
        if status == "registered" and d is not None and dt.date(day.year, 1, 1) <= d <= day:
            turnover[district] += Decimal(fen) / 100
    carriers = Counter(
        r[0]
        for r in conn.execute(sa.text("SELECT district_code, established_on FROM pilot_base"))
        if _date(r[1]) <= day  # type: ignore[operator]
    )
    brokers = Counter(
        r[0]
        for r in conn.execute(sa.text("SELECT district_code, certified_on FROM broker"))
        if r[1] is not None and _date(r[1]) <= day  # type: ignore[operator]
    )
    return {
        "tech_enterprises_total": firm_counts(holders["tech"]),
        "eaglet_gazelle_unicorn_total": firm_counts(holders["ladder"]),
        "tech_contract_turnover_yuan": dict(turnover),
        "concept_verification_and_pilot_carriers": {d: Decimal(n) for d, n in carriers.items()},
        "tech_brokers_cumulative": {d: Decimal(n) for d, n in brokers.items()},
    }


def test_live_values_equal_a_recomputation_from_raw_rows(container: Container, city: City) -> None:
    load_city(container.engine, city)
    with container.engine.begin() as conn:
        _extend_into_2026(conn)
    with container.engine.connect() as conn:
        for day in (dt.date(2025, 9, 30), AS_OF):
            expected = _expected(conn, day)
            for tid, measure in MEASURES.items():
                got = measure.compute(conn, day)
                want = {d: v for d, v in expected[tid].items() if v}
                assert {d: v for d, v in got.by_district.items() if v} == want, (tid, day)
                assert got.total == sum(want.values(), Decimal(0))
        report = build_report(conn, 2026, AS_OF, container.region)
        expected_now = _expected(conn, AS_OF)
    rows = {r.id: r for r in report.indicators}
    for tid in MEASURES:
        assert rows[tid].current == sum(expected_now[tid].values(), Decimal(0)), tid
        assert rows[tid].current > 0, f"{tid} should be non-trivial in this fixture"
        assert rows[tid].projection is not None and rows[tid].projection >= rows[tid].current
    for tid, row in rows.items():
        if tid not in MEASURES:
            assert row.current is None and row.status == "无数据来源"
    district_rows = [d for d in report.districts if d.indicator == "tech_contract_turnover_yuan"]
    assert {d.district: d.current for d in district_rows if d.current} == expected_now[
        "tech_contract_turnover_yuan"
    ]
    assert sum(d.target for d in district_rows) == 92_000_000_000
    assert [m.month for m in report.months] == list(range(1, 13))
    assert sum(m.current_yuan or 0 for m in report.months) == rows["tech_contract_turnover_yuan"].current
    assert report.months[6].current_yuan is None  # July is after the as-of date
    assert any("技术合同成交额" in a for a in report.alerts)


def test_allocation_edits_are_appended_and_used(container: Container, tmp_path: Path) -> None:
    region = container.region
    default = alloc.load_default(region, 2026)
    with container.engine.begin() as conn:
        first = alloc.record_change(
            conn,
            region,
            default,
            indicator="tech_brokers_cumulative",
            district="210112",
            value=500,
            changed_by="张三",
            reason="区县任务书",
            at=datetime(2026, 3, 1, tzinfo=UTC),
        )
        second = alloc.record_change(
            conn,
            region,
            default,
            indicator="tech_brokers_cumulative",
            district="210112",
            value=420,
            changed_by="李四",
            reason="年中调整",
            at=datetime(2026, 7, 1, tzinfo=UTC),
        )
    assert second > first
    with container.engine.connect() as conn:
        history = alloc.history(conn, 2026, "tech_brokers_cumulative")
        assert [(h["changed_by"], h["value"]) for h in history] == [("张三", 500), ("李四", 420)]
        report = build_report(conn, 2026, AS_OF, region)
    hunnan = next(
        d for d in report.districts if d.indicator == "tech_brokers_cumulative" and d.district == "210112"
    )
    assert hunnan.target == 420 and hunnan.edited
    default_hunnan = alloc.split(1400, default.shares_bp)["210112"]
    assert any("分解不一致" in a and "技术经纪人" in a for a in report.alerts) == (default_hunnan != 420)
    with pytest.raises(Exception, match="须填写修改人"), container.engine.begin() as conn:
        alloc.record_change(
            conn,
            region,
            default,
            indicator="tech_brokers_cumulative",
            district="210112",
            value=1,
            changed_by=" ",
            reason="x",
            at=datetime.now(UTC),
        )

    xlsx = export_rows(COLUMNS, list(report_rows(report)), "xlsx")
    sheet = openpyxl.load_workbook(BytesIO(xlsx)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0] == "范围"
    assert values[1 + 2][:4] == ["全市", "技术合同成交额", "元", 92000000000]
    assert any(v[0] == "浑南区" and v[1] == "技术经纪人(经理)累计" and v[3] == 420 for v in values)
    pdf = render_pdf(report)
    assert pdf.startswith(b"%PDF") and b"STSong-Light" in pdf


def test_cli_report_formats(
    container: Container, city: City, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from innopoints.bootstrap import default_container
    from innopoints.cli import app
    from innopoints.settings import get_settings

    load_city(container.engine, city)
    monkeypatch.setenv("INNOPOINTS_DATABASE_URL", container.settings.database_url)
    get_settings.cache_clear()
    default_container.cache_clear()
    try:
        runner = CliRunner()
        table = runner.invoke(app, ["targets", "report", "--as-of", "2026-06-30"])
        assert table.exit_code == 0, table.output
        assert "科技型企业数量" in table.output and "无数据来源" in table.output
        for fmt in ("xlsx", "pdf"):
            out = tmp_path / f"r.{fmt}"
            done = runner.invoke(
                app, ["targets", "report", "--as-of", "2026-06-30", "--format", fmt, "--out", str(out)]
            )
            assert done.exit_code == 0, done.output
            assert out.stat().st_size > 1000
        assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
        wrong = runner.invoke(app, ["targets", "report", "--year", "2025"], standalone_mode=False)
        assert "没有 2025 年的目标" in str(wrong.exception)
        need_out = runner.invoke(app, ["targets", "report", "--format", "pdf"], standalone_mode=False)
        assert "--out" in str(need_out.exception)
        edit = runner.invoke(
            app,
            [
                "targets",
                "allocate",
                "--indicator",
                "tech_brokers_cumulative",
                "--district",
                "210112",
                "--value",
                "300",
                "--by",
                "王五",
                "--reason",
                "调整",
            ],
        )
        assert edit.exit_code == 0, edit.output
        listed = runner.invoke(app, ["targets", "allocation"])
        assert "王五" in listed.output and "浑南区" in listed.output
    finally:
        default_container().engine.dispose()
        get_settings.cache_clear()
        default_container.cache_clear()
