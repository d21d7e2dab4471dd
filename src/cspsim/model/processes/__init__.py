"""The core daily processes of the model, one module each (see :mod:`cspsim.model.schedule`)."""
