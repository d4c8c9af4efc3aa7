"""The claims audit: the articles' quantitative claims checked against the data."""
