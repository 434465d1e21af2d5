"""Annual targets (年度目标): live values from the data, district decomposition, projection, alerts."""
