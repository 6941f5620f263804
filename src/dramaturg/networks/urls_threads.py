"""Network pages: see networks/urls.py."""

urlpatterns: list = []
