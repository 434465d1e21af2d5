"""Officer views (市科技局 admin and 区县/园区 officers): dashboard, scoring rounds, rulebook and pool pages.

Plain functions over a session that take the acting ``Principal``: firm-level lists are limited to the
principal's data scope (``accounts.access.enterprise_scope_clause``); the web layer only renders them.
"""
