"""The data layer: every database read and write, one module per area."""
