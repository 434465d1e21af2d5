"""Small helpers shared by the transfer services: loading a row or a clear 未找到 error, checking cluster and
district ids and required text against the region pack, and Chinese labels for transfer modes."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy.orm import Session

from innopoints.errors import NotFound, UserError
from innopoints.region import load_region

T = TypeVar("T")

TRANSFER_MODES: dict[str, str] = {
    "transfer": "转让",
    "license": "许可",
    "equity": "作价入股",
    "joint_development": "合作开发",
}


def get_row(session: Session, model: type[T], row_id: int, what: str) -> T:
    row = session.get(model, row_id)
    if row is None:
        raise NotFound(f"未找到{what} #{row_id}")
    return row


def check_cluster(cluster_id: str, region: str = "shenyang") -> str:
    ids = {c.id: c.name_zh for c in load_region(region).clusters}
    if cluster_id in ids:
        return cluster_id
    for cid, name in ids.items():  # a Chinese cluster name is accepted too
        if name == cluster_id:
            return cid
    known = "、".join(f"{k}（{v}）" for k, v in ids.items())
    raise UserError(f"技术领域（产业集群）“{cluster_id}”不存在，应为：{known}")


def check_district(code: str, region: str = "shenyang") -> str:
    districts = {d.id: d.name_zh for d in load_region(region).districts}
    if code in districts:
        return code
    for did, name in districts.items():
        if name == code:
            return did
    raise UserError(f"区县“{code}”不在本地区（应为 GB/T 2260 区县代码，如 210112 浑南区）")


def in_region(code: str | None, region: str = "shenyang") -> bool:
    return code is not None and code in {d.id for d in load_region(region).districts}


def transfer_mode(value: str) -> str:
    if value in TRANSFER_MODES:
        return value
    for mode, zh in TRANSFER_MODES.items():
        if zh == value:
            return mode
    known = "、".join(f"{k}（{v}）" for k, v in TRANSFER_MODES.items())
    raise UserError(f"转化方式“{value}”不存在，应为：{known}")


def need_text(value: str | None, what: str, limit: int | None = None) -> str:
    text = (value or "").strip()
    if not text:
        raise UserError(f"{what}不能为空")
    if limit is not None and len(text) > limit:
        raise UserError(f"{what}过长：{len(text)} 字，最多 {limit} 字")
    return text


def cluster_name(cluster_id: str) -> str:
    return load_region().cluster_name(cluster_id)


def district_name(code: str | None) -> str:
    return "未注明区县" if not code else load_region().district_name(code)
