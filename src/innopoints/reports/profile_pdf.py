"""The enterprise profile as a PDF for a bank's credit file: points and rank, group-score radar, points trend,
ladder stage and the gap to the next rung, eligibility verdicts with references, strengths and weaknesses,
and a provenance note (data sources, scoring round, rulebook status). Synthetic data is watermarked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from typing import Any

from innopoints.reports import charts
from innopoints.reports.layout import page_decorator, styles, table, text

LONG_TEXT = 360


@dataclass(frozen=True)
class FirmFacts:
    uscc: str
    name: str
    district: str
    park: str
    cluster: str
    registration_date: date | None
    listed: bool
    is_synthetic: bool
    qualifications: Sequence[str] = ()


@dataclass(frozen=True)
class ProfileReport:
    firm: FirmFacts
    profile: dict[str, Any] | None  # ``profile.service.page_summary`` (None: not scored yet)
    sources: Sequence[tuple[str, int]]  # provenance of the firm's current panel values: (source label, count)
    panel_years: Sequence[int]
    generated_at: datetime
    generated_by: str
    notes: Sequence[str] = field(default_factory=tuple)


def _short(value: object, limit: int = LONG_TEXT) -> str:
    s = "" if value is None else str(value)
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _num(value: object) -> float:
    try:
        return float(Decimal(str(value)))
    except Exception:
        return 0.0


def _share(score: object, maximum: object) -> float:
    top = _num(maximum)
    return round(100 * _num(score) / top, 1) if top else 0.0


def _identity(report: ProfileReport) -> Any:
    f = report.firm
    rows = [
        [
            "统一社会信用代码",
            f.uscc,
            "注册日期",
            f.registration_date.isoformat() if f.registration_date else "—",
        ],
        ["所属区县", f.district, "所属园区", f.park or "—"],
        ["产业集群", f.cluster, "是否上市", "是" if f.listed else "否"],
        [
            "有效资质",
            "、".join(f.qualifications) or "—",
            "数据年度",
            "、".join(str(y) for y in report.panel_years) or "—",
        ],
    ]
    return table(["项目", "内容", "项目", "内容"], rows, [30, 60, 25, 65])


def _points_section(profile: dict[str, Any], st: Any) -> list[Any]:
    from reportlab.platypus import Paragraph

    pts = profile["points"]
    rnd = profile["round"]
    lists = "、".join(pts.get("lists_text") or []) or "未上榜"
    ladder = profile.get("ladder") or {}
    rows = [
        [
            "创新积分",
            f"{pts['points']} 分（基础 {pts['base_points']} 分，加分 {pts['bonus_points']}，扣分 {pts['penalty_points']}）",
        ],
        ["发展阶段 / 同类组", f"{pts['stage_name']} / {pts['peer_group']}"],
        ["排名", f"{pts['text']}；组内百分位 {pts['percentile']}%"],
        ["榜单", lists],
        [
            "积分梯度",
            f"{ladder.get('points_ladder_stage_name', '—')}（科技型中小企业评价 {ladder.get('tech_sme_score', '—')} 分）",
        ],
        ["评价批次", f"第 {rnd['id']} 批次，{rnd['year']} 年度，共 {rnd['firms']:,} 家企业参评"],
    ]
    return [Paragraph("一、创新积分与排名", st.heading), table(["项目", "结果"], rows, [35, 145])]


def _charts_section(profile: dict[str, Any], st: Any) -> list[Any]:
    from reportlab.platypus import Paragraph, Table

    radar_axes = profile.get("radar") or []
    names = [f"{a['name']}" for a in radar_axes]
    own = [_share(a["score"], a["max_score"]) for a in radar_axes]
    peer = [_share(a["peer_median"], a["max_score"]) for a in radar_axes]
    trend_points = (profile.get("trend") or {}).get("points") or []
    years = [int(p["year"]) for p in trend_points]
    values = [_num(p["points"]) if p.get("points") is not None else 0.0 for p in trend_points]
    estimated = [p.get("source") != "round" for p in trend_points]
    left: Any = (
        charts.radar(names, own, peer)
        if len(names) >= 3
        else charts.hbars(names, [own, peer], [("本企业", charts.BRAND), ("同组中位", charts.PEER)], unit="%")
    )
    right: Any = charts.trend(years, values, estimated) if years else Paragraph("无趋势数据", st.body)
    out: list[Any] = [
        Paragraph("二、分组得分与三年趋势", st.heading),
        Table([[left, right]], colWidths=[92 * 72 / 25.4, 92 * 72 / 25.4]),
    ]
    rows = [
        [
            a["name"],
            f"{a['score']} / {a['max_score']}",
            f"{_share(a['score'], a['max_score'])}%",
            f"{a['percentile']}%",
            a["peer_median"],
        ]
        for a in radar_axes
    ]
    out.append(
        table(["一级指标", "得分 / 满分", "得分率", "高于同组", "同组中位"], rows, [50, 35, 25, 30, 40])
    )
    labels = [f"{p['year']} 年：{p.get('points') or '—'} 分（{p.get('label', '')}）" for p in trend_points]
    if labels:
        out.append(Paragraph(text("；".join(labels)), st.small))
    return out


def _ladder_section(profile: dict[str, Any], st: Any) -> list[Any]:
    from reportlab.platypus import Paragraph

    elig = profile.get("eligibility") or {}
    stage = (elig.get("stage") or {}).get("name") or "尚未进入培育梯度"
    nxt = (elig.get("next") or {}).get("name")
    rungs = "  →  ".join(f"{'●' if r.get('reached') else '○'} {r['name']}" for r in elig.get("rungs") or [])
    out: list[Any] = [
        Paragraph("三、梯度阶段与差距", st.heading),
        Paragraph(text(f"当前梯度：{stage}" + (f"；下一梯度：{nxt}" if nxt else "")), st.body),
    ]
    if rungs:
        out.append(Paragraph(text(rungs), st.small))
    gap_items = profile.get("gap_items") or []
    if gap_items:
        rows = [
            [g.get("name", ""), _short(g.get("delta_text", "")), g.get("reference", ""), g.get("label", "")]
            for g in gap_items
        ]
        out.append(table(["条件", "差距（确切数值）", "依据", "规则状态"], rows, [32, 88, 40, 20]))
    elif nxt:
        out.append(Paragraph("已满足下一梯度的数据条件，或差距无法由数据计算。", st.body))
    return out


def _verdicts_section(profile: dict[str, Any], st: Any) -> list[Any]:
    from reportlab.platypus import Paragraph

    verdicts = ((profile.get("eligibility") or {}).get("verdicts") or {}).values()
    rows = []
    for v in verdicts:
        failed = "；".join(f"{c.get('name', '')}（{c.get('reference', '')}）" for c in v.get("failed") or [])
        unknown = "、".join(c.get("name", "") for c in v.get("unknown") or [])
        reasons = "；".join(
            x for x in (f"未满足：{failed}" if failed else "", f"待补充：{unknown}" if unknown else "") if x
        )
        rows.append(
            [
                v.get("title", ""),
                v.get("result_text", ""),
                _short(reasons) or "—",
                v.get("regional_default_label") or "官方规则",
            ]
        )
    out: list[Any] = [Paragraph("四、资格判断（自评，非认定结论）", st.heading)]
    out.append(
        table(["资格", "结论", "理由与依据", "规则状态"], rows, [38, 18, 100, 24])
        if rows
        else Paragraph("无", st.body)
    )
    return out


def _strengths_section(profile: dict[str, Any], st: Any) -> list[Any]:
    from reportlab.platypus import Paragraph

    out: list[Any] = [Paragraph("五、优势与短板", st.heading)]
    strengths = "；".join(s["text"] for s in profile.get("strengths") or []) or "—"
    weaknesses = "；".join(s["text"] for s in profile.get("weaknesses") or []) or "—"
    out.append(Paragraph(text(f"优势：{strengths}"), st.body))
    out.append(Paragraph(text(f"短板：{weaknesses}"), st.body))
    return out


def _provenance(report: ProfileReport, st: Any) -> list[Any]:
    from reportlab.platypus import Paragraph

    sources = "、".join(f"{label} {count} 项" for label, count in report.sources) or "无"
    lines = [
        f"指标数据来源（当前值）：{sources}。每个数值均保留来源与修订历史，可在平台“企业画像 › 年度指标”中查看。"
    ]
    profile = report.profile
    if profile is not None:
        rnd = profile["round"]
        lines.append(
            f"积分来自第 {rnd['id']} 评价批次（{rnd['year']} 年度，规则版本 {str(rnd['rulebook_hash'])[:12]}，"
            f"参照分布冻结于 {str(rnd['created_at'])[:19]}）。{profile.get('rulebook_label', '')}"
        )
    lines.append("资格判断为依据公开规则对平台数据的自评，不构成认定结论；专家评分项按区间计。")
    if report.firm.is_synthetic:
        lines.append("本报告数据为平台合成的演示数据，非真实企业信息，不得用于授信决策。")
    lines.extend(report.notes)
    out: list[Any] = [Paragraph("六、数据来源与说明", st.heading)]
    out += [Paragraph(text(line), st.small) for line in lines]
    return out


def render(report: ProfileReport) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    st = styles()
    buffer = BytesIO()
    firm = report.firm
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=f"企业创新积分画像报告 - {firm.name}",
        author="InnoPoints 科创积分平台",
        subject=firm.uscc,
    )
    story: list[Any] = [
        Paragraph("企业创新积分画像报告", st.title),
        Paragraph(text(firm.name), st.heading),
        Paragraph(
            text(
                f"生成时间：{report.generated_at:%Y-%m-%d %H:%M}（UTC） · 生成人：{report.generated_by} · 供银行授信参考"
            ),
            st.small,
        ),
        Spacer(1, 3 * mm),
        _identity(report),
    ]
    profile = report.profile
    if profile is None:
        story.append(
            Paragraph("本企业尚未参加积分评价批次，暂无积分画像；以下仅列基本信息与数据来源。", st.body)
        )
    else:
        for section in (
            _points_section,
            _charts_section,
            _ladder_section,
            _verdicts_section,
            _strengths_section,
        ):
            story += section(profile, st)
    story += _provenance(report, st)
    decorate = page_decorator(
        f"InnoPoints 科创积分 · {firm.name}（{firm.uscc}）",
        "企业画像报告 · 数据以平台记录为准",
        firm.is_synthetic,
    )
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()
