"""Authentication (OAuth 2.0, WSSE, session) and access control (roles over record ownership).

``server.auth.setup.build_security`` assembles what the request pipeline uses.
"""
