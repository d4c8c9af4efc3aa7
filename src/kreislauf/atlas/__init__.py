"""The atlas: a sourced, versioned dataset of the AI capital circuit."""
