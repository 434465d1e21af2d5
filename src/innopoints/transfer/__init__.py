"""Technology transfer (成果转化): matching demands, achievements, firms, experts and pilot services."""
