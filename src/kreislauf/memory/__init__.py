"""Scarcity: the DRAM market under oligopoly and hoarding."""
