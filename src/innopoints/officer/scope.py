"""The firms a principal may see, as a frame to join firm-level results with (uscc, name, district, park,
cluster), and the scope in words for page headers."""

from __future__ import annotations

import threading
import time

import polars as pl
import sqlalchemy as sa
from sqlalchemy.orm import Session

from innopoints.accounts.access import enterprise_scope_clause
from innopoints.accounts.principal import Principal
from innopoints.adapters.db.tables import Enterprise
from innopoints.region import Region

FIRM_SCHEMA: dict[str, pl.DataType] = {
    "uscc": pl.String(),
    "name": pl.String(),
    "district_code": pl.String(),
    "park_id": pl.String(),
    "cluster_id": pl.String(),
}


TTL_SECONDS = 60.0
_cache: dict[tuple[str, ...], tuple[float, pl.DataFrame]] = {}
_cache_lock = threading.Lock()


def all_firms(session: Session, where: sa.ColumnElement[bool] | None = None) -> pl.DataFrame:
    """Every firm (or those matching ``where``) with the columns lists and aggregates need."""
    e = Enterprise
    query = sa.select(e.uscc, e.name, e.district_code, e.park_id, e.cluster_id)
    if where is not None:
        query = query.where(where)
    return pl.DataFrame(session.execute(query).all(), schema=FIRM_SCHEMA, orient="row")


def scoped_firms(session: Session, principal: Principal) -> pl.DataFrame:
    """Every firm in the principal's scope (the whole city for an admin)."""
    clause = None if principal.is_admin else enterprise_scope_clause(principal)
    return _cached(session, scope_key(principal), clause)


def city_firms(session: Session) -> pl.DataFrame:
    """Every firm of the city (for aggregates an officer sees next to their own, never for lists)."""
    return _cached(session, "city", None)


def _cached(session: Session, key_part: str, where: sa.ColumnElement[bool] | None) -> pl.DataFrame:
    """Firm frames are kept for a minute per scope, keyed also by the firm count and the highest id, so
    firms added by an import show at once."""
    count, top = session.execute(sa.select(sa.func.count(), sa.func.max(Enterprise.id))).one()
    key = (str(session.get_bind().engine.url), key_part, str(count), str(top))
    now = time.monotonic()
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None and now - hit[0] < TTL_SECONDS:
            return hit[1]
    frame = all_firms(session, where)
    with _cache_lock:
        for stale in [k for k, (at, _) in _cache.items() if now - at >= TTL_SECONDS]:
            del _cache[stale]
        _cache[key] = (now, frame)
    return frame


def scope_key(principal: Principal) -> str:
    """A cache key part: principals with the same key see the same firms."""
    if principal.is_admin:
        return "city"
    p = principal
    return (
        f"{p.role.value}:{p.district_code or ''}:{p.park_id or ''}:{p.enterprise_id or ''}:{p.bank_id or ''}"
    )


def scope_label(principal: Principal, region: Region) -> str:
    """全市, 浑南区, 园区 沈阳浑南科技城 …"""
    if principal.is_admin:
        return "全市"
    if principal.district_code:
        return region.district_name(principal.district_code)
    if principal.park_id:
        return region.park_name(principal.park_id)
    return "无企业数据"


def with_names(frame: pl.DataFrame, firms: pl.DataFrame, region: Region) -> pl.DataFrame:
    """Keep the rows of firms in scope and add name, district and cluster names."""
    districts = {d.id: d.name_zh for d in region.districts}
    clusters = {c.id: c.name_zh for c in region.clusters}
    joined = frame.join(firms, on="uscc", how="inner")
    return joined.with_columns(
        pl.col("district_code")
        .replace_strict(districts, default="", return_dtype=pl.String)
        .alias("district"),
        pl.col("cluster_id").replace_strict(clusters, default="", return_dtype=pl.String).alias("cluster"),
    )
