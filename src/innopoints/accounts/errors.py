"""Errors raised by the accounts layer; the web layer maps them to 401 / 403 / 429 / 400."""

from __future__ import annotations


class NotAuthenticated(Exception):
    """No valid session or token."""

    def __init__(self, message: str = "请先登录") -> None:
        super().__init__(message)
        self.message = message


class AccessDenied(Exception):
    """Authenticated, but role or data scope does not allow this."""

    def __init__(self, message: str = "无权访问该数据") -> None:
        super().__init__(message)
        self.message = message


class TooManyAttempts(Exception):
    def __init__(self, retry_after_seconds: int) -> None:
        minutes = max(1, (retry_after_seconds + 59) // 60)
        self.message = f"登录失败次数过多，请 {minutes} 分钟后再试"
        self.retry_after_seconds = retry_after_seconds
        super().__init__(self.message)


class AccountError(ValueError):
    """A request about accounts that cannot be done as asked (Chinese message)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
