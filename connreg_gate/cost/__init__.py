"""LLM usage turned into spend, projections and budget status."""
