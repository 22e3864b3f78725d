"""HTTP routers, one module per dialect; handlers parse, call the domain layer and render."""
