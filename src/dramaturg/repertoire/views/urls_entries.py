"""URLs of the repertoire's entries, under /s/<school_slug>/."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
