"""The classroom server (FastAPI over SQLAlchemy): no ipywidgets, so it runs on any host."""
