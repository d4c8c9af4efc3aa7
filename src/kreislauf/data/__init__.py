"""Market data: loaders for prices, fundamentals, concentration and Shiller's series."""
