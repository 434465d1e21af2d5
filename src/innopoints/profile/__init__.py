"""The enterprise profile (企业画像): points, ranks, radar, trends, ladder stage, gap and verdicts."""
