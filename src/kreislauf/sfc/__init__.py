"""Stock-flow-consistent simulation: the general engine, textbook models, the AI circuit."""
