"""Growth-potential model (成长潜力模型): predict, from the panel up to year t, OECD high growth over
t+1..t+3 and recognition at the next cultivation-ladder rung within two years. See docs/potential.md."""
