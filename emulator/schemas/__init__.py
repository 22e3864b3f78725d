"""Wire shapes, one module per dialect, separate from the table models."""
