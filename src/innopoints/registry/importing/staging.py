"""Uploaded import files kept between preview and confirm.

Each upload is stored under ``<data_dir>/uploads/<token>/`` where the token is random (never derived from
anything the user sends), together with a small JSON record of who uploaded it and the preview/result. The
file is checked before anything else happens: size limit, extension, and content sniffing (an ``.exe``
renamed ``.csv`` or a ZIP that is not an Excel workbook is refused), so only plausible CSV/XLSX files reach
the importer. Staged uploads older than a day are removed.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import secrets
import shutil
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import IO, Any

from innopoints.errors import NotFound, UserError

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_UNZIPPED_BYTES = 300 * 1024 * 1024  # a 20 MB workbook that inflates beyond this is refused
SUFFIXES = {".csv": "csv", ".xlsx": "xlsx"}
STAGE_TTL = timedelta(hours=24)
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{22}$")
_CHUNK = 1024 * 1024
_SNIFF_BYTES = 64 * 1024
# Signatures of common non-text files (executables, archives, images, documents).
_BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"MZ", "Windows 可执行文件（EXE/DLL）"),
    (b"\x7fELF", "Linux 可执行文件"),
    (b"%PDF", "PDF 文档"),
    (b"\x89PNG", "PNG 图片"),
    (b"\xff\xd8\xff", "JPEG 图片"),
    (b"GIF8", "GIF 图片"),
    (b"\x1f\x8b", "gzip 压缩包"),
    (b"Rar!", "RAR 压缩包"),
    (b"7z\xbc\xaf", "7z 压缩包"),
    (b"\xd0\xcf\x11\xe0", "旧版 Office 文件（.xls/.doc）"),
    (b"PK\x03\x04", "ZIP 压缩包"),
)


class UploadRejected(UserError):
    """The upload is refused before it is stored (``status`` is the HTTP status the web layer answers)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def size_text(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{max(1, size // 1024)} KB"


def too_large_message(limit: int, received: int | None = None) -> str:
    got = f"（收到约 {size_text(received)}）" if received else ""
    return f"上传文件过大{got}：单个文件不能超过 {limit // 1024 // 1024} MB，请拆分后分批导入"


def safe_display_name(raw: str) -> str:
    """The file name the user sees: the last path component only, at most 200 characters."""
    name = PureWindowsPath(PurePosixPath(raw or "").name).name.strip()
    name = "".join(ch for ch in name if ch.isprintable())
    if not name:
        raise UploadRejected("请选择要上传的文件（CSV 或 XLSX）")
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[:190] + dot + ext) if dot else name[:200]
    return name


def file_format_of(name: str) -> str:
    suffix = PurePosixPath(name).suffix.lower()
    fmt = SUFFIXES.get(suffix)
    if fmt is None:
        shown = suffix or "无扩展名"
        raise UploadRejected(f"不支持的文件类型“{shown}”：只能上传 .csv 或 .xlsx 文件", status=415)
    return fmt


def sniff(path: Path, name: str, fmt: str) -> None:
    """Check that the content matches the extension; raise ``UploadRejected`` (415) when it does not."""
    with path.open("rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    if not head.strip():
        raise UploadRejected(f"“{name}”是空文件")
    found = next((label for sig, label in _BINARY_SIGNATURES if head.startswith(sig)), None)
    if fmt == "csv":
        if found is not None:
            raise UploadRejected(
                f"“{name}”的扩展名是 .csv，但内容是{found}，不是文本表格；请上传 CSV（UTF-8 或 GBK）或 XLSX 文件",
                status=415,
            )
        utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        if b"\x00" in head and not utf16:
            raise UploadRejected(
                f"“{name}”的扩展名是 .csv，但内容含二进制数据，不是文本表格；请上传 CSV 或 XLSX 文件",
                status=415,
            )
        return
    if not head.startswith(b"PK\x03\x04"):
        what = f"内容是{found}" if found else "内容不是 Excel 工作簿"
        raise UploadRejected(
            f"“{name}”的扩展名是 .xlsx，但{what}；请在 Excel 中另存为 .xlsx 后上传", status=415
        )
    _check_workbook(path, name)


def _check_workbook(path: Path, name: str) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise UploadRejected(f"“{name}”不是有效的 XLSX 文件（压缩结构损坏：{exc}）", status=415) from exc
    names = {e.filename for e in entries}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/workbook") for n in names):
        raise UploadRejected(
            f"“{name}”是 ZIP 压缩包，但不是 Excel 工作簿（缺少 xl/workbook.xml）", status=415
        )
    if sum(e.file_size for e in entries) > MAX_UNZIPPED_BYTES:
        raise UploadRejected(
            f"“{name}”解压后超过 {MAX_UNZIPPED_BYTES // 1024 // 1024} MB，疑似异常文件，未导入", status=413
        )


@dataclass(frozen=True)
class StagedUpload:
    token: str
    directory: Path
    display_name: str
    file_format: str
    size: int
    owner_id: int
    created_at: datetime

    @property
    def path(self) -> Path:
        return self.directory / f"upload.{self.file_format}"


class UploadStore:
    """Staged uploads under ``root`` (normally ``<data_dir>/uploads``)."""

    def __init__(self, root: Path, limit: int = MAX_UPLOAD_BYTES) -> None:
        self.root = root
        self.limit = limit

    def stage(
        self, source: IO[bytes], raw_name: str, owner_id: int, now: datetime | None = None
    ) -> StagedUpload:
        """Copy the upload into a fresh directory after checking size, extension and content."""
        now = now or datetime.now(UTC)
        name = safe_display_name(raw_name)
        fmt = file_format_of(name)
        self.purge(now)
        token = secrets.token_urlsafe(16)
        directory = self.root / token
        directory.mkdir(parents=True, exist_ok=False)
        target = directory / f"upload.{fmt}"
        try:
            size = _copy_limited(source, target, self.limit)
            sniff(target, name, fmt)
        except BaseException:
            shutil.rmtree(directory, ignore_errors=True)
            raise
        staged = StagedUpload(token, directory, name, fmt, size, owner_id, now)
        self._write(directory / "meta.json", _meta(staged))
        return staged

    def get(self, token: str, owner_id: int) -> StagedUpload:
        """The upload with this token, if it belongs to ``owner_id`` (404 otherwise, never a path error)."""
        missing = NotFound("找不到该上传文件（可能已过期或已被清理），请重新上传")
        if not _TOKEN.match(token or ""):
            raise missing
        directory = self.root / token
        meta_path = directory / "meta.json"
        if not meta_path.is_file():
            raise missing
        meta = json.loads(meta_path.read_text("utf-8"))
        if meta["owner_id"] != owner_id:
            raise missing
        return StagedUpload(
            token,
            directory,
            meta["display_name"],
            meta["file_format"],
            meta["size"],
            meta["owner_id"],
            datetime.fromisoformat(meta["created_at"]),
        )

    def save(self, staged: StagedUpload, key: str, content: Any) -> None:
        self._write(staged.directory / f"{key}.json", content)

    def load(self, staged: StagedUpload, key: str) -> Any:
        path = staged.directory / f"{key}.json"
        return json.loads(path.read_text("utf-8")) if path.is_file() else None

    def claim(self, staged: StagedUpload) -> bool:
        """Mark the upload as being imported; False when it already was (double submit)."""
        try:
            fd = os.open(staged.directory / "confirm.lock", os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return False
        os.close(fd)
        return True

    def release(self, staged: StagedUpload) -> None:
        (staged.directory / "confirm.lock").unlink(missing_ok=True)

    def discard(self, staged: StagedUpload) -> None:
        """Remove the upload and everything kept with it."""
        shutil.rmtree(staged.directory, ignore_errors=True)

    def discard_file(self, staged: StagedUpload) -> None:
        """Remove the uploaded file itself once imported (the preview and result records stay)."""
        staged.path.unlink(missing_ok=True)

    def purge(self, now: datetime) -> int:
        """Remove staged uploads older than ``STAGE_TTL``; return how many."""
        if not self.root.is_dir():
            return 0
        removed = 0
        for directory in self.root.iterdir():
            meta = directory / "meta.json"
            try:
                created = datetime.fromisoformat(json.loads(meta.read_text("utf-8"))["created_at"])
            except (OSError, ValueError, KeyError):
                created = datetime.fromtimestamp(directory.stat().st_mtime, UTC)
            if now - created > STAGE_TTL:
                shutil.rmtree(directory, ignore_errors=True)
                removed += 1
        return removed

    @staticmethod
    def _write(path: Path, content: Any) -> None:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(content, ensure_ascii=False, default=str), "utf-8")
        tmp.replace(path)


def _meta(staged: StagedUpload) -> dict[str, Any]:
    return {
        "display_name": staged.display_name,
        "file_format": staged.file_format,
        "size": staged.size,
        "owner_id": staged.owner_id,
        "created_at": staged.created_at.isoformat(),
    }


def _copy_limited(source: IO[bytes], target: Path, limit: int) -> int:
    size = 0
    with target.open("wb") as out:
        for chunk in _chunks(source):
            size += len(chunk)
            if size > limit:
                raise UploadRejected(too_large_message(limit), status=413)
            out.write(chunk)
    if size == 0:
        raise UploadRejected("上传的文件是空文件")
    return size


def _chunks(source: IO[bytes]) -> Iterable[bytes]:
    while chunk := source.read(_CHUNK):
        yield chunk
