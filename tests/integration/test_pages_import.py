"""数据导入 pages and API: upload → preview (nothing written) → confirm, per-cell error reports, history, and
refusal of bad uploads (wrong type by extension and by content, oversized, malformed forms) with nothing
written or kept."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from web_auth import signed_in

from innopoints.adapters.db.tables import Enterprise, ImportBatch, QuarantinedRow, panel_revision
from innopoints.bootstrap import Container
from innopoints.registry.importing.staging import MAX_UPLOAD_BYTES
from innopoints.registry.uscc import build

HEADER = [
    "统一社会信用代码",
    "企业名称",
    "年度",
    "注册日期",
    "所属区县",
    "产业集群",
    "是否上市",
    "职工总数（人）",
    "研发费用（万元）",
]
A = build("9", "1", "210112", "MA0000001")
B = build("9", "1", "210106", "MA0000002")
C = build("9", "1", "210102", "MA0000003")


def _row(code: str, employees: str = "120", rd: str = "12.5", district: str = "浑南区") -> list[str]:
    return [
        code,
        f"沈阳{code[-4:]}科技有限公司",
        "2024",
        "2019-05-01",
        district,
        "机器人及智能制造",
        "否",
        employees,
        rd,
    ]


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([HEADER, *rows])
    return buffer.getvalue().encode("utf-8-sig")


def _count(container: Container, model: object) -> int:
    with container.sessions() as s:
        return int(s.scalar(sa.select(sa.func.count()).select_from(model)) or 0)


def _nothing_written(container: Container) -> None:
    assert _count(container, Enterprise) == 0
    assert _count(container, ImportBatch) == 0
    assert _count(container, panel_revision) == 0


def _staged(container: Container) -> list[Path]:
    root = container.settings.data_dir / "uploads"
    return list(root.iterdir()) if root.is_dir() else []


@pytest.fixture
def admin(container: Container) -> TestClient:
    with signed_in(container, "admin") as client:
        yield client


def _upload(client: TestClient, name: str, data: bytes, path: str = "/imports/upload") -> object:
    return client.post(path, files={"file": (name, data, "application/octet-stream")}, follow_redirects=False)


def test_upload_previews_without_writing_then_confirm_imports(
    container: Container, admin: TestClient
) -> None:
    response = _upload(admin, "统计局2024.csv", _csv([_row(A), _row(B, district="铁西区")]))
    assert response.status_code == 303
    location = response.headers["location"]
    token = location.rsplit("/", 1)[1]
    preview = admin.get(location)
    assert preview.status_code == 200
    assert "导入预览" in preview.text and "2 行：无误 2 行" in preview.text
    assert f"沈阳{A[-4:]}科技有限公司" in preview.text  # first rows as parsed
    _nothing_written(container)
    assert (container.settings.data_dir / "uploads" / token / "upload.csv").is_file()

    done = admin.post(f"/imports/{token}/confirm", data={"source": "statistics", "mode": "quarantine"})
    assert done.status_code == 200 and "已导入" in done.text
    assert _count(container, Enterprise) == 2
    with container.sessions() as s:
        batch = s.scalars(sa.select(ImportBatch)).one()
        assert (batch.status, batch.source, batch.rows_accepted, batch.file_name) == (
            "committed",
            "statistics",
            2,
            "统计局2024.csv",
        )
        assert batch.imported_by is not None and batch.imported_by.startswith("admin")
    assert not (
        container.settings.data_dir / "uploads" / token / "upload.csv"
    ).exists()  # file not kept after import
    history = admin.get("/imports")
    assert "统计局2024.csv" in history.text and "已导入" in history.text
    again = admin.post(f"/imports/{token}/confirm", data={"source": "statistics", "mode": "quarantine"})
    assert again.status_code == 400 and "请勿重复提交" in again.text
    assert _count(container, ImportBatch) == 1


def test_bad_cells_are_listed_with_row_column_value_and_reported(
    container: Container, admin: TestClient
) -> None:
    rows = [_row(A), _row(B, employees="一百二十"), _row(C, rd="-5")]
    response = _upload(admin, "有错误.csv", _csv(rows))
    token = response.headers["location"].rsplit("/", 1)[1]
    page = admin.get(f"/imports/{token}")
    assert "有错误 <strong>2</strong> 行" in page.text
    assert "一百二十" in page.text and "职工总数（人）" in page.text
    assert 'class="cell-error"' in page.text
    report = admin.get(f"/imports/{token}/errors.xlsx")
    assert report.status_code == 200
    sheet = load_workbook(io.BytesIO(report.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == ["行号", "列名", "原始值", "期望", "错误说明"]
    by_row = {int(r[0]): r for r in values[1:]}
    assert by_row[3][1] == "职工总数（人）" and by_row[3][2] == "一百二十"
    assert by_row[4][1] == "研发费用（万元）" and by_row[4][2] == "-5"
    assert all(r[3] and r[4] for r in values[1:])  # expected and explanation filled in
    _nothing_written(container)

    rejected = admin.post(f"/imports/{token}/confirm", data={"source": "import", "mode": "all_or_nothing"})
    assert "未导入" in rejected.text and "全部或全不" in rejected.text
    _nothing_written(container)


def test_quarantine_mode_writes_good_rows_and_keeps_bad_ones(container: Container, admin: TestClient) -> None:
    response = _upload(admin, "部分.csv", _csv([_row(A), _row(B, employees="abc")]))
    token = response.headers["location"].rsplit("/", 1)[1]
    admin.post(f"/imports/{token}/confirm", data={"source": "tax", "mode": "quarantine"})
    assert _count(container, Enterprise) == 1
    assert _count(container, QuarantinedRow) == 1
    with container.sessions() as s:
        batch_id = s.scalar(sa.select(ImportBatch.id))
    report = admin.get(f"/imports/batches/{batch_id}/errors.csv")
    text = report.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "行号,列名,原始值,期望,错误说明"
    assert "3,职工总数（人）,abc" in text
    history = admin.get("/imports/export?format=xlsx")
    sheet = load_workbook(io.BytesIO(history.content)).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[0][:3] == ["批次", "文件名", "格式"] and rows[1][1] == "部分.csv"


@pytest.mark.parametrize(
    ("name", "data", "status", "phrase"),
    [
        (
            "企业数据.csv",
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200,
            415,
            "Windows 可执行文件",
        ),
        ("企业数据.csv", b"\x7fELF\x02\x01\x01" + b"\x00" * 100, 415, "Linux 可执行文件"),
        ("企业数据.csv", "统一社会信用代码\x00企业名称\n".encode() * 3, 415, "二进制"),
        ("企业数据.xlsx", _csv([_row(A)]), 415, "不是 Excel 工作簿"),
        ("企业数据.xlsx", b"PK\x03\x04" + b"\x00" * 64, 415, "不是有效的 XLSX"),
        ("企业数据.exe", _csv([_row(A)]), 415, "不支持的文件类型“.exe”"),
        ("企业数据", _csv([_row(A)]), 415, "无扩展名"),
        ("空.csv", b"", 400, "空文件"),
        (
            "表头错.csv",
            "统一社会信用代码,企业名称,年度,研发费用（千元）\n1,2,3,4\n".encode(),
            422,
            "表头有问题",
        ),
    ],
)
def test_wrong_files_are_refused_in_chinese_and_nothing_is_kept(
    container: Container, admin: TestClient, name: str, data: bytes, status: int, phrase: str
) -> None:
    response = _upload(admin, name, data)
    assert response.status_code == status, response.text[:300]
    assert phrase in response.text
    assert _staged(container) == []
    _nothing_written(container)


def test_oversized_upload_is_refused_before_parsing(container: Container, admin: TestClient) -> None:
    big = _csv([_row(A)]) + b"x" * (MAX_UPLOAD_BYTES + 1024 * 1024)
    response = _upload(admin, "太大.csv", big)
    assert response.status_code == 413
    assert "不能超过 20 MB" in response.text
    api = _upload(admin, "太大.csv", big, path="/api/imports")
    assert api.status_code == 413 and api.json()["error"]["code"] == "payload_too_large"
    # a file just over the limit passes the request-size guard (form envelope allowance) but not staging
    just_over = _csv([_row(A)]) + b"x" * (MAX_UPLOAD_BYTES + 10 - len(_csv([_row(A)])))
    staged = _upload(admin, "略大.csv", just_over, path="/api/imports")
    assert staged.status_code == 413 and "不能超过 20 MB" in staged.json()["error"]["message"]
    assert _staged(container) == []
    _nothing_written(container)


def test_oversized_streamed_body_without_length_is_refused(container: Container, admin: TestClient) -> None:
    def body() -> object:
        chunk = b"a" * (1024 * 1024)
        for _ in range(MAX_UPLOAD_BYTES // len(chunk) + 2):
            yield chunk

    response = admin.post(
        "/api/imports", content=body(), headers={"Content-Type": "multipart/form-data; boundary=xyz"}
    )
    assert response.status_code == 413
    assert "不能超过 20 MB" in response.json()["error"]["message"]
    assert _staged(container) == []


def test_just_under_the_limit_is_accepted_by_the_size_check(container: Container, admin: TestClient) -> None:
    data = _csv([_row(A)])
    padded = data + b"\n" * (MAX_UPLOAD_BYTES - len(data))  # exactly the limit (blank lines are skipped)
    response = _upload(admin, "刚好.csv", padded)
    assert response.status_code == 303


def test_malformed_forms_are_refused(container: Container, admin: TestClient) -> None:
    no_file = admin.post("/imports/upload", data={"note": "x"})
    assert no_file.status_code == 400 and "请选择要上传的文件" in no_file.text
    response = _upload(admin, "ok.csv", _csv([_row(A)]))
    token = response.headers["location"].rsplit("/", 1)[1]
    bad_mode = admin.post(f"/imports/{token}/confirm", data={"source": "import", "mode": "everything"})
    assert bad_mode.status_code == 400 and "导入模式" in bad_mode.text
    bad_source = admin.post(f"/imports/{token}/confirm", data={"source": "hacker", "mode": "quarantine"})
    assert bad_source.status_code == 400 and "数据来源" in bad_source.text
    _nothing_written(container)
    for bad_token in ("..%2F..%2Fetc", "x" * 22, "nonexistent"):
        assert admin.get(f"/imports/{bad_token}").status_code == 404


def test_uploads_belong_to_their_uploader_and_need_the_admin_role(
    container: Container, admin: TestClient
) -> None:
    token = _upload(admin, "ok.csv", _csv([_row(A)])).headers["location"].rsplit("/", 1)[1]
    with signed_in(container, "admin") as other:
        assert other.get(f"/imports/{token}").status_code == 404
        refused = other.post(f"/imports/{token}/confirm", data={"source": "import", "mode": "quarantine"})
        assert refused.status_code == 404
    with signed_in(container, "officer", district_code="210112") as officer:
        assert officer.get("/imports").status_code == 403
        assert _upload(officer, "ok.csv", _csv([_row(A)])).status_code == 403
        assert officer.get("/api/imports").status_code == 403
    _nothing_written(container)


def test_upload_without_csrf_token_is_refused(container: Container, admin: TestClient) -> None:
    admin.headers.pop("X-CSRF-Token")
    response = _upload(admin, "ok.csv", _csv([_row(A)]))
    assert response.status_code == 403
    assert _staged(container) == []


def test_api_upload_preview_and_confirm(container: Container, admin: TestClient) -> None:
    response = _upload(admin, "api.csv", _csv([_row(A), _row(B, rd="x")]), path="/api/imports")
    assert response.status_code == 201
    body = response.json()
    assert (body["rows_total"], body["rows_bad"]) == (2, 1)
    assert body["errors"][0]["row"] == 3 and body["errors"][0]["column"] == "研发费用（万元）"
    assert body["first_rows"][1]["cells"][8]["error"]
    _nothing_written(container)
    done = admin.post(
        f"/api/imports/{body['token']}/confirm", json={"source": "import", "mode": "quarantine"}
    )
    assert done.status_code == 200 and done.json()["status"] == "partial"
    history = admin.get("/api/imports").json()["items"]
    assert [h["file_name"] for h in history] == ["api.csv"]
    wrong = _upload(admin, "x.csv", b"MZ" + b"\x00" * 100, path="/api/imports")
    assert wrong.status_code == 415 and wrong.json()["error"]["code"] == "unsupported_file_type"
