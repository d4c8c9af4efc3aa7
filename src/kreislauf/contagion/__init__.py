"""Network contagion: Eisenberg-Noe, Rogers-Veraart, DebtRank, Furfine, fire sales."""
