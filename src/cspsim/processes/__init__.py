"""The daily processes of the model, one module each (see model.step for the order)."""
