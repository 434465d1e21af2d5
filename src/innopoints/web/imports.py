"""The data-import workflow behind the 数据导入 pages and API: upload → preview → confirm, error reports, history.

The upload is staged (``registry.importing.staging``) and validated against the registry without writing
anything; the preview (counts, header mapping, first rows, every cell error) is kept next to the file.
Confirming runs the importer (``registry.importing.service.run_import``: one transaction, quarantine or
all-or-nothing) on the staged file and records its result.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import IO, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from innopoints.accounts.access import require
from innopoints.accounts.errors import AccountError
from innopoints.accounts.principal import Principal
from innopoints.adapters.db import import_repo
from innopoints.adapters.db.tables import ImportBatch, QuarantinedRow
from innopoints.bootstrap import Container
from innopoints.errors import NotFound, UserError
from innopoints.registry.importing.columns import map_headers
from innopoints.registry.importing.model import CellError
from innopoints.registry.importing.reader import read_table
from innopoints.registry.importing.service import IMPORT_SOURCES, run_import
from innopoints.registry.importing.staging import StagedUpload, UploadRejected, UploadStore
from innopoints.registry.importing.validate import validate_table
from innopoints.registry.panel import source_label

PREVIEW_ROWS = 20
SHOWN_ERRORS = 200
MODES = {
    "quarantine": "隔离模式：正确的行写入，问题行隔离保存",
    "all_or_nothing": "全部或全不：任一行有错则全部不写入",
}
STATUS_LABELS = {
    "committed": "已导入",
    "partial": "部分导入（问题行已隔离）",
    "rejected": "未导入（存在错误行）",
    "running": "导入中",
    "unchanged": "无变化",
}
HISTORY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "批次"),
    ("file_name", "文件名"),
    ("file_format", "格式"),
    ("source_label", "数据来源"),
    ("mode_label", "模式"),
    ("status_label", "状态"),
    ("rows_total", "数据行"),
    ("rows_accepted", "通过"),
    ("rows_quarantined", "隔离"),
    ("enterprises_created", "新建企业"),
    ("values_changed", "变更值"),
    ("imported_by", "导入人"),
    ("started_at", "开始时间"),
    ("finished_at", "完成时间"),
)


def sources() -> list[tuple[str, str]]:
    return [(s, source_label(s)) for s in IMPORT_SOURCES]


def history_row(batch: ImportBatch) -> dict[str, Any]:
    return {
        "id": batch.id,
        "file_name": batch.file_name,
        "file_format": batch.file_format,
        "encoding": batch.encoding,
        "source": batch.source,
        "source_label": source_label(batch.source),
        "mode": batch.mode,
        "mode_label": "全部或全不" if batch.mode == "all_or_nothing" else "隔离模式",
        "status": batch.status,
        "status_label": STATUS_LABELS.get(batch.status, batch.status),
        "rows_total": batch.rows_total,
        "rows_accepted": batch.rows_accepted,
        "rows_quarantined": batch.rows_quarantined,
        "enterprises_created": batch.enterprises_created,
        "values_changed": batch.values_changed,
        "imported_by": batch.imported_by,
        "started_at": batch.started_at,
        "finished_at": batch.finished_at,
    }


@dataclass
class ImportService:
    container: Container
    session: Session
    principal: Principal

    def __post_init__(self) -> None:
        require(self.principal, "import.run")

    @property
    def store(self) -> UploadStore:
        return UploadStore(self.container.settings.data_dir / "uploads")

    # -------------------------------------------------------------------------------- upload, preview

    def upload(self, source: IO[bytes], raw_name: str) -> StagedUpload:
        """Stage and validate an upload. File-level problems (type, size, encoding, headers) raise
        ``UploadRejected`` and leave nothing behind."""
        store = self.store
        staged = store.stage(source, raw_name, self.principal.user_id)
        try:
            preview, errors = self._validate(staged)
        except UserError as exc:
            store.discard(staged)
            if isinstance(exc, UploadRejected):
                raise
            raise UploadRejected(exc.message, status=422) from exc
        except BaseException:
            store.discard(staged)
            raise
        store.save(staged, "preview", preview)
        store.save(staged, "errors", errors)
        return staged

    def _validate(self, staged: StagedUpload) -> tuple[dict[str, Any], list[dict[str, object]]]:
        table = read_table(staged.path, display_name=staged.display_name)
        mapping = map_headers(table.headers)
        if not mapping.ok:
            problems = "；".join(p.message for p in mapping.problems)
            raise UploadRejected(
                f"“{staged.display_name}”的表头有问题，未导入任何数据：{problems}", status=422
            )
        if not table.row_numbers:
            raise UploadRejected(f"“{staged.display_name}”只有表头，没有数据行", status=422)
        uscc_column = table.columns[mapping.by_key()["uscc"].position]
        codes = {c.strip().upper() for c in uscc_column if c.strip()}
        existing = import_repo.find_enterprises(self.session, codes)
        validated = validate_table(
            table, mapping, region=self.container.region, existing_usccs=existing, today=date.today()
        )
        errors = validated.cell_errors()
        bad = validated.bad_row_numbers
        first_numbers = set(table.row_numbers[:PREVIEW_ROWS])
        shown: dict[tuple[int, str], str] = {}
        for e in errors:
            if e.row in first_numbers:
                key = (e.row, e.column)
                shown[key] = f"{shown[key]}；{e.message}" if key in shown else e.message
        bad_set = set(bad)
        first_rows = [
            {
                "row": table.row_numbers[i],
                "bad": table.row_numbers[i] in bad_set,
                "cells": [
                    {"value": table.columns[p][i], "error": shown.get((table.row_numbers[i], h))}
                    for p, h in enumerate(table.headers)
                ],
            }
            for i in range(min(PREVIEW_ROWS, table.row_count))
        ]
        preview = {
            "token": staged.token,
            "file_name": staged.display_name,
            "file_format": table.file_format,
            "encoding": table.encoding,
            "size": staged.size,
            "sha256": table.sha256,
            "rows_total": table.row_count,
            "rows_bad": len(bad),
            "rows_good": table.row_count - len(bad),
            "errors_total": len(errors),
            "headers": table.headers,
            "header_mapping": [
                {
                    "header": c.header,
                    "key": c.key,
                    "unit": c.unit,
                    "meaning": c.panel.name_zh
                    if c.panel
                    else (c.attribute.header if c.attribute else "忽略"),
                }
                for c in mapping.columns
            ],
            "first_rows": first_rows,
            "enterprises_known": len(existing),
            "enterprises_new": len(codes - set(existing)),
            "earlier_batches": import_repo.batches_with_sha(self.session, table.sha256),
            "uploaded_at": staged.created_at,
            "uploaded_by": self.principal.username,
        }
        return preview, [e.as_dict() for e in errors]

    def staged(self, token: str) -> StagedUpload:
        return self.store.get(token, self.principal.user_id)

    def preview_of(self, token: str) -> dict[str, Any]:
        staged = self.staged(token)
        preview = self.store.load(staged, "preview")
        if preview is None:
            raise NotFound("该上传文件没有预览结果，请重新上传")
        preview["result"] = self.store.load(staged, "result")
        return dict(preview)

    def staged_errors(self, token: str) -> list[CellError]:
        staged = self.staged(token)
        return [CellError(**e) for e in self.store.load(staged, "errors") or []]

    # -------------------------------------------------------------------------------- confirm

    def confirm(self, token: str, *, source: str, mode: str) -> dict[str, Any]:
        """Import the staged file; the result is recorded next to it and returned."""
        if source not in IMPORT_SOURCES:
            raise AccountError(
                f"数据来源“{source}”无效，应为：" + "、".join(f"{k}（{v}）" for k, v in sources())
            )
        if mode not in MODES:
            raise AccountError(
                f"导入模式“{mode}”无效，应为 quarantine（隔离模式）或 all_or_nothing（全部或全不）"
            )
        store = self.store
        staged = self.staged(token)
        done = store.load(staged, "result")
        if done is not None or not store.claim(staged):
            batch = f"（批次 #{done['batch_id']}）" if done and done.get("batch_id") else ""
            raise AccountError(f"该文件已确认导入{batch}，请勿重复提交；如需再次导入请重新上传")
        if not staged.path.is_file():
            store.release(staged)
            raise NotFound("上传文件已被清理，请重新上传")
        try:
            result = run_import(
                self.container,
                staged.path,
                source=source,
                all_or_nothing=mode == "all_or_nothing",
                display_name=staged.display_name,
                imported_by=self.principal.username,
                region=self.container.region,
            )
        except BaseException:
            store.release(staged)
            raise
        outcome = {
            "batch_id": result.batch_id,
            "status": result.status,
            "status_label": STATUS_LABELS.get(result.status, result.status),
            "source": source,
            "source_label": source_label(source),
            "mode": mode,
            "mode_label": MODES[mode],
            "rows_total": result.rows_total,
            "rows_accepted": result.rows_accepted,
            "rows_quarantined": result.rows_quarantined,
            "enterprises_created": result.enterprises_created,
            "enterprises_updated": result.enterprises_updated,
            "values_changed": result.values_changed,
            "errors_total": len(result.errors),
            "finished_at": datetime.now(UTC),
        }
        store.save(staged, "errors", [e.as_dict() for e in result.errors])
        store.save(staged, "result", outcome)
        store.discard_file(staged)
        return outcome

    # -------------------------------------------------------------------------------- history

    def history(self, limit: int = 200) -> list[dict[str, Any]]:
        batches = self.session.scalars(sa.select(ImportBatch).order_by(ImportBatch.id.desc()).limit(limit))
        return [history_row(b) for b in batches]

    def batch(self, batch_id: int) -> ImportBatch:
        found = self.session.get(ImportBatch, batch_id)
        if found is None:
            raise NotFound(f"导入批次 {batch_id} 不存在")
        return found

    def batch_errors(self, batch_id: int) -> list[CellError]:
        """The per-cell errors of a batch's quarantined rows (from the database)."""
        self.batch(batch_id)
        rows = self.session.execute(
            sa.select(QuarantinedRow.row_number, QuarantinedRow.errors_json)
            .where(QuarantinedRow.batch_id == batch_id)
            .order_by(QuarantinedRow.row_number)
        )
        return [CellError(row=number, **item) for number, text in rows for item in json.loads(text)]
