"""URLs of the repertoire's cases, under /s/<school_slug>/."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
