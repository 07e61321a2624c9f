"""Staff accounts, roles, login sessions, login throttling and the audit trail."""
