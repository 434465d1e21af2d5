"""The dynamic cultivation pool (培育库): screening per scoring round, append-only history, follow-up."""
