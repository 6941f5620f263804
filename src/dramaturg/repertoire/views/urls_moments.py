"""URLs of the repertoire's moments, under /s/<school_slug>/."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
