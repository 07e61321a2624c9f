"""The SMS front door: gateway, webhook, keywords, conversation, consent ledger (DESIGN §6)."""
