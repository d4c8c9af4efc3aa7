"""Bubble diagnostics: valuation and concentration metrics, PSY date-stamping, LPPLS."""
