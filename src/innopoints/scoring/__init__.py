"""Innovation points (创新积分): indicator system as data, frozen scoring rounds, explanations, weights."""
