"""Exports of the filtered enterprise list from the web: CSV (UTF-8 with BOM) and XLSX."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import openpyxl
import pytest
from fastapi.testclient import TestClient
from web_auth import client_for, log_in, make_user
from web_seed import FILLERS, MATERIALS, ROBOT, seed

from innopoints.bootstrap import Container

HEADER = [
    "统一社会信用代码",
    "企业名称",
    "注册日期",
    "区县",
    "园区",
    "产业集群",
    "高新技术领域",
    "是否上市",
    "有效资质",
    "2024年营业收入（元）",
    "2024年研发费用（元）",
    "合成数据",
]


@pytest.fixture
def client(container: Container) -> Iterator[TestClient]:
    seed(container)
    with client_for(container) as c:
        log_in(c, make_user(container, "admin"))
        yield c


def test_csv_export_of_the_filtered_list(client: TestClient) -> None:
    response = client.get("/enterprises/export", params={"district": "210112", "format": "csv"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment;" in response.headers["content-disposition"]
    assert "filename*=UTF-8''%E4%BC%81%E4%B8%9A%E5%BA%93_" in response.headers["content-disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        HEADER,
        [
            ROBOT,
            "沈阳浑南机器人科技有限公司",
            "2015-03-01",
            "浑南区",
            "浑南科技城",
            "机器人及智能制造",
            "先进制造与自动化",
            "否",
            "科技型中小企业",
            "61234567.89",
            "1860000.50",
            "否",
        ],
    ]


def test_csv_export_follows_sort_and_covers_every_match(client: TestClient) -> None:
    response = client.get("/enterprises/export", params={"sort": "-revenue", "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 1 + 3 + FILLERS  # no paging in exports
    assert rows[1][0] == MATERIALS and rows[1][9] == "980000000.00"
    assert rows[1][8] == "高新技术企业、瞪羚企业"


def test_xlsx_export_has_headers_and_exact_values(client: TestClient) -> None:
    response = client.get("/enterprises/export", params={"listed": "true", "format": "xlsx"})
    assert response.status_code == 200
    assert (
        response.headers["content-type"]
        == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == HEADER
    assert len(rows) == 2
    assert rows[1][0] == MATERIALS and rows[1][1] == "沈阳铁西新材料股份有限公司"
    assert rows[1][9] == 980000000 and rows[1][10] == 45000000


def test_export_rejects_unknown_format_and_bad_filters(client: TestClient) -> None:
    bad = client.get("/enterprises/export", params={"format": "pdf"})
    assert bad.status_code == 422 and "导出格式只能是 csv 或 xlsx" in bad.text
    assert client.get("/enterprises/export", params={"district": "000000"}).status_code == 422
