"""Strategies: plug-in interventions with typed parameters and a budget."""
