"""The web platform: HTML pages (Jinja2, zh-CN) and the JSON API, thin shells over the services."""
