"""Route modules: one router per context (pages, API, health, export)."""
