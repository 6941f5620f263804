"""Schools: boards, schools (the tenant), teams, school years, memberships and roles."""
