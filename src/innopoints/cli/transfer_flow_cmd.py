"""``innopoints transfer demand|achievement|broker|order|challenge …``: the 成果转化 workflows as commands."""

from __future__ import annotations

from typing import Annotated

import typer

from innopoints.cli.transfer_cmd import TodayOpt, day, print_table, say, session_scope


def _demand_matches(demand: int, top: int) -> None:
    from innopoints.transfer.access import SYSTEM
    from innopoints.transfer.matches import demand_matches

    with session_scope() as session:
        m = demand_matches(session, SYSTEM, demand, top)
    say(f"[bold]技术需求 #{demand} 的匹配结果[/bold]")
    for e in m.achievements:
        say(e.to_text())
    print_table(
        "推荐专家", ["ID", "姓名", "得分"], [[str(h.id), h.label, f"{h.score:.3f}"] for h in m.experts]
    )
    print_table(
        "推荐中试服务（菜单）",
        ["ID", "基地 · 服务", "得分"],
        [[str(h.id), h.label, f"{h.score:.3f}"] for h in m.services],
    )


def _candidates(achievement: int, top: int) -> None:
    from innopoints.transfer.access import SYSTEM
    from innopoints.transfer.matches import achievement_candidates

    with session_scope() as session:
        rows = achievement_candidates(session, SYSTEM, achievement, top)
    print_table(
        f"科技成果 #{achievement} 的候选企业（按需求匹配度）",
        ["企业 ID", "企业", "需求", "得分", "已表达意向"],
        [
            [
                str(r.enterprise_id),
                r.name,
                f"#{r.demand_id} {r.demand_title}",
                f"{r.score:.3f}",
                "是" if r.interested else "",
            ]
            for r in rows
        ],
    )


def _pipeline(broker: int, include_all: bool, today: str | None) -> None:
    from innopoints.transfer.access import SYSTEM
    from innopoints.transfer.brokers import pipeline
    from innopoints.transfer.money import fmt_money

    with session_scope() as session:
        items = pipeline(session, SYSTEM, broker, day(today), include_all)
    print_table(
        f"技术经纪人 #{broker} 的对接任务",
        ["任务", "阶段", "需求", "企业", "预算", "截止", "本阶段天数", "合同"],
        [
            [
                str(i.assignment_id),
                i.stage_zh,
                f"#{i.demand_id} {i.demand_title}",
                i.enterprise,
                fmt_money(i.budget_fen),
                i.deadline.isoformat(),
                str(i.days_in_stage),
                "" if i.contract_id is None else f"#{i.contract_id}",
            ]
            for i in items
        ],
    )


def _orders(base: int | None, status: str | None) -> None:
    from innopoints.transfer.access import SYSTEM
    from innopoints.transfer.money import fmt_money
    from innopoints.transfer.orders import list_orders

    with session_scope() as session:
        rows = list_orders(session, SYSTEM, base, status)
    print_table(
        "中试服务订单",
        ["订单", "状态", "服务", "基地", "企业", "价格", "下单日期", "交付日期"],
        [
            [
                str(o.order_id),
                o.status_zh,
                o.service,
                o.base,
                o.enterprise,
                fmt_money(o.price_fen),
                o.ordered_on.isoformat(),
                o.delivered_on.isoformat() if o.delivered_on else "",
            ]
            for o in rows[:200]
        ],
        f"共 {len(rows):,} 单" + ("（仅显示前 200 单）" if len(rows) > 200 else ""),
    )


def _challenges(status: str | None) -> None:
    from innopoints.region import load_region
    from innopoints.transfer.access import SYSTEM
    from innopoints.transfer.challenges import challenge_list
    from innopoints.transfer.money import fmt_money

    region = load_region()
    with session_scope() as session:
        rows = challenge_list(session, SYSTEM, status)
    print_table(
        "“卡脖子”难题清单",
        ["ID", "难题", "出题企业", "领域", "榜额", "状态", "评审（人）", "平均分", "揭榜申请", "揭榜截止"],
        [
            [
                str(c.challenge_id),
                c.title,
                c.enterprise,
                region.cluster_name(c.cluster_id),
                fmt_money(c.budget_fen),
                c.status_zh,
                str(c.reviews),
                "—" if c.average is None else str(c.average),
                str(c.applications),
                c.apply_deadline.isoformat() if c.apply_deadline else "",
            ]
            for c in rows[:200]
        ],
        f"共 {len(rows):,} 项",
    )


def register(transfer_app: typer.Typer) -> None:
    from innopoints.transfer.access import SYSTEM

    demand_app = typer.Typer(help="技术需求：分派经纪人、查看匹配。", no_args_is_help=True)
    achievement_app = typer.Typer(help="科技成果：候选企业、意向企业。", no_args_is_help=True)
    broker_app = typer.Typer(help="技术经纪人：对接任务与阶段推进。", no_args_is_help=True)
    order_app = typer.Typer(help="中试服务订单（菜单式服务）。", no_args_is_help=True)
    challenge_app = typer.Typer(help="“卡脖子”难题：评审、发榜、揭榜。", no_args_is_help=True)
    for name, sub in (
        ("demand", demand_app),
        ("achievement", achievement_app),
        ("broker", broker_app),
        ("order", order_app),
        ("challenge", challenge_app),
    ):
        transfer_app.add_typer(sub, name=name)

    @demand_app.command("route")
    def route_cmd(
        demand: Annotated[int, typer.Option("--demand")],
        broker: Annotated[
            int | None, typer.Option("--broker", help="人工指定经纪人（默认按领域与负荷自动分派）")
        ] = None,
        today: TodayOpt = None,
    ) -> None:
        """把需求分派给技术经纪人 (route a demand to a broker)."""
        from innopoints.transfer.brokers import route_demand

        with session_scope() as session:
            a = route_demand(session, SYSTEM, demand, day(today), broker)
            say(
                f"需求 #{demand} 已分派给经纪人 #{a.broker_id}（对接任务 #{a.id}，{'自动' if a.routed_by == 'auto' else '人工'}：{a.routing_reason}）"
            )

    @demand_app.command("matches")
    def matches_cmd(
        demand: Annotated[int, typer.Option("--demand")],
        top: Annotated[int, typer.Option("--top", min=1)] = 5,
    ) -> None:
        """需求 → 成果（含解释）、专家、中试服务 (matches for a demand)."""
        _demand_matches(demand, top)

    @achievement_app.command("candidates")
    def candidates_cmd(
        achievement: Annotated[int, typer.Option("--achievement")],
        top: Annotated[int, typer.Option("--top", min=1)] = 10,
    ) -> None:
        """成果 → 候选企业 (candidate firms for an achievement)."""
        _candidates(achievement, top)

    @achievement_app.command("interested")
    def interested_cmd(achievement: Annotated[int, typer.Option("--achievement")]) -> None:
        """表达过合作意向的企业 (firms that expressed interest)."""
        from innopoints.transfer.achievements import interested_firms

        with session_scope() as session:
            rows = interested_firms(session, SYSTEM, achievement)
        print_table(
            f"科技成果 #{achievement} 的意向企业",
            ["企业 ID", "企业", "日期", "关联需求", "留言"],
            [
                [str(r.enterprise_id), r.name, r.created_on.isoformat(), r.demand_title or "", r.note]
                for r in rows
            ],
        )

    @broker_app.command("pipeline")
    def pipeline_cmd(
        broker: Annotated[int, typer.Option("--broker")],
        include_all: Annotated[bool, typer.Option("--all", help="含已签约、已终止")] = False,
        today: TodayOpt = None,
    ) -> None:
        """经纪人的对接任务（对接 → 洽谈 → 签约）(a broker's pipeline)."""
        _pipeline(broker, include_all, today)

    @broker_app.command("advance")
    def advance_cmd(
        assignment: Annotated[int, typer.Option("--assignment")],
        action: Annotated[
            str, typer.Option("--action", help="negotiate（进入洽谈）/ sign（签约）/ terminate（终止）")
        ],
        contract: Annotated[int | None, typer.Option("--contract", help="签约时关联的技术合同 ID")] = None,
        achievement: Annotated[int | None, typer.Option("--achievement", help="对接的科技成果 ID")] = None,
        reason: Annotated[str | None, typer.Option("--reason", help="终止原因")] = None,
        today: TodayOpt = None,
    ) -> None:
        """推进对接阶段 (advance an assignment)."""
        from innopoints.transfer.brokers import advance_assignment
        from innopoints.transfer.states import ASSIGNMENT

        with session_scope() as session:
            a = advance_assignment(
                session,
                SYSTEM,
                assignment,
                action,
                day(today),
                contract_id=contract,
                achievement_id=achievement,
                reason=reason,
            )
            say(f"对接任务 #{a.id} 现为“{ASSIGNMENT.state_zh(a.stage)}”")

    @order_app.command("menu")
    def menu_cmd(
        field: Annotated[str | None, typer.Option("--field", help="技术领域（产业集群编号或中文名）")] = None,
        subfield: Annotated[str | None, typer.Option("--subfield", help="细分领域")] = None,
        year: Annotated[int | None, typer.Option("--year", help="容量年度（默认今年）")] = None,
        available: Annotated[bool, typer.Option("--available", help="只看仍有余量的")] = False,
    ) -> None:
        """服务菜单与本年度剩余服务能力 (the service menu with remaining capacity)."""
        import datetime as dt

        from innopoints.transfer.money import fmt_money
        from innopoints.transfer.pilots import KIND_ZH, menu

        y = year or dt.date.today().year
        with session_scope() as session:
            items = menu(session, y, field, subfield, only_available=available)
        print_table(
            f"中试/概念验证服务菜单（{y} 年余量）",
            ["服务 ID", "服务", "细分领域", "基地", "类型", "价格", "年服务能力", "剩余"],
            [
                [
                    str(i.service_id),
                    i.name,
                    i.subfield,
                    i.base_name,
                    KIND_ZH[i.base_kind],
                    fmt_money(i.price_fen),
                    f"{i.capacity} 单",
                    f"{i.remaining} 单",
                ]
                for i in items[:300]
            ],
            f"共 {len(items):,} 项",
        )

    @order_app.command("list")
    def orders_cmd(
        base: Annotated[int | None, typer.Option("--base", help="中试基地 ID")] = None,
        status: Annotated[str | None, typer.Option("--status")] = None,
    ) -> None:
        """服务订单列表 (service orders)."""
        _orders(base, status)

    @order_app.command("act")
    def order_act_cmd(
        order: Annotated[int, typer.Option("--order")],
        action: Annotated[str, typer.Option("--action", help="accept/start/deliver/reject/cancel")],
        note: Annotated[str | None, typer.Option("--note", help="交付说明或原因")] = None,
        today: TodayOpt = None,
    ) -> None:
        """处理订单：受理（核对年度服务能力）、开始、交付、不予受理、取消 (act on an order)."""
        from innopoints.transfer.orders import change_order
        from innopoints.transfer.states import ORDER

        with session_scope() as session:
            o = change_order(session, SYSTEM, order, action, day(today), note)
            say(f"订单 #{o.id} 现为“{ORDER.state_zh(o.status)}”")

    @challenge_app.command("list")
    def challenge_list_cmd(status: Annotated[str | None, typer.Option("--status")] = None) -> None:
        """难题清单 (the challenge list)."""
        _challenges(status)

    @challenge_app.command("act")
    def challenge_act_cmd(
        challenge: Annotated[int, typer.Option("--challenge")],
        action: Annotated[str, typer.Option("--action", help="review/select/reject/publish/complete/close")],
        reason: Annotated[str | None, typer.Option("--reason")] = None,
        today: TodayOpt = None,
    ) -> None:
        """推进难题状态 (move a problem through the list)."""
        from innopoints.transfer.challenges import decide_challenge
        from innopoints.transfer.states import CHALLENGE

        with session_scope() as session:
            c = decide_challenge(session, SYSTEM, challenge, action, day(today), reason)
            extra = (
                f"，揭榜截止 {c.apply_deadline.isoformat()}"
                if c.status == "published" and c.apply_deadline
                else ""
            )
            say(f"难题 #{c.id} 现为“{CHALLENGE.state_zh(c.status)}”{extra}")

    @challenge_app.command("score")
    def challenge_score_cmd(
        challenge: Annotated[int, typer.Option("--challenge")],
        expert: Annotated[int, typer.Option("--expert")],
        score: Annotated[int, typer.Option("--score")],
        comment: Annotated[str, typer.Option("--comment")] = "",
        today: TodayOpt = None,
    ) -> None:
        """录入专家评分 (record an expert's score)."""
        from innopoints.transfer.challenges import review_of, score_challenge

        with session_scope() as session:
            score_challenge(session, SYSTEM, challenge, expert, score, day(today), comment)
            r = review_of(session, challenge)
            say(f"难题 #{challenge}：已有 {r.count} 位专家评分，平均 {r.average} 分")

    @challenge_app.command("screen")
    def challenge_screen_cmd(today: TodayOpt = None) -> None:
        """按入选线批量决定评审中的难题 (select or reject every scored problem)."""
        from innopoints.transfer.challenges import screen

        with session_scope() as session:
            selected, rejected = screen(session, SYSTEM, day(today))
        say(f"入选 {len(selected)} 项：{selected}；未入选 {len(rejected)} 项：{rejected}")

    @challenge_app.command("choose")
    def challenge_choose_cmd(
        application: Annotated[int, typer.Option("--application")], today: TodayOpt = None
    ) -> None:
        """确定揭榜团队 (choose the winning application)."""
        from innopoints.transfer.challenges import choose

        with session_scope() as session:
            c = choose(session, SYSTEM, application, day(today))
            say(f"难题 #{c.id} 已揭榜：选定申请 #{application}")
