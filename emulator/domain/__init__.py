"""The rules, shared by both API dialects. No FastAPI, no search-engine imports here."""
