"""Coordinator and admin pages for listings, bulk import/export and accounts."""
