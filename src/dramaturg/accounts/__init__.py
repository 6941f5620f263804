"""Accounts: users who log in with their e-mail address, invitations, password reset."""
