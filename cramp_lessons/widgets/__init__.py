"""The notebook front ends: ipywidgets and plotly views over the logic below (quiz, explorers, tools)."""
