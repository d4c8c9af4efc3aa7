"""The circuit: the money-flow network of the atlas, its cycles, exposures and centrality."""
