"""Policy library (政策库) as data and its matching to firms (政策匹配)."""
