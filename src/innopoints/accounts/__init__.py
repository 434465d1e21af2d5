"""Accounts: users and roles, data scopes, sessions, API tokens, bank consents, audit log, data corrections."""
